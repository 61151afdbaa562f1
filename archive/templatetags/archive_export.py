"""Links to a list's exports: the page's own URL with `format=` (archive/export.py)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def export_url(context, fmt: str) -> str:
    """This list's address with format=fmt: every filter kept, the page number dropped."""
    request = context["request"]
    data = request.GET.copy()
    data.pop("page", None)
    data["format"] = fmt
    return f"{request.path}?{data.urlencode()}"


@register.simple_tag
def export_cap() -> int:
    from archive.export import EXPORT_CAP

    return EXPORT_CAP
