"""The dashboard's figures as tables (see reports.dashboard): the page's
charts and tables and the downloads are all drawn from them."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Series:
    """A column of a table: a bar segment or a bar colour in its chart."""

    key: str
    label: str
    css: str = ""


@dataclass
class Row:
    key: str
    label: str
    values: list[int]

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass
class Table:
    name: str
    key_label: str
    series: list[Series]
    rows: list[Row] = field(default_factory=list)

    @property
    def totals(self) -> list[int]:
        return [
            sum(row.values[i] for row in self.rows) for i in range(len(self.series))
        ]

    @property
    def total(self) -> int:
        return sum(self.totals)
