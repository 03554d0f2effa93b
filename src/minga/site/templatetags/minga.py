from django import template

from minga.accounts import permissions
from minga.common import formatting

register = template.Library()


@register.filter
def number(value, digits=None):
    return formatting.format_number(value, digits=None if digits is None else int(digits))


@register.filter
def money(value, currency):
    return formatting.format_money(value, currency)


@register.filter
def compact_money(value, currency):
    return formatting.format_compact_money(value, currency)


@register.filter
def long_date(value):
    return formatting.format_date(value)


@register.filter
def short_date(value):
    return formatting.format_date(value, form="medium")


@register.filter
def month(value):
    return formatting.format_month(value)


@register.filter
def as_precise_as(value, precision):
    return formatting.format_date_as_precise_as(value, precision)


@register.filter
def language_name(code):
    return formatting.language_name(code)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag(takes_context=True)
def may(context, action, obj):
    """{% may "change" record as allowed %}: asks the permission module for the signed-in user."""
    request = context.get("request")
    return permissions.can(getattr(request, "user", None), action, obj)
