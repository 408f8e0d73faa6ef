"""``{{ product.name_th|thai_wrap }}``: a Thai name that breaks between its
words only (core/thai_text.py), built into every template."""

from django import template

from core import thai_text

register = template.Library()


@register.filter(needs_autoescape=True)
def thai_wrap(value, autoescape=True):
    if value in (None, ""):
        return ""
    if not autoescape:
        return value
    return thai_text.thai_wrap(value)
