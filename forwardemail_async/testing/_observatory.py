"""``/v1/observatory/*`` (routes and app/controllers/api/v1/observatory.js at f79b8d49).

``lookup``, ``lookup/:value/blacklists`` and ``lookup/:value/dns-history`` are public, each
behind its own 100-a-day limiter keyed by client IP. ``lookup/:value/dmarc-summary``,
``DELETE monitor/:value`` and ``monitors`` need an API token of a verified user;
``POST monitor`` also the ban, paid-plan and paid-to-date guards.

The server's background jobs (scoring, DNSBL checks, DNS snapshots, CT logs) do not run here:
a first lookup creates an empty subject, and tests fill subjects in through
:func:`observatory`. A complete lookup answer is cached for five minutes, as on the server.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from . import _phrases as phrases
from ._boom import BoomError, json_response
from ._context import Ctx, Route
from ._guards import enforce_paid_plan
from ._ip_limit import limit_ip
from ._observatory_state import FakeObservatorySubject, infer_type
from ._shapes import iso, iso_or_none
from ._text import format_phrase, is_fqdn, is_ip, is_sanb

__all__ = ["ROUTES"]

OBSERVATORY_ROUTE_MAX = 100
LOOKUP_CACHE_MS = 5 * 60 * 1000
SUBJECT_TYPES = ("domain", "ip")


def _check_type(kind: object) -> str:
    """A ``type`` outside the model's enum fails once the subject is looked up or created."""
    if isinstance(kind, str) and kind in SUBJECT_TYPES:
        return kind
    raise BoomError(400, format_phrase(phrases.OBSERVATORY_INVALID_TYPE, kind))


def _validate(value: str, kind: object, *, ip_counts_as_domain: bool) -> None:
    if kind == "domain" and not (is_fqdn(value) or (ip_counts_as_domain and is_ip(value))):
        raise BoomError(400, phrases.OBSERVATORY_INVALID_DOMAIN)
    if kind == "ip" and not is_ip(value):
        raise BoomError(400, phrases.OBSERVATORY_INVALID_IP)


def _lookup_object(subject: FakeObservatorySubject, status: str) -> dict[str, Any]:
    snapshot = subject.dns_snapshot
    dns_summary = None
    if snapshot:
        dns_summary = {
            "has_mx": bool(snapshot.get("MX")),
            "has_spf": bool(snapshot.get("SPF")),
            "has_dmarc": bool(snapshot.get("DMARC")),
            "dmarc_policy": subject.dmarc_policy or None,
            "spf_lookup_count": subject.spf_lookup_count or 0,
            "ns_count": len(snapshot.get("NS") or []),
        }
    return {
        "status": status,
        "type": subject.type,
        "value": subject.value,
        "reputation_score": subject.reputation_score,
        "reputation_grade": subject.reputation_grade,
        "blacklist_summary": subject.blacklist_summary or None,
        "dns_summary": dns_summary,
        "asn": subject.asn or None,
        "asn_org": subject.asn_org or None,
        "country_code": subject.country_code or None,
        "last_scored_at": iso_or_none(subject.last_scored_at),
        "blacklist_checked_at": iso_or_none(subject.blacklist_summary_at),
        "dns_checked_at": iso_or_none(subject.dns_snapshot_at),
    }


async def lookup(ctx: Ctx) -> web.Response:
    """GET lookup?q=&type=: the cached answer, or the subject (created empty if new)."""
    limit_ip(ctx, "observatory lookup", OBSERVATORY_ROUTE_MAX)
    q = ctx.query.get("q") or ctx.query.get("query")
    if not is_sanb(q):
        raise BoomError(400, phrases.OBSERVATORY_QUERY_REQUIRED)
    value = q.strip().lower()
    kind = ctx.query.get("type") or infer_type(value)
    _validate(value, kind, ip_counts_as_domain=True)
    # Redis keeps the answer PX 5 minutes of wall time: the plain clock, not store.now_ms().
    state, now = ctx.store.observatory, int(ctx.fake.clock() * 1000)
    cached = state.lookup_cache.get(value)
    if cached is not None and cached[0] > now:
        return json_response(cached[1])
    checked = _check_type(kind)
    found = state.find(value, checked)
    if found is None:
        subject, status = state.subject(value, checked), "pending"
    else:
        subject, status = found, "complete" if found.reputation_score is not None else "scoring"
    answer = _lookup_object(subject, status)
    if status == "complete":
        state.lookup_cache[value] = (now + LOOKUP_CACHE_MS, answer)
    return json_response(answer)


def _looked_up(ctx: Ctx, missing: str) -> FakeObservatorySubject:
    """The subject named by the ``value`` param and the optional ``type`` query; 404 with
    ``missing`` when there is none."""
    value = ctx.params["value"].strip().lower()
    kind = ctx.query.get("type")
    found = ctx.store.observatory.find(value, kind if isinstance(kind, str) and kind else None)
    if found is None:
        raise BoomError(404, missing)
    return found


async def blacklists(ctx: Ctx) -> web.Response:
    """GET lookup/:value/blacklists: the summary and the latest 100 events, newest first."""
    limit_ip(ctx, "observatory blacklists", OBSERVATORY_ROUTE_MAX)
    subject = _looked_up(ctx, phrases.OBSERVATORY_LOOKUP_FIRST)
    events = sorted(subject.blacklist_events, key=lambda e: e.detected_at, reverse=True)[:100]
    return json_response(
        {
            "blacklist_summary": subject.blacklist_summary or None,
            "last_checked": iso_or_none(subject.blacklist_summary_at),
            "events": [
                {
                    "list_name": e.list_name,
                    "event_type": e.event_type,
                    "detected_at": iso(e.detected_at),
                    "raw_response": e.raw_response or None,
                }
                for e in events
            ],
        }
    )


async def dns_history(ctx: Ctx) -> web.Response:
    """GET lookup/:value/dns-history: the snapshot and the latest 200 changes, newest first."""
    limit_ip(ctx, "observatory dns history", OBSERVATORY_ROUTE_MAX)
    subject = _looked_up(ctx, phrases.OBSERVATORY_LOOKUP_FIRST)
    changes = sorted(subject.dns_changes, key=lambda c: c.detected_at, reverse=True)[:200]
    return json_response(
        {
            "current_snapshot": subject.dns_snapshot or None,
            "last_checked": iso_or_none(subject.dns_snapshot_at),
            "changes": [
                {
                    "record_type": c.record_type,
                    "change_type": c.change_type,
                    "record_data": c.record_data,
                    "previous_data": c.previous_data,
                    "detected_at": iso(c.detected_at),
                }
                for c in changes
            ],
        }
    )


async def dmarc_summary(ctx: Ctx) -> web.Response:
    """GET lookup/:value/dmarc-summary: for a domain the caller is a member of (any group)."""
    user = ctx.api_token_user(check_ban=False)
    value = ctx.params["value"].strip().lower()
    if not any(d.name == value for d in ctx.store.domains_of(user)):
        raise BoomError(404, phrases.OBSERVATORY_NO_DOMAIN_ACCESS)
    subject = ctx.store.observatory.find(value, "domain")
    events = sorted(subject.ct_events, key=lambda e: e.detected_at, reverse=True) if subject else []
    return json_response(
        {
            "domain": value,
            "reputation_score": subject.reputation_score if subject else None,
            "reputation_grade": subject.reputation_grade if subject else None,
            "dmarc_policy": (subject.dmarc_policy if subject else None) or None,
            "ct_events": [
                {
                    "issuer": e.issuer,
                    "not_before": iso_or_none(e.not_before),
                    "not_after": iso_or_none(e.not_after),
                    "san_count": len(e.san_list),
                    "is_suspicious": e.is_suspicious,
                    "detected_at": iso(e.detected_at),
                }
                for e in events[:25]
            ],
        }
    )


async def add_monitor(ctx: Ctx) -> web.Response:
    """POST monitor {value, type}: 409 when the caller already monitors the subject."""
    user = ctx.api_token_user()
    enforce_paid_plan(user)
    raw = ctx.body.get("value")
    if not is_sanb(raw):
        raise BoomError(400, phrases.OBSERVATORY_VALUE_REQUIRED)
    value = raw.strip().lower()
    kind = ctx.body.get("type") or infer_type(value)
    _validate(value, kind, ip_counts_as_domain=False)
    subject = ctx.store.observatory.subject(value, _check_type(kind))
    if user in subject.monitored_by:
        raise BoomError(409, phrases.OBSERVATORY_ALREADY_MONITORING)
    subject.monitored_by.append(user)
    subject.updated_at = ctx.store.now_ms()
    answer: dict[str, Any] = {"id": subject.id, "type": subject.type, "value": subject.value}
    # Unset scores are `undefined` here, so the keys are left out rather than null.
    if subject.reputation_score is not None:
        answer["reputation_score"] = subject.reputation_score
    if subject.reputation_grade is not None:
        answer["reputation_grade"] = subject.reputation_grade
    answer["message"] = phrases.OBSERVATORY_MONITOR_ADDED
    return json_response(answer)


async def remove_monitor(ctx: Ctx) -> web.Response:
    """DELETE monitor/:value?type=: 404 for an unknown subject or one not monitored."""
    user = ctx.api_token_user(check_ban=False)
    subject = _looked_up(ctx, phrases.OBSERVATORY_SUBJECT_NOT_FOUND)
    if user not in subject.monitored_by:
        raise BoomError(404, phrases.OBSERVATORY_NOT_MONITORING)
    subject.monitored_by.remove(user)
    subject.updated_at = ctx.store.now_ms()
    return json_response({"message": phrases.OBSERVATORY_MONITOR_REMOVED})


async def list_monitors(ctx: Ctx) -> web.Response:
    """GET monitors: the caller's subjects, most recently updated first (not paginated)."""
    user = ctx.api_token_user(check_ban=False)
    subjects = [s for s in ctx.store.observatory.subjects if user in s.monitored_by]
    subjects.sort(key=lambda s: s.updated_at, reverse=True)
    return json_response(
        [
            {
                "id": s.id,
                "type": s.type,
                "value": s.value,
                "reputation_score": s.reputation_score,
                "reputation_grade": s.reputation_grade,
                "blacklist_summary": s.blacklist_summary or None,
                "dmarc_policy": s.dmarc_policy or None,
                "last_scored_at": iso_or_none(s.last_scored_at),
            }
            for s in subjects
        ]
    )


_LOOKUP = "/v1/observatory/lookup"
ROUTES = [
    Route("GET", _LOOKUP, lookup),
    Route("GET", _LOOKUP + "/{value}/blacklists", blacklists),
    Route("GET", _LOOKUP + "/{value}/dns-history", dns_history),
    Route("GET", _LOOKUP + "/{value}/dmarc-summary", dmarc_summary),
    Route("POST", "/v1/observatory/monitor", add_monitor),
    Route("DELETE", "/v1/observatory/monitor/{value}", remove_monitor),
    Route("GET", "/v1/observatory/monitors", list_monitors),
]
