"""Template filters for the archive's own words in its data (archive/labels.py)."""

from django import template

from archive import labels

register = template.Library()


@register.filter
def period_label(period: str) -> str:
    return labels.period_label(period or "")


@register.filter
def outlet_label(name: str) -> str:
    return labels.outlet_label(name or "")


@register.filter
def province_full_name(province) -> str:
    return labels.province_full_name(province.full_name, province.name)
