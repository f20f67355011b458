"""The filters of ``GET /v1/messages``, as messages.js builds its SQL conditions.

Every filter given must match (AND). Text filters are case-insensitive substrings; header
names come from the server's own list, ``headers`` is ``Key`` (any header value contains it,
as the server matches values) or ``Key:Value``; ``since``/``before`` match when the header
date, the internal date or the creation time lies in the range.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from ._context import Ctx
from ._ical import parse_iso
from ._mailbox import FakeMailbox, FakeMessage
from ._mailbox_access import query_text
from ._message_view import MessageView
from ._text import js_boolean, js_parse_int

__all__ = ["SMTP_HEADERS", "matching_messages", "normalize_folder_path"]

# messages.js SMTP_HEADERS (lowercase names a query parameter may filter on).
SMTP_HEADERS = (
    "from", "to", "cc", "bcc", "subject", "date", "message-id", "reply-to", "in-reply-to",
    "references", "sender", "received", "return-path", "content-type",
    "content-transfer-encoding", "mime-version", "content-disposition", "content-id",
    "content-description", "content-language", "importance", "priority", "sensitivity",
    "x-sender", "x-receiver", "x-priority", "x-msmail-priority", "x-mimeole", "x-mailer",
    "delivered-to", "resent-from", "resent-to", "resent-date", "resent-message-id", "list-id",
    "list-unsubscribe", "list-subscribe", "list-help", "list-post", "list-archive",
    "dkim-signature", "domainkey-signature", "arc-seal", "arc-message-signature",
    "arc-authentication-results", "authentication-results", "x-spam-score", "x-spam-status",
    "x-virus-scanned", "x-original-to", "x-forwarded-to", "x-forwarded-for",
    "x-auto-response-suppress", "x-loop", "precedence", "errors-to", "x-beenthere",
    "x-mailing-list", "x-original-message-id", "x-envelope-from", "x-envelope-to",
    "x-rcpt-to", "x-ms-exchange-organization-authas",
    "x-ms-exchange-transport-endtoendlatency", "x-originating-ip", "x-remote-ip",
    "x-message-info", "x-ms-tnef-correlator", "x-source", "x-source-args", "x-source-dir",
    "x-apparently-to", "x-comment", "x-face", "x-ref", "x-user-agent", "x-ms-has-attach",
    "x-ms-exchange-crosstenant-originalarrivaltime", "x-report-abuse", "x-feedback-id",
    "x-campaign", "x-campaign-id", "x-bounce-tracking", "x-scl", "x-delivery-context",
    "x-ms-publictraffictype",
)  # fmt: skip

Test = Callable[[FakeMessage, MessageView], bool]

# Boolean query parameter -> what it tests (its value says whether that must hold).
_STATES: dict[str, Test] = {
    "is_unread": lambda m, _: "\\Seen" not in m.flags,
    "is_flagged": lambda m, _: "\\Flagged" in m.flags,
    "is_deleted": lambda m, _: "\\Deleted" in m.flags,
    "is_draft": lambda m, _: "\\Draft" in m.flags,
    "is_junk": lambda m, _: m.folder.special_use == "\\Junk",
    "is_copied": lambda m, _: False,
    "is_encrypted": lambda m, _: False,
    "is_searchable": lambda m, _: "\\Deleted" not in m.flags,
    "is_expired": lambda m, _: False,
    "has_attachments": lambda _, p: bool(p.attachments),
    "has_attachment": lambda _, p: bool(p.attachments),
}


def normalize_folder_path(path: str) -> str:
    """imap-tools ``normalizeMailbox``: ``INBOX`` in any case, no slashes around the path."""
    path = path.strip("/")
    head, slash, rest = path.partition("/")
    return "INBOX" + slash + rest if head.upper() == "INBOX" else path


def _contains(haystack: str | None, needle: str) -> bool:
    return haystack is not None and needle.lower() in haystack.lower()


def _state_is(state: Test, wanted: bool) -> Test:
    return lambda message, view: state(message, view) is wanted


def _header_contains(needle: str, name: str | None = None) -> Test:
    """Some header (named ``name``, if given) whose value contains ``needle``."""
    return lambda _, view: any(
        _contains(value, needle) for key, value in view.headers if name in (None, key)
    )


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _tests(ctx: Ctx) -> list[Test]:
    """One test per filter present in the query."""
    tests: list[Test] = []
    for name, state in _STATES.items():
        if name in ctx.query:
            wanted = js_boolean(ctx.query[name])
            tests.append(_state_is(state, wanted))
    subject = query_text(ctx, "subject")
    if subject is not None:
        tests.append(lambda _, p: _contains(p.subject, subject))
    body = query_text(ctx, "body") or query_text(ctx, "text")
    if body is not None:
        tests.append(lambda _, p: _contains(p.text, body))
    for header in SMTP_HEADERS:
        value = query_text(ctx, header)
        if value is not None and header != "subject":
            tests.append(_header_contains(value, header))
    headers = query_text(ctx, "headers")
    if headers is not None:
        key, colon, value = headers.partition(":")
        if colon:
            tests.append(_header_contains(value.strip(), key.strip().lower()))
        else:
            tests.append(_header_contains(headers))
    message_id = query_text(ctx, "message_id")
    if message_id is not None:
        tests.append(lambda _, p: _contains(p.message_id, message_id))
    search = query_text(ctx, "search") or query_text(ctx, "q")
    if search is not None:
        in_headers = _header_contains(search)
        tests.append(lambda m, p: in_headers(m, p) or _contains(p.text, search))
    tests += _date_and_size_tests(ctx)
    return tests


def _date_and_size_tests(ctx: Ctx) -> list[Test]:
    tests: list[Test] = []
    since, before = (parse_iso(query_text(ctx, key) or "") for key in ("since", "before"))
    if since is not None or before is not None:

        def in_range(moment: datetime | None) -> bool:
            return (
                moment is not None
                and (since is None or _utc(moment) >= since)
                and (before is None or _utc(moment) < before)
            )

        tests.append(
            lambda m, p: any(
                in_range(moment)
                for moment in (
                    p.date,
                    datetime.fromtimestamp(m.internal_date / 1000, timezone.utc),
                    datetime.fromtimestamp(m.created_at / 1000, timezone.utc),
                )
            )
        )
    low, high = js_parse_int(ctx.query.get("min_size")), js_parse_int(ctx.query.get("max_size"))
    if "min_size" in ctx.query and low is not None:
        tests.append(lambda m, _: len(m.raw.encode()) >= low)
    if "max_size" in ctx.query and high is not None:
        tests.append(lambda m, _: len(m.raw.encode()) <= high)
    return tests


def matching_messages(ctx: Ctx, mailbox: FakeMailbox) -> list[FakeMessage]:
    """The messages the query selects, newest first."""
    messages = sorted(mailbox.messages, key=lambda m: m.created_at, reverse=True)
    folder_path = query_text(ctx, "folder")
    if folder_path is not None:
        folder = mailbox.folder(folder_path) or mailbox.folder(normalize_folder_path(folder_path))
        messages = [m for m in messages if m.folder is folder]
    tests = _tests(ctx)
    return [m for m in messages if all(test(m, MessageView(m.raw)) for test in tests)]
