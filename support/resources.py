"""CSV/XLSX export of the support budget roll-up."""

from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from core.exports import SafeExportResource

BUDGET_COLUMNS = (
    ("key", _("code")),
    ("label", _("name")),
    ("total", _("budget (baht)")),
    ("actions", _("actions")),
    ("cancelled_total", _("cancelled budget (baht)")),
    ("cancelled_actions", _("cancelled actions")),
)


class BudgetLineResource(SafeExportResource):
    """Rows are ``support.budget.BudgetLine`` objects (the last one the
    total). Amounts stay ``Decimal``, so XLSX cells are numbers."""

    for _name, _label in BUDGET_COLUMNS:
        locals()[_name] = Field(attribute=_name, column_name=_label)
    del _name, _label

    class Meta:
        export_order = tuple(name for name, _label in BUDGET_COLUMNS)
