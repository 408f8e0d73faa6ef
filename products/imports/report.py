"""What an import reports: per-row errors, the preview's actions, the counts."""

from dataclasses import dataclass, field

NEW = "new"
UPDATE = "update"


@dataclass(frozen=True)
class RowError:
    row: int  # as the user sees it: header is row 1, first data row is 2
    column: str
    message: str


@dataclass
class ImportReport:
    total_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    # Row number → NEW or UPDATE, for the preview.
    actions: dict[int, str] = field(default_factory=dict)
    created: int = 0
    updated: int = 0
    certificates_created: int = 0
    certificates_updated: int = 0
    dry_run: bool = True
    committed: bool = False

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    def add_error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))
