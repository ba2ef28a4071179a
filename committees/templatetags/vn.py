from django import template

from committees import formatting

register = template.Library()


@register.filter
def vn_number(value, decimals=0):
    return formatting.number(value, int(decimals))


@register.filter
def vn_percent(value, decimals=1):
    return formatting.percent(value, int(decimals))


@register.filter
def vn_count2(value):
    return formatting.count2(int(value))


@register.filter
def vn_date(value):
    return formatting.short_date(value)


@register.filter
def vn_upper(value):
    return formatting.upper(value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key)
