"""``forwardemail webhooks verify`` (a subprocess reading standard input) and
``forwardemail webhooks listen`` (in process, fed by the fake server over HTTP)."""

from __future__ import annotations

import asyncio
import io
import json
import os
import sys
from pathlib import Path

import pytest

from forwardemail_async import cli, webhooks
from forwardemail_async.testing import FakeDomain, FakeForwardEmail, FakeUser

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
KEY = "0123456789abcdef0123456789abcdef"
ENV = "TEST_WEBHOOK_KEY"


async def forwardemail(*argv: str, stdin: bytes, env: dict[str, str]) -> tuple[int, str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("FORWARD_EMAIL")}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "forwardemail_async",
        *argv,
        cwd=ROOT,
        env={**environment, **env},
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate(stdin)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_verify_reads_the_body_from_standard_input() -> None:
    body = (DATA / "webhook_inbound_example.json").read_bytes()
    signature = webhooks.compute_signature(body, KEY)
    verify = ("webhooks", "verify", "--key-env", ENV, "--signature", signature)
    status, out, err = await forwardemail(*verify, stdin=body, env={ENV: KEY})
    assert status == 0, err
    assert out.startswith("signature valid: inbound ") and "<message-id@example.net>" in out
    status, out, err = await forwardemail(*verify, stdin=body + b" ", env={ENV: KEY})
    assert status == 1 and "invalid: " in err and "does not match" in err
    assert KEY not in out + err and signature not in out + err


async def verify(*argv: str, body: bytes) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = await cli.run(["webhooks", "verify", *argv], out, err, io.BytesIO(body))
    return status, out.getvalue(), err.getvalue()


async def test_verify_keys_kinds_and_unsigned_bodies(monkeypatch: pytest.MonkeyPatch) -> None:
    inbound = (DATA / "webhook_inbound_example.json").read_bytes()
    bounce = (DATA / "webhook_bounce_example.json").read_bytes()
    signature = webhooks.compute_signature(inbound, KEY)
    monkeypatch.setenv(ENV, f"{'a' * 32}, {KEY}")  # either key may sign during a rotation
    status, out, err = await verify("--key-env", ENV, "--signature", signature, body=inbound)
    assert status == 0 and out.startswith("signature valid: inbound"), err
    bounce_signature = webhooks.compute_signature(bounce, KEY)
    status, out, err = await verify("--key-env", ENV, "--signature", bounce_signature, body=bounce)
    assert status == 0, err
    assert "bounce" in out and "user@example.org  550 reject recipient" in out
    status, _, err = await verify("--key-env", ENV, "--kind", "bounce", body=bounce)
    assert status == 1 and "no X-Webhook-Signature" in err
    status, out, err = await verify("--key-env", "UNSET_VARIABLE", "--allow-unsigned", body=inbound)
    assert status == 0 and out.startswith("unsigned: inbound"), err
    status, _, err = await verify("--key-env", "UNSET_VARIABLE", body=inbound)
    assert status == 2 and "UNSET_VARIABLE holds no webhook key" in err
    status, _, err = await verify("--key-env", ENV, "--signature", "0" * 64, body=b"[]")
    assert status == 1 and "invalid" in err


@pytest.mark.parametrize(
    "argv", [["--key", KEY], [f"--key={KEY}"], ["--key-env", KEY], ["--key-e", KEY]]
)
async def test_there_is_no_key_flag_and_a_key_is_never_echoed(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = await verify(*argv, body=b"{}")
    assert status == 2
    assert KEY not in out + err + capsys.readouterr().err


@pytest.fixture
def domain(fake: FakeForwardEmail, user: FakeUser) -> FakeDomain:
    found = fake.add_domain(user, "example.com", smtp_verified=True)
    found.has_smtp = True
    fake.webhooks.set_key(found, KEY)
    return found


async def test_listen_prints_events_and_writes_their_json(
    fake: FakeForwardEmail,
    domain: FakeDomain,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ENV, KEY)
    output = tmp_path / "events.jsonl"
    out, err = io.StringIO(), io.StringIO()
    argv = ["webhooks", "listen", "--port", "0", "--key-env", ENV, "--output", str(output)]
    task = asyncio.create_task(cli.run(argv, out=out, err=err))
    while "listening on" not in out.getvalue():
        assert not task.done(), err.getvalue()
        await asyncio.sleep(0)
    base = out.getvalue().split("listening on ")[1].split("/inbound")[0]
    try:
        fake.add_alias(domain, "dev", recipients=[f"{base}/inbound"])
        (inbound,) = await fake.deliver("dev@example.com", subject="Local test")
        other_key = fake.add_domain(fake.users[0], "other.example")
        fake.add_alias(other_key, "dev", recipients=[f"{base}/inbound"])
        (refused,) = await fake.deliver("dev@other.example")
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert inbound.ok and refused.status == 401
    lines = out.getvalue().splitlines()
    assert lines[1].startswith("inbound ") and "'Local test'" in lines[1]
    assert "sender@example.net -> dev@example.com" in lines[1]
    assert lines[2].startswith("refused inbound (401): ")
    (saved,) = output.read_bytes().splitlines()
    assert saved == inbound.body and json.loads(saved)["subject"] == "Local test"
    assert KEY not in out.getvalue() + err.getvalue()


async def test_listen_needs_a_key_or_allow_unsigned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORWARD_EMAIL_WEBHOOK_KEY", raising=False)
    out, err = io.StringIO(), io.StringIO()
    assert await cli.run(["webhooks", "listen", "--port", "0"], out=out, err=err) == 2
    assert "FORWARD_EMAIL_WEBHOOK_KEY holds no webhook key" in err.getvalue()
