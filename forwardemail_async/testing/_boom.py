"""Response building: pretty JSON and text bodies, and errors the way koa-better-error-handler
renders them (a three-key Boom payload, HTML pages or 406 depending on ``Accept``)."""

from __future__ import annotations

import html
import http
import json
import re
from typing import Any, Literal, TypeAlias

from aiohttp import web

from ._text import html_to_text

__all__ = [
    "BoomError",
    "EarlyResponseError",
    "json_response",
    "negotiate",
    "reason_phrase",
    "render_error",
    "text_response",
]

Kind: TypeAlias = Literal["text", "json", "html"]

JSON_TYPE = "application/json; charset=utf-8"
INTERNAL_MESSAGE = "An internal server error occurred"

# Node's http.STATUS_CODES where they differ from Python's phrases.
_NODE_REASONS = {413: "Payload Too Large", 414: "URI Too Long", 416: "Range Not Satisfiable"}
_MEDIA_RANGE = re.compile(r"^\s*([^\s/;]+)/([^;\s]+)\s*(?:;(.*))?$")
# koa-better-error-handler: ctx.accepts('text', 'json', 'html').
_OFFERED: tuple[tuple[Kind, str, str], ...] = (
    ("text", "text", "plain"),
    ("json", "application", "json"),
    ("html", "text", "html"),
)

_PAGE = (
    '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
    "</head>\n<body>\n<h1>{title}</h1>\n<p>{text}</p>\n</body>\n</html>\n"
)
_PAGE_404 = _PAGE.format(
    title="Page Not Found", text="Sorry, but the page you were trying to view does not exist."
)
_PAGE_500 = _PAGE.format(
    title="Internal Server Error", text="Sorry, but an error occurred on our side."
)


def reason_phrase(status: int) -> str:
    """The HTTP reason phrase Node would use for ``status``."""
    if status in _NODE_REASONS:
        return _NODE_REASONS[status]
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


class BoomError(Exception):
    """An error a handler throws; rendered as ``{"statusCode", "error", "message"}``."""

    def __init__(self, status: int, message: str | None = None) -> None:
        super().__init__(message or reason_phrase(status))
        self.status = status
        self.message = message or reason_phrase(status)


class EarlyResponseError(Exception):
    """Not a failure: carries a finished response that skips the error handler.

    Middleware-style stages raise it to answer at once (rate-limit 429s, redirects).
    """

    def __init__(self, response: web.Response) -> None:
        super().__init__(response.status)
        self.response = response


def json_response(data: Any, status: int = 200) -> web.Response:
    """koa-json: pretty-printed with two spaces, non-ASCII left as is."""
    body = json.dumps(data, indent=2, ensure_ascii=False).encode()
    return web.Response(status=status, body=body, headers={"Content-Type": JSON_TYPE})


def text_response(text: str, status: int = 200) -> web.Response:
    """A string body: Koa sends ``text/html`` if it starts with ``<``, else ``text/plain``."""
    kind = "text/html" if text.lstrip().startswith("<") else "text/plain"
    return web.Response(
        status=status, body=text.encode(), headers={"Content-Type": f"{kind}; charset=utf-8"}
    )


def negotiate(accept: str | None) -> Kind | None:
    """npm ``accepts``/``negotiator`` choosing among text, json and html; ``None`` means 406.

    A missing or empty header picks the first offer.  As in negotiator, a media range with a
    parameter other than ``q`` (``application/json; charset=utf-8``) matches none of the offers.
    """
    if not accept:
        return "text"
    ranges = []
    for index, item in enumerate(accept.split(",")):
        match = _MEDIA_RANGE.match(item)
        if match is None:
            continue
        params = dict(_param(p) for p in (match.group(3) or "").split(";") if "=" in p)
        try:
            quality = float(params.pop("q", "1"))
        except ValueError:
            quality = 1.0
        ranges.append((match.group(1).lower(), match.group(2).lower(), params, quality, index))
    ranked: list[tuple[float, int, int, int, Kind]] = []
    for offer_index, (name, main, sub) in enumerate(_OFFERED):
        best: tuple[int, float, int] | None = None
        for range_main, range_sub, params, quality, index in ranges:
            if params or range_main not in (main, "*") or range_sub not in (sub, "*"):
                continue
            spec = (4 * (range_main == main) + 2 * (range_sub == sub), quality, index)
            if best is None or best < spec:
                best = spec
        if best is not None and best[1] > 0:
            ranked.append((-best[1], -best[0], best[2], offer_index, name))
    return min(ranked)[4] if ranked else None


def _param(text: str) -> tuple[str, str]:
    key, _, value = text.partition("=")
    return key.strip().lower(), value.strip().strip('"')


def render_error(error: BoomError, request: web.Request) -> web.Response:
    """Render ``error`` as the real error handler does for an API request."""
    status, message = error.status, html_to_text(error.message)
    kind = negotiate(request.headers.get("Accept"))
    if kind is None:
        status, message = 406, reason_phrase(406)
    elif status == 500:
        message = INTERNAL_MESSAGE
    if kind == "html":
        if status == 404:
            return _html(_PAGE_404, status)
        referer = request.headers.get("Referer", "")
        if not referer or status >= 500:
            return _html(_PAGE_500, status)
        # Koa's redirect("back") to the page the browser came from.
        link = html.escape(referer)
        redirect = _html(f'Redirecting to <a href="{link}">{link}</a>.', 302)
        redirect.headers["Location"] = referer
        return redirect
    payload = {"statusCode": status, "error": reason_phrase(status), "message": message}
    return json_response(payload, status)


def _html(page: str, status: int) -> web.Response:
    return web.Response(
        status=status, body=page.encode(), headers={"Content-Type": "text/html; charset=utf-8"}
    )
