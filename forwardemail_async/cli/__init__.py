"""The ``forwardemail`` command (also ``python -m forwardemail_async``).

Built on :mod:`argparse`: the standard library covers nested subcommands, help and typed
options, and the library gains no dependency for it. The API key comes from
``FORWARD_EMAIL_API_KEY`` or ``--api-key`` and is never printed. Errors speak in the command
line's terms (its options and variables, the server's host and port), not the library's.

Exit status: 0 success; 1 an error or a failed item; 2 bad usage or an unreadable file;
75 nothing failed but the rate limit left items for a later run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import contextvars
import difflib
import os
import sys
from collections.abc import Iterator, Sequence
from typing import IO, BinaryIO, NoReturn

from yarl import URL

from forwardemail_async._client import API_KEY_ENV, BASE_URL_ENV, ForwardEmail
from forwardemail_async._core.attempt import connect_failure
from forwardemail_async._core.errors import (
    APIConnectionError,
    APITimeoutError,
    ForwardEmailError,
)
from forwardemail_async._core.urls import (
    DEFAULT_BASE_URL,
    _is_loopback,
    host_port,
    normalize_base_url,
)
from forwardemail_async.cli._fake import add_fake_server_arguments, serve_fake
from forwardemail_async.cli._import import (
    EXIT_FAILED,
    EXIT_RATE_LIMITED,
    ImportOptions,
    import_aliases,
)
from forwardemail_async.cli._output import print_records
from forwardemail_async.cli._rows import (
    COLUMNS,
    FileError,
    alias_row,
    export_file,
    file_format,
    read_rows,
    write_rows,
)
from forwardemail_async.cli._webhooks import add_webhook_arguments, listen, stdin_bytes, verify

__all__ = ["EXIT_FAILED", "EXIT_RATE_LIMITED", "EXIT_USAGE", "build_parser", "main", "run"]

EXIT_USAGE = 2
_FORMATS = ("table", "json", "csv")
_DOMAIN_COLUMNS = ("name", "plan", "has_mx_record", "has_txt_record", "has_smtp")


_API_KEY_FLAG = "--api-key"
_API_KEY_HELP = f"API key (default: ${API_KEY_ENV}; prefer the variable, flags show up in ps)"
_REDACTED = "***"
# The values to keep out of usage errors while a command line is parsed.
_SECRETS: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar("_SECRETS")


def _like_api_key_flag(option: str) -> bool:
    """``--api-key``, an abbreviation of it, or something that looks like a typo of it."""
    name = option.lower()
    return (
        "key" in name
        or (len(name) > 4 and _API_KEY_FLAG.startswith(name))
        or difflib.SequenceMatcher(None, name, _API_KEY_FLAG).ratio() >= 0.7
    )


def _secrets_in(argv: Sequence[str]) -> frozenset[str]:
    """The API key from the environment, and every value given to an option that is (or
    looks like a typo of) ``--api-key``: none of them may appear in an error message."""
    secrets = {os.environ.get(API_KEY_ENV, "")}
    for position, arg in enumerate(argv):
        if not arg.startswith("--"):
            continue
        option, equals, value = arg.partition("=")
        if not _like_api_key_flag(option):
            continue
        if equals:
            secrets.add(value)
        elif position + 1 < len(argv):
            secrets.add(argv[position + 1])
    return frozenset(secret for secret in secrets if secret.strip())


class _Parser(argparse.ArgumentParser):
    """An argument parser whose error messages never show the API key."""

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        with self._secrets(args) as argv:
            return super().parse_args(argv, namespace)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        with self._secrets(args) as argv:
            return super().parse_known_args(argv, namespace)

    @staticmethod
    @contextlib.contextmanager
    def _secrets(args: Sequence[str] | None) -> Iterator[list[str]]:
        """Note the secrets of the command line while it is parsed (the outermost call)."""
        argv = list(sys.argv[1:] if args is None else args)
        if _SECRETS.get(None) is not None:  # a subcommand's parser, within the main one
            yield argv
            return
        token = _SECRETS.set(_secrets_in(argv))
        try:
            yield argv
        finally:
            _SECRETS.reset(token)

    def error(self, message: str) -> NoReturn:
        for secret in sorted(_SECRETS.get(frozenset()), key=len, reverse=True):
            message = message.replace(secret, _REDACTED)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def _leaf(
    commands: argparse._SubParsersAction[_Parser], name: str, *, help: str
) -> argparse.ArgumentParser:
    """A subcommand that also takes ``--api-key`` after its name."""
    parser = commands.add_parser(name, help=help)
    parser.add_argument(_API_KEY_FLAG, default=argparse.SUPPRESS, help=_API_KEY_HELP)
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand. ``--api-key`` goes before or after the
    subcommand, and usage errors never show its value (nor the key from the environment)."""
    parser = _Parser(
        prog="forwardemail", description="Command-line tool for the Forward Email API."
    )
    parser.add_argument(_API_KEY_FLAG, help=_API_KEY_HELP)
    parser.add_argument(
        "--base-url",
        help=f"API root, e.g. a fake server (default: ${BASE_URL_ENV}, else {DEFAULT_BASE_URL})",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    aliases = commands.add_parser("aliases", help="list, export and import aliases")
    alias_commands = aliases.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = _leaf(alias_commands, "list", help="print a domain's aliases")
    listing.add_argument("domain")
    listing.add_argument("--format", choices=_FORMATS, default="table")
    export = _leaf(alias_commands, "export", help="write a domain's aliases to a file")
    export.add_argument("domain")
    export.add_argument("file", help="CSV or JSON file ('-' for standard output)")
    export.add_argument("--format", choices=("csv", "json"), help="default: from the file name")
    imp = _leaf(alias_commands, "import", help="create and update aliases from a file")
    imp.add_argument("domain")
    imp.add_argument("file", help="CSV or JSON file ('-' for standard input)")
    imp.add_argument("--format", choices=("csv", "json"), help="default: from the file name")
    imp.add_argument("--dry-run", action="store_true", help="print the changes, make none")
    imp.add_argument(
        "--no-update", dest="update", action="store_false", help="leave existing aliases as is"
    )
    imp.add_argument("--concurrency", type=int, default=8)
    imp.add_argument(
        "--max-wait",
        type=float,
        default=None,
        metavar="SECONDS",
        help="longest rate-limit pause to wait out before stopping (default 120)",
    )
    imp.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar (needs tqdm; default: when standard error is a terminal)",
    )

    domains = commands.add_parser("domains", help="list domains")
    domain_commands = domains.add_subparsers(dest="action", required=True, metavar="ACTION")
    domain_list = _leaf(domain_commands, "list", help="print your domains")
    domain_list.add_argument("--format", choices=_FORMATS, default="table")

    emails = commands.add_parser("emails", help="outbound email")
    email_commands = emails.add_subparsers(dest="action", required=True, metavar="ACTION")
    limit = _leaf(email_commands, "limit", help="emails sent today and the daily limit")
    limit.add_argument("--format", choices=("table", "json"), default="table")

    fake = _leaf(commands, "fake-server", help="run the bundled fake API locally")
    add_fake_server_arguments(fake)
    add_webhook_arguments(commands)
    return parser


def _want_progress(flag: bool | None) -> bool:
    if flag is not None:
        return flag
    if not sys.stderr.isatty():
        return False
    try:
        import tqdm  # noqa: F401
    except ImportError:
        return False
    return True


async def _command(
    args: argparse.Namespace, client: ForwardEmail, out: IO[str], err: IO[str]
) -> int:
    if args.command == "domains":
        domains = [
            {column: getattr(domain, column) for column in _DOMAIN_COLUMNS}
            async for domain in client.domains.list()
        ]
        print_records(domains, _DOMAIN_COLUMNS, args.format, out)
        return 0
    if args.command == "emails":
        limit = await client.emails.limit()
        if args.format == "json":
            print_records([{"count": limit.count, "limit": limit.limit}], (), "json", out)
        else:
            out.write(f"{limit.count} of {limit.limit} emails sent today\n")
        return 0
    if args.action == "list":
        rows = [{**alias_row(a), "id": a.id} async for a in client.aliases.list(args.domain)]
        print_records(
            rows, (*COLUMNS, "id") if args.format != "table" else COLUMNS, args.format, out
        )
        return 0
    fmt = file_format(args.file, args.format)
    if args.action == "export":
        rows = [alias_row(a) async for a in client.aliases.list(args.domain)]
        if args.file == "-":
            write_rows(rows, out, fmt)
        else:
            export_file(args.file, rows, fmt)
            err.write(f"exported {len(rows)} aliases to {args.file}\n")
        return 0
    options = ImportOptions(
        dry_run=args.dry_run,
        update=args.update,
        concurrency=args.concurrency,
        max_wait=args.max_wait,
        progress=_want_progress(args.progress) and not args.dry_run,
    )
    return await import_aliases(client, args.domain, read_rows(args.file, fmt), options, out, err)


def _base_url_problem(value: str, source: str) -> str | None:
    """Why the base URL cannot be used, in the command line's words (``None``: it can).

    ``source`` says where it came from: ``--base-url`` or the environment variable."""
    try:
        url: URL | None = URL(value)
    except (TypeError, ValueError):
        url = None
    if url is not None and (url.user is not None or url.password is not None):
        # Checked first: the other messages quote the URL, which would show the password.
        return f"{source} must not contain credentials; pass --api-key or set {API_KEY_ENV}"
    if url is not None and url.scheme == "http" and url.host and not _is_loopback(url.host):
        return (
            f"{source}: refusing plain http to {url.host}: the API key would travel "
            "unencrypted; use https://"
        )
    try:
        normalize_base_url(value)
    except ValueError as exc:
        return str(exc).replace("base_url", source, 1)
    return None


def _connection_problem(exc: APIConnectionError, base_url: str) -> str:
    """A failed connection as the command line tells it: which server, and why."""
    url = URL(base_url)
    where = host_port(url.host, url.port)  # the scheme's default port if none
    if isinstance(exc, APITimeoutError):
        return f"no answer from {where} in time ({exc})"
    if exc.request_sent:
        return f"the connection to {where} failed ({exc})"
    reason = connect_failure(exc.__cause__)
    hint = "" if base_url == DEFAULT_BASE_URL else "; check --base-url"
    return f"cannot connect to {where}: {reason}{hint}"


async def run(
    argv: Sequence[str] | None = None,
    out: IO[str] | None = None,
    err: IO[str] | None = None,
    stdin: BinaryIO | None = None,
) -> int:
    """Run the command line ``argv`` in the running event loop; returns the exit status.

    ``stdin`` (bytes) replaces standard input for the commands that read it.
    """
    out, err = out or sys.stdout, err or sys.stderr
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    api_key = args.api_key or os.environ.get(API_KEY_ENV) or None
    if args.command == "fake-server":
        return await serve_fake(args, api_key, out)
    if args.command == "webhooks":
        if args.action == "verify":
            return verify(args, stdin or stdin_bytes(), out, err)
        return await listen(args, out, err)
    base_url = args.base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    problem = _base_url_problem(base_url, "--base-url" if args.base_url else f"${BASE_URL_ENV}")
    if problem is None and api_key is None:
        problem = f"no API key: pass --api-key or set {API_KEY_ENV}"
    if problem is not None:
        err.write(f"error: {problem}\n")
        return EXIT_USAGE
    try:
        async with ForwardEmail(api_key=api_key, base_url=base_url) as client:
            return await _command(args, client, out, err)
    except (FileError, TypeError, ValueError) as exc:
        err.write(f"error: {exc}\n")
        return EXIT_USAGE
    except APIConnectionError as exc:
        err.write(f"error: {_connection_problem(exc, base_url)}\n")
        return 1
    except (ForwardEmailError, OSError) as exc:
        err.write(f"error: {exc}\n")
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Console-script entry point."""
    return asyncio.run(run(argv))
