"""CSV/XLSX exports of the ladder: a committee's ranking and the audit trail."""

from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from core.buddhist_era import format_datetime
from core.exports import SafeExportResource

RANKING_COLUMNS = (
    ("position", _("position")),
    ("product", _("product")),
    ("producer", _("producer")),
    ("category", _("product type")),
    ("tambon", _("tambon")),
    ("amphoe", _("amphoe")),
    ("mean_total", _("mean total")),
    ("mean_a", _("mean part A (ก)")),
    ("mean_b", _("mean part B (ข)")),
    ("mean_c", _("mean part C (ค)")),
    ("sheet_count", _("sheets submitted")),
    ("expected", _("sheets expected")),
    ("decision", _("decision")),
    ("moved", _("moved by the secretary")),
    ("justification", _("justification")),
)


class RankingResource(SafeExportResource):
    """Rows are ``selection.selectors.RankingLine`` objects, in rank order."""

    for _name, _label in RANKING_COLUMNS:
        locals()[_name] = Field(attribute=_name, column_name=_label)
    del _name, _label

    class Meta:
        export_order = tuple(name for name, _label in RANKING_COLUMNS)

    def dehydrate_moved(self, line) -> str:
        return str(_("yes")) if line.moved else ""

    def dehydrate_expected(self, line):
        return "" if line.expected is None else line.expected


EVENT_COLUMNS = (
    ("at", _("at")),
    ("action", _("action")),
    ("product", _("product")),
    ("ranking", _("ranking")),
    ("actor", _("by")),
    ("from_tier", _("from tier")),
    ("from_state", _("from state")),
    ("to_tier", _("to tier")),
    ("to_state", _("to state")),
    ("note", _("note")),
)


class NominationEventResource(SafeExportResource):
    for _name, _label in EVENT_COLUMNS:
        locals()[_name] = Field(attribute=_name, column_name=_label)
    del _name, _label

    class Meta:
        export_order = tuple(name for name, _label in EVENT_COLUMNS)

    def iter_queryset(self, queryset):
        return super().iter_queryset(
            queryset.select_related(
                "actor", "nomination__product", "ranking__committee", "ranking__round"
            ).order_by("at", "pk")
        )

    def dehydrate_at(self, event) -> str:
        return format_datetime(event.at, joined=False)

    def dehydrate_product(self, event) -> str:
        return str(event.nomination.product) if event.nomination_id else ""

    def dehydrate_ranking(self, event) -> str:
        return str(event.ranking) if event.ranking_id else ""

    def dehydrate_actor(self, event) -> str:
        if event.actor is None:
            return ""
        return event.actor.get_full_name() or event.actor.get_username()
