"""``forwardemail fake-server``: the bundled fake API on a local port, for trying things out."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from typing import IO

__all__ = ["add_fake_server_arguments", "serve_fake"]


def add_fake_server_arguments(parser: argparse.ArgumentParser) -> None:
    """The fake-server subcommand's options."""
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8025, help="port (0: any free port)")
    parser.add_argument(
        "--domain",
        action="append",
        default=None,
        metavar="NAME",
        help="create this domain for the user (repeatable; default example.com)",
    )
    limits = parser.add_argument_group("rate limits (scale them down to try pacing)")
    limits.add_argument("--global-max", type=int, default=1000)
    limits.add_argument("--global-window", type=float, default=60.0, metavar="SECONDS")
    limits.add_argument("--create-alias-max", type=int, default=300)
    limits.add_argument("--route-window", type=float, default=86_400.0, metavar="SECONDS")
    faults = parser.add_argument_group("faults (probabilities from 0 to 1)")
    faults.add_argument("--rate-503", type=float, default=0.0)
    faults.add_argument("--rate-reset", type=float, default=0.0)
    faults.add_argument("--rate-commit-then-drop", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=0, help="seed of ids and random faults")


async def serve_fake(args: argparse.Namespace, api_key: str | None, out: IO[str]) -> int:
    """Serve until interrupted. The user's token is ``api_key`` if one was given (then it is
    not printed), else a new one, printed so it can be used."""
    # Imported here: the fake is not needed by the other commands, which start faster.
    from forwardemail_async.testing import FakeForwardEmail, FakeServer, Faults, RateLimits

    fake = FakeForwardEmail(
        rate_limits=RateLimits(
            global_max=args.global_max,
            global_window=args.global_window,
            create_alias_max=args.create_alias_max,
            route_window=args.route_window,
        ),
        faults=Faults(
            rate_503=args.rate_503,
            rate_reset=args.rate_reset,
            rate_commit_then_drop=args.rate_commit_then_drop,
        ),
        seed=args.seed,
    )
    user = fake.add_user(email="user@example.com", api_token=api_key)
    for name in args.domain or ["example.com"]:
        fake.add_domain(user, name, dns_verified=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    async with FakeServer(fake, host=args.host, port=args.port) as server:
        out.write(f"fake Forward Email API at {server.url} (Ctrl-C to stop)\n")
        out.write(f"user user@example.com, domains: {', '.join(args.domain or ['example.com'])}\n")
        if api_key is None:
            out.write(f"export FORWARD_EMAIL_API_KEY={user.api_token}\n")
        else:
            out.write("API key: the one you gave\n")
        out.write(f"try: forwardemail --base-url {server.url} domains list\n")
        out.flush()
        await stop.wait()
    return 0
