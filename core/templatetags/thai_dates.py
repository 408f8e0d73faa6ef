"""Template filters for Buddhist-Era years and dates (built into every template).

{{ round.year|be_year }}          2569 (th) / 2026 (en)
{{ nomination.submitted_at|be_date }}        24 พ.ย. 2569
{{ nomination.submitted_at|be_date:"long" }} 24 พฤศจิกายน 2569
{{ nomination.submitted_at|be_datetime }}    24 พ.ย. 2569 14:05 น.
"""

from django import template

from core import buddhist_era

register = template.Library()


@register.filter
def be_year(value):
    if value in (None, ""):
        return ""
    try:
        return buddhist_era.display_year(value)
    except (TypeError, AttributeError, ValueError):
        return value


@register.filter
def be_date(value, style="short"):
    if value in (None, ""):
        return ""
    try:
        return buddhist_era.format_date(value, style)
    except (TypeError, AttributeError, ValueError):
        return value


@register.filter
def be_datetime(value, style="short"):
    try:
        return buddhist_era.format_datetime(value, style)
    except (TypeError, AttributeError, ValueError):
        return value
