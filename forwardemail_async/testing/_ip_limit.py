"""Per-route daily limiters of the public routes, keyed by client IP (no user is signed in)."""

from __future__ import annotations

from ._context import Ctx

__all__ = ["limit_ip"]


def limit_ip(ctx: Ctx, name: str, limit: int) -> None:
    """helpers/rate-limit.js for an anonymous request: its key is the IP address."""
    ctx.limit_route(name, limit, ctx.request.remote or "unknown")
