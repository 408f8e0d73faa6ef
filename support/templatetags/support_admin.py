"""The support plan's summary on a ranking's admin page: the ranking page
loads this library, so selection shows the plan without importing support."""

from django import template

from selection.models import Ranking
from support.admin_views import support_summary as summary_of

register = template.Library()


@register.inclusion_tag("admin/support/_support_summary.html")
def support_summary(ranking: Ranking) -> dict:
    """The committee's plan, its actions and budget; nothing for the central
    tier, which keeps no plan."""
    return {"ranking": ranking, "support": summary_of(ranking)}
