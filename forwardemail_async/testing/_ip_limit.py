"""Per-route daily limiters of the public routes, keyed by client IP (no user is signed in)."""

from __future__ import annotations

from ._boom import EarlyResponseError
from ._context import Ctx

__all__ = ["limit_ip"]


def limit_ip(ctx: Ctx, name: str, limit: int) -> None:
    """helpers/rate-limit.js for an anonymous request: its key is the IP address."""
    verdict = ctx.limiter.hit(
        f"route {name}",
        ctx.request.remote or "unknown",
        limit=limit,
        window=ctx.fake.rate_limits.route_window,
        now=ctx.fake.clock(),
        daily=True,
    )
    ctx.headers.update(verdict.headers)
    if verdict.blocked is not None:
        raise EarlyResponseError(verdict.blocked)
