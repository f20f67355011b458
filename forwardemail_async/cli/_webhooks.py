"""``forwardemail webhooks verify`` and ``forwardemail webhooks listen``.

Keys come only from an environment variable (``--key-env NAME``, default
``FORWARD_EMAIL_WEBHOOK_KEY``), never from a flag, so they stay out of ``ps`` and shell
history; the variable may hold several keys separated by commas while one is being rotated.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import signal
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import IO, Any, BinaryIO

from aiohttp import web

from forwardemail_async.webhooks import (
    DEFAULT_MAX_SIZE,
    SIGNATURE_HEADER,
    BounceEvent,
    InboundEmail,
    WebhookPayloadError,
    WebhookPayloadTooLargeError,
    WebhookSignatureError,
    read_bounce,
    read_inbound,
)

__all__ = ["WEBHOOK_KEY_ENV", "add_webhook_arguments", "listen", "verify"]

WEBHOOK_KEY_ENV = "FORWARD_EMAIL_WEBHOOK_KEY"
_KINDS = ("auto", "inbound", "bounce")
_LOOKS_LIKE_A_KEY = re.compile(r"[0-9a-fA-F]{16,}")


class _KeyError(Exception):
    """The key variable is unset or empty (a usage error)."""


def add_webhook_arguments(commands: argparse._SubParsersAction[Any]) -> None:
    """The ``webhooks`` command and its ``verify`` and ``listen`` actions."""
    hooks = commands.add_parser("webhooks", help="check and receive Forward Email webhooks")
    actions = hooks.add_subparsers(dest="action", required=True, metavar="ACTION")
    key_help = (
        f"environment variable holding the webhook key (default ${WEBHOOK_KEY_ENV}); "
        "several keys may be separated by commas"
    )

    # No abbreviations: `--key SECRET` must not be taken for `--key-env`.
    verify_ = actions.add_parser(
        "verify",
        help="verify a saved request body (standard input) and parse it",
        allow_abbrev=False,
    )
    verify_.add_argument("--key-env", default=WEBHOOK_KEY_ENV, metavar="NAME", help=key_help)
    verify_.add_argument(
        "--signature", help=f"the request's {SIGNATURE_HEADER} header value (omit if unsigned)"
    )
    verify_.add_argument("--kind", choices=_KINDS, default="auto", help="payload type")
    verify_.add_argument(
        "--allow-unsigned",
        action="store_true",
        help="accept an inbound body without a signature (domains without a key)",
    )

    listen_ = actions.add_parser(
        "listen", help="receive webhooks locally, print one line per event", allow_abbrev=False
    )
    listen_.add_argument("--host", default="127.0.0.1", help="address to listen on")
    listen_.add_argument("--port", type=int, default=8026, help="port (0: any free port)")
    listen_.add_argument("--key-env", default=WEBHOOK_KEY_ENV, metavar="NAME", help=key_help)
    listen_.add_argument(
        "--allow-unsigned",
        action="store_true",
        help="accept unsigned inbound mail (and run without a key)",
    )
    listen_.add_argument(
        "--output", metavar="FILE", help="append each event's full JSON body to FILE (JSON Lines)"
    )


def _keys(name: str, *, required: bool) -> list[str] | None:
    if _LOOKS_LIKE_A_KEY.fullmatch(name):
        raise _KeyError("--key-env takes the NAME of an environment variable, never the key")
    value = os.environ.get(name, "")
    keys = [key.strip() for key in value.split(",") if key.strip()]
    if not keys and required:
        raise _KeyError(f"the environment variable {name} holds no webhook key")
    return keys or None


def _kind_of(body: bytes, kind: str) -> str:
    if kind != "auto":
        return kind
    return "bounce" if b'"email_id"' in body[:4096] else "inbound"


def describe(event: InboundEmail | BounceEvent) -> str:
    """One line for an event."""
    if isinstance(event, BounceEvent):
        when = _when(event.bounced_at)
        code = event.response_code if event.response_code is not None else "-"
        return (
            f"bounce  {when}  email {event.email_id}  {event.recipient}  {code} "
            f"{event.bounce.action or '-'} {event.bounce.category or '-'}"
        )
    sender = ", ".join(event.from_.addresses) if event.from_ else "-"
    recipients = ", ".join(event.recipients) or "-"
    count = len(event.attachments)
    attachments = f"{count} attachment{'s' if count != 1 else ''}"
    return (
        f"inbound  {_when(event.session.arrivalDate)}  {sender} -> {recipients}  "
        f"{event.subject or ''!r}  {attachments}  {event.messageId or '-'}"
    )


def _when(moment: datetime | None) -> str:
    return moment.isoformat(timespec="milliseconds") if moment else "-"


def verify(args: argparse.Namespace, stdin: BinaryIO, out: IO[str], err: IO[str]) -> int:
    """Verify and parse one body; 0 if valid, 1 if not, 2 for a usage error."""
    try:
        keys = _keys(args.key_env, required=not args.allow_unsigned)
    except _KeyError as exc:
        err.write(f"error: {exc}\n")
        return 2
    body = stdin.read(DEFAULT_MAX_SIZE + 1)
    kind = _kind_of(body, args.kind)
    try:
        if kind == "bounce":
            if keys is None:
                raise _KeyError("a bounce is always signed: set the key variable")
            event: InboundEmail | BounceEvent = read_bounce(body, args.signature, keys)
        else:
            event = read_inbound(body, args.signature, keys, allow_unsigned=args.allow_unsigned)
    except _KeyError as exc:
        err.write(f"error: {exc}\n")
        return 2
    except (WebhookSignatureError, WebhookPayloadError) as exc:
        err.write(f"invalid: {exc}\n")
        return 1
    signed = "signature valid" if args.signature else "unsigned"
    out.write(f"{signed}: {describe(event)}\n")
    return 0


async def listen(
    args: argparse.Namespace, out: IO[str], err: IO[str], *, ready: asyncio.Event | None = None
) -> int:
    """Serve ``/inbound`` and ``/bounce`` until interrupted."""
    try:
        keys = _keys(args.key_env, required=not args.allow_unsigned)
    except _KeyError as exc:
        err.write(f"error: {exc} (or use --allow-unsigned)\n")
        return 2
    output = _append_to(args.output)
    try:
        app = web.Application(client_max_size=DEFAULT_MAX_SIZE)
        app.router.add_post("/inbound", _receiver("inbound", keys, args, out, output))
        if keys is not None:
            app.router.add_post("/bounce", _receiver("bounce", keys, args, out, output))
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, args.host, args.port).start()
            host, port = runner.addresses[0][:2]
            base = f"http://{host}:{port}"
            out.write(f"listening on {base}/inbound")
            out.write(f" and {base}/bounce" if keys is not None else " (unsigned only)")
            out.write(" (Ctrl-C to stop)\n")
            out.flush()
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    loop.add_signal_handler(sig, stop.set)
            if ready is not None:
                ready.set()
            try:
                await stop.wait()
            finally:
                for sig in (signal.SIGINT, signal.SIGTERM):
                    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                        loop.remove_signal_handler(sig)
        finally:
            await runner.cleanup()
    finally:
        if output is not None:
            output.close()
    return 0


def _append_to(path: str | None) -> BinaryIO | None:
    """The ``--output`` file, opened for appending (the caller closes it)."""
    return open(path, "ab") if path else None


def _receiver(
    kind: str,
    keys: list[str] | None,
    args: argparse.Namespace,
    out: IO[str],
    output: BinaryIO | None,
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        signature = request.headers.get(SIGNATURE_HEADER)
        try:
            body = await request.read()
            if kind == "bounce":
                assert keys is not None
                event: InboundEmail | BounceEvent = read_bounce(body, signature, keys)
            else:
                event = read_inbound(body, signature, keys, allow_unsigned=args.allow_unsigned)
        except web.HTTPRequestEntityTooLarge:
            return _refused(out, kind, 413, "the body is over the size limit")
        except WebhookSignatureError as exc:
            return _refused(out, kind, 401, str(exc))
        except WebhookPayloadTooLargeError as exc:
            return _refused(out, kind, 413, str(exc))
        except WebhookPayloadError as exc:
            return _refused(out, kind, 400, str(exc))
        out.write(describe(event) + "\n")
        out.flush()
        if output is not None:
            output.write(body.rstrip(b"\r\n") + b"\n")
            output.flush()
        return web.Response(status=200, text="OK\n")

    return handle


def _refused(out: IO[str], kind: str, status: int, reason: str) -> web.Response:
    out.write(f"refused {kind} ({status}): {reason}\n")
    out.flush()
    return web.Response(status=status, text=f"{reason}\n")


def stdin_bytes() -> BinaryIO:
    """Standard input as bytes (the body must not be decoded before it is verified)."""
    return sys.stdin.buffer
