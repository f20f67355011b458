"""What ``import forwardemail_async`` and the first ``client.aliases`` leave unloaded, and
that each deferred piece loads and works when it is first used.

The import's cost is most of a short script's start-up (benchmarks/README.md), so the
converter (cattrs), bulk runs, Sieve scripts, the retry waits (backoff) and the HTML helpers
load on first use. Each check runs in a fresh interpreter: this test process has them all.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

# Loaded on first use, not by `import forwardemail_async` and the first `.aliases`.
DEFERRED = [
    "cattrs",
    "backoff",
    "html",
    "forwardemail_async._bulk",
    "forwardemail_async._decode.detailed",
    "forwardemail_async.resources.sieve",
    "forwardemail_async.resources._schema.mailbox",
]

SCRIPT = textwrap.dedent(
    """
    import asyncio, json, sys

    import forwardemail_async as fe

    deferred = json.loads(sys.argv[1])
    fe.ForwardEmail(api_key="k").aliases
    report = {"after_aliases": [name for name in deferred if name in sys.modules]}

    from forwardemail_async.testing import FakeForwardEmail, FakeServer

    async def main() -> None:
        fake = FakeForwardEmail()
        user = fake.add_user(email="owner@example.net")
        fake.add_domain(user, "example.com")
        async with FakeServer(fake) as server:
            async with fe.ForwardEmail(api_key=user.api_token, base_url=server.url) as client:
                aliases = client.aliases
                created = await aliases.create(
                    "example.com", name="first", recipients=["a@b.example"], has_imap=True
                )
                report["created"] = [created.name, created.recipients, created.domain.name]
                report["listed"] = [a.name async for a in aliases.list("example.com")]
                specs = [{"name": "bulk1"}, {"name": "first"}]
                results = [r async for r in aliases.create_many("example.com", specs)]
                report["bulk"] = [[r.name, r.status] for r in results]
                await aliases.sieve_scripts.create("example.com", "first", "s", "keep;")
                scripts = await aliases.sieve_scripts.list("example.com", "first")
                report["sieve"] = [script.name for script in scripts]
                report["html"] = "<td" in created._repr_html_()

    asyncio.run(main())
    report["after_use"] = [name for name in deferred if name in sys.modules]
    print(json.dumps(report))
    """
)


def test_first_aliases_access_defers_the_rest_which_loads_and_works_on_first_use() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(DEFERRED)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["after_aliases"] == []
    assert report["created"] == ["first", ["a@b.example"], "example.com"]
    assert report["listed"] == ["first"]
    assert report["bulk"] == [["bulk1", "created"], ["first", "exists"]]
    assert report["sieve"] == ["s"]
    assert report["html"] is True
    # Each deferred module loaded once used (backoff: a retry's wait; none happened here).
    assert set(report["after_use"]) == set(DEFERRED) - {"backoff"}


def test_the_converter_is_built_on_the_first_decode_with_every_model_setup() -> None:
    # Models imported before the converter exists register their setup (reference models,
    # keyword fields) for later; decoding must then see them all, as if built eagerly.
    script = textwrap.dedent(
        """
        import sys
        from forwardemail_async._decode.converter import structure, unstructure
        from forwardemail_async.models import Alias, Message

        assert "cattrs" not in sys.modules
        alias = structure(
            {"id": "1", "name": "n", "domain": "d1", "user": {"email": "u@x.example"}},
            Alias,
            what="GET /test",
        )
        assert "cattrs" in sys.modules
        assert alias.domain.id == "d1" and alias.user.email == "u@x.example", alias
        sender = {"address": "a@b.example", "name": "A"}
        message = structure({"id": "m", "from": [sender]}, Message, what="GET /test")
        assert message.from_[0].address == "a@b.example", message
        assert unstructure(message)["from"] == [sender]
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr


def test_a_setup_that_raises_is_tried_again_not_dropped() -> None:
    """A model's setup that fails on the first build (say, a transient import problem) stays
    registered: the error reaches the caller, and the next decode runs the setup again
    rather than decode without it."""
    script = textwrap.dedent(
        """
        from forwardemail_async._decode import converter as decoding
        from forwardemail_async.models import Alias

        calls = []

        def flaky(converter):
            calls.append(1)
            if len(calls) == 1:
                raise RuntimeError("not yet")

        decoding.when_built(flaky)
        payload = {"id": "1", "name": "n"}
        try:
            decoding.structure(payload, Alias, what="GET /test")
        except RuntimeError as error:
            assert str(error) == "not yet"
        else:
            raise AssertionError("the setup's error was swallowed")
        assert decoding.structure(payload, Alias, what="GET /test").name == "n"
        assert len(calls) == 2
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
