"""The ``forwardemail`` command line against the fake server.

Most commands run in-process through ``cli.run`` (fast); the end-to-end ones start the real
console entry point in a subprocess (``python -m forwardemail_async``) while the fake keeps
serving in this event loop.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import forwardemail_async as fe
from forwardemail_async import cli
from forwardemail_async.cli._import import ImportOptions, import_aliases
from forwardemail_async.cli._rows import read_rows
from forwardemail_async.testing import FakeForwardEmail, FakeServer, FakeUser, RateLimits

DOMAIN = "example.com"
ROOT = Path(__file__).resolve().parents[1]
GOOD_AND_BAD_CSV = """name,recipients,description,labels,is_enabled
sales,a@inbox.example b@inbox.example,Sales team,crm,true
bad+name,a@inbox.example,,,
flag,f@inbox.example,,,maybe
support,help@inbox.example,,,
sales,dup@inbox.example,,,
loop,not an address,,,
"""


@pytest.fixture(autouse=True)
def domain(fake: FakeForwardEmail, user: FakeUser) -> None:
    fake.add_domain(user, DOMAIN)


@pytest.fixture(autouse=True)
def no_key_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORWARD_EMAIL_API_KEY", raising=False)


async def forwardemail(server: FakeServer, user: FakeUser, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = await cli.run(["--api-key", user.api_token, "--base-url", server.url, *argv], out, err)
    return status, out.getvalue(), err.getvalue()


# --- in-process ----------------------------------------------------------------------------


async def test_aliases_list_formats(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail
) -> None:
    fake.add_alias(DOMAIN, "sales", recipients=["a@inbox.example", "b@inbox.example"])
    fake.add_alias(DOMAIN, "off", recipients=["c@inbox.example"], is_enabled=False)

    status, table, _ = await forwardemail(server, user, "aliases", "list", DOMAIN)
    assert status == 0
    lines = table.splitlines()
    assert lines[0].split() == ["name", "recipients", "description", "labels", "is_enabled"]
    assert re.match(r"sales\s+a@inbox\.example, b@inbox\.example\s+yes$", lines[1])
    assert re.match(r"off\s+c@inbox\.example\s+no$", lines[2])

    _, text, _ = await forwardemail(server, user, "aliases", "list", DOMAIN, "--format", "json")
    listed = json.loads(text)
    assert [row["name"] for row in listed] == ["sales", "off"]
    assert listed[1]["is_enabled"] is False and listed[0]["id"]

    _, text, _ = await forwardemail(server, user, "aliases", "list", DOMAIN, "--format", "csv")
    assert text.splitlines()[1].startswith("sales,a@inbox.example b@inbox.example,,,true,")


async def test_export_then_import_round_trips(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, tmp_path: Path
) -> None:
    fake.add_alias(DOMAIN, "sales", recipients=["a@inbox.example"], labels=["crm"])
    fake.add_alias(DOMAIN, "ops", recipients=["o@inbox.example"], description="On call")
    for fmt in ("csv", "json"):
        path = tmp_path / f"aliases.{fmt}"
        status, _, err = await forwardemail(server, user, "aliases", "export", DOMAIN, str(path))
        assert status == 0 and "exported 2 aliases" in err
        other = fake.add_domain(user, f"copy-{fmt}.example")
        status, out, _ = await forwardemail(
            server, user, "aliases", "import", other.name, str(path)
        )
        assert status == 0, out
        copied = {a.name: a for a in fake.aliases_of(other)}
        assert copied["sales"].labels == ["crm"] and copied["ops"].description == "On call"
        assert copied["ops"].recipients == ["o@inbox.example"]


async def test_import_dry_run_prints_the_diff_and_changes_nothing(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, tmp_path: Path
) -> None:
    fake.add_alias(DOMAIN, "support", recipients=["old@inbox.example"])
    fake.add_alias(DOMAIN, "same", recipients=["s@inbox.example"])
    path = tmp_path / "in.csv"
    path.write_text(
        "name,recipients\nnew,n@inbox.example\nsupport,help@inbox.example\nsame,s@inbox.example\n"
    )
    requests_before = len(fake.requests)
    status, out, _ = await forwardemail(
        server, user, "aliases", "import", DOMAIN, str(path), "--dry-run"
    )
    assert status == 0
    assert out.splitlines() == [
        "+ new  n@inbox.example",
        "~ support  recipients: old@inbox.example -> help@inbox.example",
        "dry run: would create 1, update 1; 1 unchanged, 0 invalid rows",
    ]
    assert all(r.method == "GET" for r in fake.requests[requests_before:])

    status, out, _ = await forwardemail(server, user, "aliases", "import", DOMAIN, str(path))
    assert status == 0
    assert "create: created 1" in out and "update: updated 1" in out
    support = next(a for a in fake.aliases_of(DOMAIN) if a.name == "support")
    assert support.recipients == ["help@inbox.example"]


async def test_import_sets_a_description_the_alias_lacks(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, tmp_path: Path
) -> None:
    # The server omits an empty description, so the alias read back has none at all.
    fake.add_alias(DOMAIN, "sales", recipients=["s@inbox.example"])
    path = tmp_path / "in.csv"
    path.write_text("name,recipients,description\nsales,s@inbox.example,Sales team\n")
    status, out, _ = await forwardemail(
        server, user, "aliases", "import", DOMAIN, str(path), "--dry-run"
    )
    assert status == 0
    assert out.splitlines() == [
        "~ sales  description: '' -> 'Sales team'",
        "dry run: would create 0, update 1; 0 unchanged, 0 invalid rows",
    ]
    status, out, _ = await forwardemail(server, user, "aliases", "import", DOMAIN, str(path))
    assert status == 0 and "update: updated 1" in out
    assert fake.aliases_of(DOMAIN)[0].description == "Sales team"


async def test_import_compares_values_as_the_server_stores_them(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, tmp_path: Path
) -> None:
    # The server strips tags from descriptions and slugifies labels: a file that says
    # "<b>R&D</b>" and "Café" holds what the alias already has, so nothing is sent.
    path = tmp_path / "in.csv"
    path.write_text(
        "name,recipients,description,labels\nlab,l@inbox.example,<b>R&D</b> team,Café\n"
    )
    status, out, _ = await forwardemail(server, user, "aliases", "import", DOMAIN, str(path))
    assert status == 0 and "create: created 1" in out
    [alias] = fake.aliases_of(DOMAIN)
    assert (alias.description, alias.labels) == ("R&D team", ["cafe"])
    for _ in range(2):
        before = len(fake.requests)
        status, out, _ = await forwardemail(server, user, "aliases", "import", DOMAIN, str(path))
        assert status == 0 and "unchanged 1" in out
        assert all(r.method == "GET" for r in fake.requests[before:])


async def test_import_no_update_leaves_existing_aliases(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, tmp_path: Path
) -> None:
    fake.add_alias(DOMAIN, "support", recipients=["old@inbox.example"])
    path = tmp_path / "in.json"
    path.write_text(json.dumps([{"name": "support", "recipients": ["new@inbox.example"]}]))
    status, out, _ = await forwardemail(
        server, user, "aliases", "import", DOMAIN, str(path), "--no-update"
    )
    assert status == 0 and "not updated (--no-update) 1" in out
    assert fake.aliases_of(DOMAIN)[0].recipients == ["old@inbox.example"]


async def test_import_stopped_by_the_rate_limit_exits_75(tmp_path: Path) -> None:
    fake = FakeForwardEmail(rate_limits=RateLimits(create_alias_max=2))  # real clock, 2 a day
    owner = fake.add_user(email="owner@example.net")
    fake.add_domain(owner, DOMAIN)
    path = tmp_path / "in.csv"
    path.write_text("name,recipients\n" + "".join(f"a{i},a{i}@inbox.example\n" for i in range(5)))
    async with FakeServer(fake) as server:
        status, out, err = await forwardemail(server, owner, "aliases", "import", DOMAIN, str(path))
    assert status == cli.EXIT_RATE_LIMITED == 75
    assert "created 2, not_attempted 3" in out and "window reopens" in out
    assert "3 rows not attempted (rows 4-6); run the import again later" in err
    assert len(fake.aliases_of(DOMAIN)) == 2


async def test_domains_list_and_emails_limit(server: FakeServer, user: FakeUser) -> None:
    status, out, _ = await forwardemail(server, user, "domains", "list", "--format", "json")
    assert status == 0 and [d["name"] for d in json.loads(out)] == [DOMAIN]
    status, out, _ = await forwardemail(server, user, "emails", "limit")
    assert status == 0 and re.fullmatch(r"0 of \d+ emails sent today\n", out)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("nom,recipients\nx,a@inbox.example\n", "'name' column"),
        ("name,colour\nx,blue\n", "unknown: 'colour'"),
    ],
)
async def test_unreadable_files_exit_2(
    server: FakeServer, user: FakeUser, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "in.csv"
    path.write_text(content)
    status, _, err = await forwardemail(server, user, "aliases", "import", DOMAIN, str(path))
    assert status == 2 and message in err
    status, _, err = await forwardemail(
        server, user, "aliases", "import", DOMAIN, str(tmp_path / "missing.csv")
    )
    assert status == 2 and "cannot read" in err


async def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert await cli.run(["aliases"]) == 2
    assert await cli.run(["emails", "limit", "--format", "xml"]) == 2
    assert "invalid choice" in capsys.readouterr().err


# --- subprocess ----------------------------------------------------------------------------


async def run_cli(*argv: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """``python -m forwardemail_async ARGV`` with a clean environment plus ``env``."""
    environment = {k: v for k, v in os.environ.items() if k != "FORWARD_EMAIL_API_KEY"}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "forwardemail_async",
        *argv,
        cwd=ROOT,
        env={**environment, **(env or {})},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_csv_import_with_bad_rows_end_to_end(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, tmp_path: Path
) -> None:
    path = tmp_path / "aliases.csv"
    path.write_text(GOOD_AND_BAD_CSV)
    status, out, err = await run_cli(
        "--base-url", server.url, "aliases", "import", DOMAIN, str(path), "--no-progress",
        env={"FORWARD_EMAIL_API_KEY": user.api_token},
    )  # fmt: skip
    assert status == 1
    # One clear line per bad row, by its line in the file.
    # The server's own rule (no "+" in a name) comes back as its 400, like row 7's.
    assert re.search(r'row 3 \(bad\+name\): failed: 400 .*cannot have a "\+" symbol', err)
    assert "row 4: is_enabled must be true or false, got 'maybe'" in err
    assert "row 6: duplicate of row 2 (sales)" in err
    assert re.search(r"row 7 \(loop\): failed: 400 .*Recipient must be a valid", err)
    # The good rows were created anyway.
    assert "create: created 2, failed 2" in out and "invalid rows 2" in out
    by_name = {a.name: a for a in fake.aliases_of(DOMAIN)}
    assert sorted(by_name) == ["sales", "support"]
    assert by_name["sales"].recipients == ["a@inbox.example", "b@inbox.example"]
    assert user.api_token not in out + err


async def test_api_key_given_as_a_flag_is_never_echoed(server: FakeServer) -> None:
    secret = "0123456789abcdef0123456789abcdef01234567"
    status, out, err = await run_cli(
        "--api-key", secret, "--base-url", server.url, "aliases", "list", DOMAIN
    )
    assert status == 1 and "401" in err
    assert secret not in out + err


@pytest.mark.parametrize("after", [False, True], ids=["before-command", "after-command"])
async def test_api_key_flag_goes_before_or_after_the_subcommand(
    server: FakeServer, user: FakeUser, after: bool
) -> None:
    key = ["--api-key", user.api_token]
    command = ["aliases", "list", DOMAIN, "--format", "json"]
    argv = [*command, *key] if after else [*key, *command]
    status, out, err = await run_cli("--base-url", server.url, *argv)
    assert (status, err) == (0, "")
    assert json.loads(out) == []


async def test_api_key_is_redacted_from_usage_errors(server: FakeServer) -> None:
    secret = "0123456789abcdef0123456789abcdef01234567"
    list_ = ("--base-url", server.url, "aliases", "list", DOMAIN)
    for argv in (
        (*list_, "--api-kye", secret),  # a typo of the flag
        (*list_, f"--api-kye={secret}"),
        (*list_, "--api-key", secret, "--bogus", secret),
        ("--api-key", secret, "aliases", "lsit", secret),
    ):
        status, out, err = await run_cli(*argv)
        assert status == 2, argv
        assert "error:" in err and secret not in out + err, argv
    # The key from the environment, given by mistake as an extra argument.
    status, out, err = await run_cli(*list_, secret, env={"FORWARD_EMAIL_API_KEY": secret})
    assert status == 2 and "unrecognized arguments: ***" in err
    assert secret not in out + err


@pytest.fixture
async def fake_server_process() -> AsyncIterator[tuple[str, str]]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "forwardemail_async", "fake-server", "--port", "0",
        "--domain", "trial.example", "--create-alias-max", "3",
        cwd=ROOT, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    lines = [(await process.stdout.readline()).decode() for _ in range(3)]
    url = re.search(r"at (http://\S+)", lines[0])
    key = re.search(r"FORWARD_EMAIL_API_KEY=(\w+)", lines[2])
    assert url and key, lines
    yield url.group(1), key.group(1)
    process.terminate()
    assert await process.wait() == 0


async def test_fake_server_subcommand(fake_server_process: tuple[str, str]) -> None:
    url, key = fake_server_process
    status, out, _ = await run_cli(
        "--base-url", url, "domains", "list", env={"FORWARD_EMAIL_API_KEY": key}
    )
    assert status == 0 and "trial.example" in out


# --- files as spreadsheets write them --------------------------------------------------------


async def test_csv_with_a_byte_order_mark_imports(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, tmp_path: Path
) -> None:
    # Excel's "CSV UTF-8" starts the file with a byte-order mark, and ends lines with CRLF.
    path = tmp_path / "from-excel.csv"
    path.write_bytes(
        b"\xef\xbb\xbfname,recipients,description\r\n"
        b"sales,a@inbox.example,Caf\xc3\xa9 team\r\nsupport,h@inbox.example,\r\n"
    )
    status, out, err = await forwardemail(server, user, "aliases", "import", DOMAIN, str(path))
    assert (status, err) == (0, "")
    assert "create: created 2" in out
    by_name = {a.name: a for a in fake.aliases_of(DOMAIN)}
    assert sorted(by_name) == ["sales", "support"]
    assert by_name["sales"].description == "Café team"


async def test_csv_with_a_byte_order_mark_on_standard_input(
    server: FakeServer,
    user: FakeUser,
    fake: FakeForwardEmail,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("\ufeffname,recipients\nops,o@inbox.example\n"))
    status, _, err = await forwardemail(server, user, "aliases", "import", DOMAIN, "-")
    assert (status, err) == (0, "")
    assert [a.name for a in fake.aliases_of(DOMAIN)] == ["ops"]


async def test_json_with_a_byte_order_mark_imports(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, tmp_path: Path
) -> None:
    path = tmp_path / "aliases.json"
    path.write_text('[{"name": "ops", "recipients": ["o@inbox.example"]}]', encoding="utf-8-sig")
    status, _, err = await forwardemail(server, user, "aliases", "import", DOMAIN, str(path))
    assert (status, err) == (0, "")
    assert [a.name for a in fake.aliases_of(DOMAIN)] == ["ops"]


async def test_a_header_with_an_invisible_character_is_shown_escaped(
    server: FakeServer, user: FakeUser, fake: FakeForwardEmail, tmp_path: Path
) -> None:
    path = tmp_path / "in.csv"
    path.write_text(" name ,\u200bnotes\nops,x\n", encoding="utf-8")  # padded, zero-width space
    status, _, err = await forwardemail(server, user, "aliases", "import", DOMAIN, str(path))
    assert status == 2
    assert err.endswith("(unknown: '\\u200bnotes')\n")  # ' name ' was read as 'name'
    assert fake.aliases_of(DOMAIN) == []


async def test_a_file_that_is_not_utf8_is_a_clear_error(
    server: FakeServer, user: FakeUser, tmp_path: Path
) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"name,description\nops,caf\xe9\n")
    status, _, err = await forwardemail(server, user, "aliases", "import", DOMAIN, str(path))
    assert status == 2
    assert err == (
        f"error: {path} is not UTF-8 text (invalid continuation byte); "
        'save it as UTF-8 ("CSV UTF-8")\n'
    )


# --- errors in the command line's words ------------------------------------------------------


async def cli_without_key(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = await cli.run(list(argv), out, err)
    return status, out.getvalue(), err.getvalue()


async def test_a_missing_key_says_which_option_or_variable_to_set(
    server: FakeServer, fake: FakeForwardEmail
) -> None:
    for command in (["aliases", "list", DOMAIN], ["domains", "list"], ["emails", "limit"]):
        status, out, err = await cli_without_key("--base-url", server.url, *command)
        assert (status, out) == (2, "")
        assert err == "error: no API key: pass --api-key or set FORWARD_EMAIL_API_KEY\n"
    assert fake.requests == []  # refused before any request


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_an_unreachable_server_is_named_by_host_and_port() -> None:
    secret = "0123456789abcdef0123456789abcdef01234567"
    port = _closed_port()
    status, out, err = await cli_without_key(
        "--api-key", secret, "--base-url", f"http://127.0.0.1:{port}", "domains", "list"
    )
    assert (status, out) == (1, "")
    assert (
        err == f"error: cannot connect to 127.0.0.1:{port}: Connection refused; check --base-url\n"
    )
    assert secret not in err


async def test_a_tls_failure_is_told_as_tls_names_it(server: FakeServer) -> None:
    """https to a plain-http server: OpenSSL's reason, not the system's word for its errno."""
    secret = "0123456789abcdef0123456789abcdef01234567"
    tls_url = server.url.replace("http://", "https://")
    status, out, err = await cli_without_key(
        "--api-key", secret, "--base-url", tls_url, "domains", "list"
    )
    assert (status, out) == (1, "")
    where = tls_url.removeprefix("https://")
    # OpenSSL's own words (their detail varies by OpenSSL version).
    assert err.startswith(f"error: cannot connect to {where}: [SSL"), err
    assert "Operation not permitted" not in err
    assert secret not in err


@pytest.mark.parametrize(
    ("base_url", "message"),
    [
        (
            "http://api.example.net",
            "--base-url: refusing plain http to api.example.net: the API key would travel "
            "unencrypted; use https://",
        ),
        (
            "https://me:0123456789abcdef@api.example.net",
            "--base-url must not contain credentials; pass --api-key or set FORWARD_EMAIL_API_KEY",
        ),
        ("ftp://api.example.net", "--base-url must be an absolute http(s) URL, got "),
    ],
)
async def test_a_bad_base_url_speaks_cli(base_url: str, message: str) -> None:
    secret = "0123456789abcdef"
    status, out, err = await cli_without_key(
        "--api-key", secret, "--base-url", base_url, "domains", "list"
    )
    assert (status, out) == (2, "")
    assert err.startswith(f"error: {message}")
    assert secret not in err and "api_key=" not in err and "allow_insecure_http" not in err


# --- rate-limit pauses without a terminal -----------------------------------------------------


async def test_import_without_a_terminal_writes_one_line_per_pause(
    server: FakeServer,
    user: FakeUser,
    fake: FakeForwardEmail,
    clock: fe.ManualClock,
    tmp_path: Path,
) -> None:
    # 7 rows at 3 creates per 100 s: two pauses, each one line on standard error as it starts
    # (the client shares the fake's ManualClock, so the pauses take no real time).
    fake.rate_limits = RateLimits(create_alias_max=3, route_window=100)
    path = tmp_path / "in.csv"
    path.write_text("name\n" + "".join(f"user{i}\n" for i in range(7)))
    options = ImportOptions(dry_run=False, update=True, concurrency=1, max_wait=500, progress=False)
    out, err = io.StringIO(), io.StringIO()
    async with fe.ForwardEmail(api_key=user.api_token, base_url=server.url, clock=clock) as client:
        status = await import_aliases(
            client, DOMAIN, read_rows(str(path), "csv"), options, out, err
        )
    assert status == 0 and "create: created 7" in out.getvalue()
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d"
    lines = err.getvalue().splitlines()
    assert len(lines) == 2
    for line, done in zip(lines, ("3/7", "6/7"), strict=True):
        assert re.fullmatch(
            rf"create aliases: rate limit reached after {done}; paused until {stamp}, "
            rf"expected to finish by {stamp}",
            line,
        ), line
