"""Query-string parsing the way the server's libraries do it.

Koa parses the query with Node's ``querystring`` (repeated keys become lists, brackets mean
nothing), while form bodies and the pagination ``Link`` URLs go through ``qs`` (brackets nest,
repeated keys combine, arrays re-serialise with indices).  Only the parts of ``qs`` those two
uses reach are implemented.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, unquote_plus

__all__ = ["parse_koa_query", "qs_parse", "qs_stringify"]

# qs defaults: 1000 parameters, 5 levels of brackets, array indices up to 20.
_PARAMETER_LIMIT = 1000
_DEPTH = 5
_ARRAY_LIMIT = 20
_BRACKET = re.compile(r"\[([^\[\]]*)\]")


def parse_koa_query(query_string: str) -> dict[str, str | list[str]]:
    """Node ``querystring.parse``: ``a=1&a=2`` gives ``{"a": ["1", "2"]}``."""
    result: dict[str, str | list[str]] = {}
    pairs = parse_qsl(query_string, keep_blank_values=True)[:_PARAMETER_LIMIT]
    for key, value in pairs:
        existing = result.get(key)
        if existing is None:
            result[key] = value
        elif isinstance(existing, list):
            existing.append(value)
        else:
            result[key] = [existing, value]
    return result


def qs_parse(text: str) -> dict[str, Any]:
    """``qs.parse`` with its defaults: ``a[b]=1&c[]=2`` gives ``{"a": {"b": "1"}, "c": ["2"]}``."""
    result: dict[str, Any] = {}
    for part in text.lstrip("?").split("&")[:_PARAMETER_LIMIT]:
        if not part:
            continue
        raw_key, _, raw_value = part.partition("=")
        key, value = unquote_plus(raw_key), unquote_plus(raw_value)
        if not key:
            continue
        root, _, rest = key.partition("[")
        segments = _BRACKET.findall("[" + rest)[:_DEPTH] if rest else []
        if not root:
            root, segments = (segments[0], segments[1:]) if segments else (key, [])
        leaf: Any = value
        for segment in reversed(segments):
            if segment == "":
                leaf = [leaf]
            elif segment.isdigit() and int(segment) <= _ARRAY_LIMIT:
                leaf = [leaf]  # qs compacts sparse arrays, so only the order of indices matters
            else:
                leaf = {segment: leaf}
        result[root] = _merge(result[root], leaf) if root in result else leaf
    return result


def _merge(target: Any, source: Any) -> Any:
    """``qs`` ``utils.merge``: lists concatenate, dicts merge, scalars combine into a list."""
    if isinstance(target, dict) and isinstance(source, dict):
        merged = dict(target)
        for key, value in source.items():
            merged[key] = _merge(merged[key], value) if key in merged else value
        return merged
    if isinstance(target, dict):
        return {**target, str(len(target)): source}
    if isinstance(source, dict):
        return {**{str(i): item for i, item in enumerate(_as_list(target))}, **source}
    return [*_as_list(target), *_as_list(source)]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def qs_stringify(data: Mapping[str, Any]) -> str:
    """``qs.stringify(data, {addQueryPrefix: true, format: "RFC1738"})``."""
    parts: list[str] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, Mapping):
            for key, item in value.items():
                walk(f"{prefix}[{key}]", item)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(f"{prefix}[{index}]", item)
        else:
            parts.append(f"{_encode(prefix)}={_encode(_js_string(value))}")

    for key, value in data.items():
        walk(key, value)
    return "?" + "&".join(parts) if parts else ""


def _js_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _encode(text: str) -> str:
    # qs keeps unreserved characters plus "(" and ")" under RFC1738, and writes spaces as "+".
    return quote(text, safe="-._~()").replace("%20", "+")
