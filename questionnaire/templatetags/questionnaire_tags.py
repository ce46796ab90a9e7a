from django import template
from django.utils.html import format_html

from ..core.display import days_left as _days_left
from ..core.display import decimal
from ..core.display import full_stop as end_sentence
from ..core.display import long_date as _long_date
from ..core.display import mid_sentence as _mid_sentence
from ..core.once import FIELD, new_token
from ..engine.values import format_flop

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key] or None (for dicts looked up with a variable key)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def mid_sentence(text):
    """A label inside a sentence: its first letter in lower case unless it starts an abbreviation."""
    return _mid_sentence(str(text or ""))


@register.filter
def full_stop(value):
    """A name at the end of a sentence: "Acme Inc." gets no second full stop."""
    return end_sentence(value)


@register.filter
def flop(value):
    """3.8e25 -> 3.8 × 10^25 (3,8 × 10^25 in German and French)"""
    return format_flop(value, decimal())


@register.simple_tag
def field_input(data, prefix, name):
    """The value posted for an estimator input `<prefix>-<name>`, to show it again."""
    try:
        return data.get(f"{prefix}-{name}", "") or ""
    except AttributeError:
        return ""


@register.filter
def days_left(days):
    return _days_left(days)


@register.filter
def long_date(value, with_time=""):
    """A date (or an ISO date) as a lawyer writes it in the language in use ("1 October 2025", "1. Oktober
    2025"); `|long_date:"time"` adds the time of day, `|long_date:"short"` abbreviates the month ("1 Oct 2025");
    anything else as it is."""
    if not value:
        return ""
    try:
        return _long_date(value, time=with_time == "time", short=with_time == "short")
    except (TypeError, ValueError):
        return value


@register.simple_tag
def once_token():
    """The one-time token of a form that creates something (once.submit_once)."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())

