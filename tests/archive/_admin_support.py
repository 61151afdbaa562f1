"""Posting an admin change form back as a browser would: every control the page renders, inline
management forms included, textareas with CRLF line endings (browsers submit them so)."""

from __future__ import annotations

from bs4 import BeautifulSoup


def browser_form_data(html: str, form_id: str | None = None) -> dict[str, list[str]]:
    soup = BeautifulSoup(html, "html.parser")
    form = soup.find("form", id=form_id) if form_id else soup.find("form", method="post")
    data: dict[str, list[str]] = {}

    def add(name, value):
        data.setdefault(name, []).append(value)

    for control in form.find_all(["input", "select", "textarea"]):
        name = control.get("name")
        if not name or control.has_attr("disabled"):
            continue
        if control.name == "textarea":
            text = control.string or ""
            text = text[1:] if text.startswith("\n") else text  # the parser keeps what browsers drop
            add(name, text.replace("\r\n", "\n").replace("\n", "\r\n"))
        elif control.name == "select":
            chosen = [o.get("value", o.text) for o in control.find_all("option") if o.has_attr("selected")]
            if not chosen and not control.has_attr("multiple"):
                first = control.find("option")
                chosen = [first.get("value", first.text)] if first else []
            for value in chosen:
                add(name, value)
        else:
            kind = control.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                continue
            if kind in ("checkbox", "radio"):
                if control.has_attr("checked"):
                    add(name, control.get("value", "on"))
                continue
            add(name, control.get("value", ""))
    return data


def set_value(data: dict[str, list[str]], name: str, value) -> None:
    data[name] = list(value) if isinstance(value, (list, tuple)) else [value]
