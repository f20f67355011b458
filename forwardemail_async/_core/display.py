"""Rich display in Jupyter: compact, escaped HTML tables for models, pages and bulk summaries.

Jupyter calls ``_repr_html_`` on the value of a cell. Models get it from :class:`HtmlRepr`,
:class:`~forwardemail_async.Page` calls :func:`page_html`, and the bulk summary builds its own
table from the pieces here. Every value is escaped, long values are cut, and a
field hidden in ``repr()`` (``repr=False``, or masked like a password) is hidden or masked here
the same way. So that a 50-field domain stays readable, the fields that say something come
first and the ones that are unset, false, zero or empty fold away in a ``<details>`` block.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Protocol, cast

import attrs


class PageView(Protocol):
    """What :func:`page_html` reads of a page (a ``Page`` of any model)."""

    @property
    def page(self) -> int: ...
    @property
    def page_count(self) -> int | None: ...
    @property
    def item_count(self) -> int | None: ...
    @property
    def has_next(self) -> bool: ...
    @property
    def items(self) -> Sequence[object]: ...


__all__ = ["CELL", "TABLE", "HtmlRepr", "escape", "model_html", "page_html", "value_text"]

MAX_VALUE_CHARS = 120
"""Longer values (a PGP key, a raw message, a long list) are cut to this many characters."""

MAX_PAGE_ROWS = 20
"""A page shows its first items; a note says how many more it holds."""

MAX_PAGE_COLUMNS = 8
"""A page's table shows at most this many fields per item, the first that say something."""

# attrs' stubs declare Factory as a function (it "returns" the field's type); it is a class.
_FACTORY: type[Any] = cast(Any, attrs.Factory)
TABLE = '<table style="border-collapse:collapse;text-align:left">'
CELL = 'style="text-align:left;vertical-align:top;padding:1px 8px"'


class HtmlRepr:
    """Mixin for attrs classes: ``_repr_html_`` renders :func:`model_html`."""

    __slots__ = ()

    def _repr_html_(self) -> str:
        return model_html(self)


def model_html(obj: object) -> str:
    """An attrs instance as a two-column table: the fields that say something, then the rest
    (unset, false, zero, empty or default) folded in a ``<details>`` block, then the names of any
    unknown keys kept in ``extra_fields`` (never their values)."""
    shown: list[str] = []
    folded: list[str] = []
    for field, text in _visible_fields(obj):
        row = f"<tr><th {CELL}>{escape(field.name)}</th><td {CELL}>{text}</td></tr>"
        (folded if _folds(field, getattr(obj, field.name)) else shown).append(row)
    parts = [f"<div><strong>{escape(type(obj).__name__)}</strong>"]
    if shown:
        parts.append(TABLE + "".join(shown) + "</table>")
    if folded:
        parts.append(
            f"<details><summary>{len(folded)} more: unset, false, zero, empty or default</summary>"
            + TABLE
            + "".join(folded)
            + "</table></details>"
        )
    extra = getattr(obj, "extra_fields", None)
    if isinstance(extra, dict) and extra:
        names = ", ".join(escape(_cut(str(key))) for key in extra)
        parts.append(f"<div>unknown keys kept in <code>extra_fields</code>: {names}</div>")
    parts.append("</div>")
    return "".join(parts)


def page_html(page: PageView) -> str:
    """A page: what the server said about the whole list, then one row per item (the first
    :data:`MAX_PAGE_ROWS`), with the item fields that say something as columns."""
    of = f" of {page.page_count}" if page.page_count is not None else ""
    total = f", {page.item_count} items in all" if page.item_count is not None else ""
    more = ", more pages follow" if page.has_next else ", last page"
    head = f"<strong>Page {page.page}{of}</strong>: {len(page.items)} items here{total}{more}"
    rows = page.items[:MAX_PAGE_ROWS]
    parts = [f"<div>{head}"]
    if rows:
        parts.append(_items_table(rows))
    if len(page.items) > len(rows):
        parts.append(f"<div>… and {len(page.items) - len(rows)} more on this page</div>")
    parts.append("</div>")
    return "".join(parts)


def _items_table(items: Sequence[object]) -> str:
    if not all(attrs.has(type(item)) for item in items):
        cells = "".join(f"<tr><td {CELL}>{escape(_cut(repr(item)))}</td></tr>" for item in items)
        return TABLE + cells + "</table>"
    names: list[str] = []
    for item in items:
        for field, _ in _visible_fields(item):
            if field.name not in names and not _folds(field, getattr(item, field.name)):
                names.append(field.name)
    order = {field.name: i for i, field in enumerate(_fields(items[0]))}
    names.sort(key=lambda name: order.get(name, len(order)))
    hidden = len(names) - MAX_PAGE_COLUMNS
    names = names[:MAX_PAGE_COLUMNS]
    header = "".join(f"<th {CELL}>{escape(name)}</th>" for name in names)
    body = []
    for item in items:
        texts = {field.name: text for field, text in _visible_fields(item)}
        body.append("<tr>" + "".join(f"<td {CELL}>{texts.get(n, '')}</td>" for n in names))
        body[-1] += "</tr>"
    note = f"<div>{hidden} more fields per item not shown</div>" if hidden > 0 else ""
    return f"{TABLE}<tr>{header}</tr>{''.join(body)}</table>{note}"


def _fields(obj: object) -> tuple[attrs.Attribute[Any], ...]:
    fields: tuple[attrs.Attribute[Any], ...] = attrs.fields(cast(Any, type(obj)))
    return fields


def _visible_fields(obj: object) -> list[tuple[attrs.Attribute[Any], str]]:
    """Each field ``repr()`` shows, with its escaped text (masked where ``repr()`` masks)."""
    visible = []
    for field in _fields(obj):
        if field.repr is False:
            continue
        value = getattr(obj, field.name)
        text = field.repr(value) if callable(field.repr) else value_text(value)
        visible.append((field, escape(_cut(text))))
    return visible


def value_text(value: object) -> str:
    """A value as text: strings as they are, datetimes in ISO form, the rest by ``repr()``."""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return repr(value)


def _folds(field: attrs.Attribute[Any], value: object) -> bool:
    """Whether a field says nothing: its default (not a factory's), or unremarkable."""
    default = field.default
    is_plain = default is not attrs.NOTHING and not isinstance(default, _FACTORY)
    if is_plain and (value is default or (type(value) is type(default) and value == default)):
        return True
    return _unremarkable(value)


def _unremarkable(value: object) -> bool:
    """Unset, false, zero or empty; an attrs object is when all its visible fields are."""
    if value is None or value is False or value == "":
        return True
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value == 0
    if isinstance(value, list | tuple | dict | set | frozenset):
        return not value
    if attrs.has(type(value)):
        return all(
            field.repr is False or _unremarkable(getattr(value, field.name))
            for field in _fields(value)
        )
    return False


def _cut(text: str) -> str:
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def escape(text: str) -> str:
    """``text`` safe inside an element or a quoted attribute."""
    import html  # on the first display: the client imports this module, few programs display

    return html.escape(text, quote=True)
