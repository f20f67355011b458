"""session.messages against the fake server over HTTP, and the Message model."""

from __future__ import annotations

import base64
import io
import json
from datetime import date, datetime, timezone
from pathlib import Path

import aiohttp
import pytest

import forwardemail_async as fe
from forwardemail_async._core.auth import BasicCredentials
from forwardemail_async._decode.converter import structure, unstructure
from forwardemail_async.testing import FakeForwardEmail, FakeServer

from .alias_helpers import refused_before_sending, refused_by_the_server

RAW = (
    "From: Alice <alice@example.org>\r\n"
    "To: me@example.com\r\n"
    "Subject: Raw hello\r\n"
    "Message-ID: <raw-1@example.org>\r\n"
    "Date: Wed, 01 Jan 2025 10:00:00 +0000\r\n"
    "X-Priority: 1\r\n"
    "\r\n"
    "Plain raw body.\r\n"
)


async def test_create_composes_and_stores_without_sending(
    session: fe.AliasSession, fake: FakeForwardEmail
) -> None:
    message = await session.messages.create(
        folder="Receipts",
        from_="Shop <shop@example.org>",
        to=["me@example.com", {"name": "Other", "address": "other@example.com"}],
        subject="Your receipt",
        text="Thanks for your order.",
        html="<p>Thanks for your order.</p>",
        attachments=[{"filename": "r.txt", "content": b"total: 3", "contentType": "text/plain"}],
        flags=["\\seen", "$Important"],
        labels=["shopping"],
    )
    body = fake.requests[-1].json_body
    assert body["from"] == "Shop <shop@example.org>"
    assert body["attachments"] == [
        {
            "filename": "r.txt",
            "content": "dG90YWw6IDM=",
            "encoding": "base64",
            "contentType": "text/plain",
        }
    ]
    assert body["flags"] == ["\\Seen", "$Important"]  # system flags in IMAP's spelling
    assert message.folder_path == "Receipts"  # created on the way
    assert message.subject == "Your receipt"
    assert message.is_unread is False
    assert message.has_attachment is True
    assert message.flags == ["\\Seen", "$Important"]
    assert message.labels == ["shopping", "$Important"]  # keywords are labels too
    assert message.uid == 1
    assert message.raw is not None and "Subject: Your receipt" in message.raw
    assert message.nodemailer is not None and message.nodemailer["subject"] == "Your receipt"
    assert message.size is not None and message.size > 0
    folder = await session.folders.retrieve("Receipts")
    assert folder.id == message.folder_id


async def test_create_takes_what_emails_create_takes(
    session: fe.AliasSession, fake: FakeForwardEmail, tmp_path: Path
) -> None:
    """The server reads the same Nodemailer fields as on POST /v1/emails; no sender or
    recipient is needed for a draft."""
    report = tmp_path / "report.csv"
    report.write_bytes(b"a,b\n1,2\n")
    message = await session.messages.create(
        folder="Drafts",
        sender={"name": "Assistant", "address": "assistant@example.com"},
        reply_to=[{"address": "replies@example.com"}],
        subject="Draft with files",
        headers={"X-Tags": ["one", "two"]},
        date=date(2025, 1, 2),
        attachments=[
            report,
            b"\x00\x01raw",
            fe.EmailAttachment(
                content=b"<svg/>", filename="logo.svg", content_type="image/svg+xml"
            ),
        ],
        flags="\\Draft",
    )
    body = fake.requests[-1].json_body
    assert "from" not in body and "to" not in body
    assert body["sender"] == {"name": "Assistant", "address": "assistant@example.com"}
    assert body["replyTo"] == [{"address": "replies@example.com"}]
    assert body["headers"] == {"X-Tags": ["one", "two"]}
    assert body["date"] == "2025-01-02"
    assert body["attachments"] == [
        {
            "content": base64.b64encode(b"a,b\n1,2\n").decode(),
            "encoding": "base64",
            "filename": "report.csv",
            "contentType": "text/csv",
        },
        {"content": base64.b64encode(b"\x00\x01raw").decode(), "encoding": "base64"},
        {
            "content": base64.b64encode(b"<svg/>").decode(),
            "encoding": "base64",
            "filename": "logo.svg",
            "contentType": "image/svg+xml",
        },
    ]
    assert (message.folder_path, message.is_draft, message.has_attachment) == (
        "Drafts",
        True,
        True,
    )
    assert message.raw is not None
    assert "Sender: Assistant <assistant@example.com>" in message.raw
    assert "Reply-To: replies@example.com" in message.raw
    assert message.nodemailer is not None
    files = {a["filename"]: bytes(a["content"]["data"]) for a in message.nodemailer["attachments"]}
    assert files["report.csv"] == b"a,b\n1,2\n"
    assert files["logo.svg"] == b"<svg/>"


async def test_raw_message_and_eml_retrieval(
    session: fe.AliasSession, fake: FakeForwardEmail
) -> None:
    message = await session.messages.create(raw=RAW)
    assert fake.requests[-1].json_body == {"raw": RAW}
    assert message.folder_path == "INBOX"
    assert message.header_message_id == "<raw-1@example.org>"
    assert message.header_date == datetime(2025, 1, 1, 10, tzinfo=timezone.utc)

    eml = await session.messages.retrieve(message.id, eml=True)
    assert eml == RAW  # the text as stored, line endings and all
    assert fake.requests[-1].query == {"eml": "true"}

    slim = await session.messages.retrieve(message.id, raw=False, nodemailer=False)
    assert (slim.raw, slim.nodemailer) == (None, None)
    no_files = await session.messages.retrieve(message.id, attachments=False)
    assert no_files.nodemailer is not None and "attachments" not in no_files.nodemailer


async def test_the_same_message_is_not_stored_twice(session: fe.AliasSession) -> None:
    first = await session.messages.create(raw=RAW)
    again = await session.messages.create(raw=RAW)
    assert again.id == first.id
    assert len(await session.messages.list().collect()) == 1


async def _seed(session: fe.AliasSession) -> dict[str, fe.Message]:
    return {
        "raw": await session.messages.create(raw=RAW, flags="\\Seen"),
        "invoice": await session.messages.create(
            from_="billing@example.net",
            to="me@example.com",
            cc="boss@example.com",
            subject="Invoice 42",
            text="Please pay the invoice.",
            headers={"X-Custom": "abc-123"},
            message_id="inv-42@example.net",
            attachments=[{"filename": "i.pdf", "content": b"%PDF-1.4"}],
        ),
        "note": await session.messages.create(
            folder="Notes",
            from_="me@example.com",
            to="me@example.com",
            subject="Note to self",
            text="Buy milk.",
            flags=["\\Flagged"],
        ),
    }


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["note", "invoice", "raw"]),
        ({"folder": "Notes"}, ["note"]),
        ({"folder": "inbox"}, ["invoice", "raw"]),  # INBOX in any case, as IMAP matches it
        ({"folder": "Nowhere"}, []),
        ({"is_unread": False}, ["raw"]),
        ({"is_flagged": True}, ["note"]),
        ({"has_attachment": True}, ["invoice"]),
        ({"has_attachment": False}, ["note", "raw"]),
        ({"subject": "INVOICE"}, ["invoice"]),
        ({"body": "milk"}, ["note"]),
        ({"from_": "alice@"}, ["raw"]),
        ({"to": "me@example.com", "cc": "boss"}, ["invoice"]),
        ({"header": "abc-1"}, ["invoice"]),
        ({"header": ("X-Priority", "1")}, ["raw"]),
        ({"message_id": "inv-42"}, ["invoice"]),
        ({"search": "pay the"}, ["invoice"]),
        ({"search": "Alice"}, ["raw"]),
        # The fake clock is in November 2023; the raw message's Date header says 2025.
        ({"since": date(2024, 1, 1)}, ["raw"]),
        ({"before": date(2023, 11, 1)}, []),
        (
            {"since": datetime(2023, 11, 1, tzinfo=timezone.utc), "before": date(2023, 12, 1)},
            ["note", "invoice", "raw"],
        ),
        ({"subject": "note", "is_flagged": False}, []),
    ],
)
async def test_list_filters(
    session: fe.AliasSession, filters: dict[str, object], expected: list[str]
) -> None:
    seeded = await _seed(session)
    names = {m.id: name for name, m in seeded.items()}
    found = await session.messages.list(**filters).collect()  # type: ignore[arg-type]
    assert [names[m.id] for m in found] == expected


async def test_size_filters_and_query_spelling(
    session: fe.AliasSession, fake: FakeForwardEmail
) -> None:
    seeded = await _seed(session)
    size = seeded["raw"].size
    assert size is not None
    found = await session.messages.list(min_size=size, max_size=size, reply_to="x").collect()
    assert found == []
    query = fake.requests[-1].query
    assert (query["min_size"], query["max_size"], query["reply-to"]) == (str(size), str(size), "x")
    exact = await session.messages.list(min_size=size, max_size=size).collect()
    assert [m.id for m in exact] == [seeded["raw"].id]


async def test_lightweight_list_has_addresses_instead_of_bodies(session: fe.AliasSession) -> None:
    await session.messages.create(raw=RAW)
    (message,) = await session.messages.list(lightweight=True).collect()
    assert message.raw is None and message.nodemailer is None
    assert message.from_ == [fe.MessageAddress(address="alice@example.org", name="Alice")]
    assert message.to == [fe.MessageAddress(address="me@example.com", name="")]


async def test_empty_list_reports_one_page(session: fe.AliasSession) -> None:
    page = await session.messages.list()
    assert (page.items, page.page_count, page.item_count) == ([], 1, 0)


async def test_update_flags_labels_and_folder(session: fe.AliasSession) -> None:
    message = await session.messages.create(raw=RAW, labels=["inbox-zero"])
    read = await session.messages.update(message.id, flags_add=["\\Seen", "$Todo"])
    assert read.flags == ["\\Seen", "$Todo"]
    assert read.labels == ["inbox-zero", "$Todo"]

    unread = await session.messages.update(message.id, flags_remove="\\Seen")
    assert unread.is_unread is True

    relabeled = await session.messages.update(message.id, labels_remove=["$Todo"])
    assert relabeled.labels == ["inbox-zero"]
    assert relabeled.flags == []  # a removed label leaves the keyword flags as well

    replaced = await session.messages.update(message.id, flags=["\\Flagged"], labels=["a", "b"])
    assert (replaced.flags, replaced.labels) == (["\\Flagged"], ["a", "b"])

    moved = await session.messages.update(message.id, folder="Archive/2025", lightweight=True)
    assert moved.folder_path == "Archive/2025"
    assert moved.uid == 1  # a new UID in the new folder
    assert moved.raw is None and moved.from_ is not None


async def test_delete_expunges(session: fe.AliasSession) -> None:
    message = await session.messages.create(raw=RAW)
    deleted = await session.messages.delete(message.id)
    assert deleted.id == message.id
    with pytest.raises(fe.NotFoundError) as info:
        await session.messages.retrieve(message.id)
    assert info.value.message == "Message does not exist."


async def test_server_validation_messages(session: fe.AliasSession) -> None:
    requester = session._requester
    message = await session.messages.create(raw=RAW)
    one = {"message": message.id}
    cases = [
        ("GET", "/v1/messages/{message}", {"message": "not-an-id"}, None, "Invalid message ID."),
        ("PUT", "/v1/messages/{message}", one, {"flags": ["bad flag"]}, "Message flags invalid."),
        ("PUT", "/v1/messages/{message}", one, {"labels": {"a": 1}}, "Message labels invalid."),
        (
            "POST",
            "/v1/messages",
            None,
            {"folder": "", "raw": RAW},
            "Folder must have either name or path.",
        ),
        (
            "POST",
            "/v1/messages",
            None,
            {"flags": ["\\Recent"], "raw": RAW},
            "Message flags invalid.",
        ),
        (
            "POST",
            "/v1/messages",
            None,
            {"attachments": "x", "text": "hi"},
            'Attachments option "attachments" must be an Array if set; '
            "https://nodemailer.com/message/attachments/",
        ),
    ]
    for method, route, params, body, expected in cases:
        with pytest.raises(fe.BadRequestError) as info:
            await requester.send(method, route, path_params=params, json=body)
        assert info.value.message == expected


async def test_message_bodies_may_exceed_the_ordinary_limit(
    server: FakeServer, session: fe.AliasSession, fake: FakeForwardEmail
) -> None:
    """POST/PUT /v1/messages take 51 MB bodies; other routes stop at 1 MB (413).

    Sent with aiohttp directly and a stream body: aiohttp warns about bytes bodies over
    1 MiB, which this suite turns into errors.
    """
    alias = fake.aliases_of("example.com")[0]
    authorization = BasicCredentials.alias(alias.address, alias.passwords[0]).header
    padding = "x" * (1024 * 1024 + 1)
    big = json.dumps({"subject": "Big", "text": padding}).encode()
    headers = {"Accept": "application/json", "Authorization": authorization}
    async with aiohttp.ClientSession(headers=headers) as http:
        for path, status in (("/v1/messages", 200), ("/v1/folders", 413)):
            async with http.post(
                server.url + path,
                data=io.BytesIO(big),
                headers={"Content-Type": "application/json"},
            ) as response:
                assert response.status == status
    (message,) = await session.messages.list(raw=False).collect()
    assert message.subject == "Big"
    assert message.size is not None and message.size > len(padding)


def test_message_model_maps_the_from_key() -> None:
    payload = {
        "id": "6650a7b1c2d3e4f5a6b7c8d9",
        "from": [{"address": "a@example.org", "name": "A"}],
    }
    message = structure(payload, fe.Message, what="test")
    assert message.from_ == [fe.MessageAddress(address="a@example.org", name="A")]
    assert message.extra_fields == {}
    data = unstructure(message)
    assert data["from"] == payload["from"] and "from_" not in data


test_bad_input_never_reaches_the_wire = refused_before_sending(
    [
        (lambda s: s.messages.retrieve("abc"), ValueError, "24-character"),
        (lambda s: s.messages.delete(""), ValueError, "24-character"),
        (lambda s: s.messages.retrieve("6650a7b1c2d3e4f5a6b7c8d9", eml="yes"), TypeError, "eml"),
        (lambda s: s.messages.create(), ValueError, "raw= or message fields"),
        (lambda s: s.messages.create(raw=RAW, subject="x"), ValueError, "raw= replaces"),
        # A stored message has no envelope for from_/to to set: the raw headers say it all.
        (lambda s: s.messages.create(raw=RAW, to="a@example.org"), ValueError, "raw= replaces"),
        (lambda s: s.messages.create(raw=b"\xff"), ValueError, "UTF-8"),
        (lambda s: s.messages.create(subject="x", flags=[1]), TypeError, "flags"),
        (lambda s: s.messages.create(subject="x", to=" "), ValueError, "to must not be blank"),
        (lambda s: s.messages.create(to="a@example.org\r\nBcc: b@x.org"), ValueError, "CR, LF"),
        (lambda s: s.messages.create(to={"name": "No address"}), ValueError, "address objects"),
        (lambda s: s.messages.create(sender={"address": 1}), ValueError, "address objects"),
        (lambda s: s.messages.create(subject="x", headers={"Bad Name": "v"}), ValueError, "header"),
        (lambda s: s.messages.create(subject="x", headers={"X-A": "a\nb"}), ValueError, "CR, LF"),
        (
            lambda s: s.messages.create(subject="x", attachments=[{"path": "/etc/passwd"}]),
            ValueError,
            "path",
        ),
        (lambda s: s.messages.create(attachments=["r.pdf"]), TypeError, "pathlib.Path"),
        (lambda s: s.messages.create(subject="x", folder=1), TypeError, "folder"),
        (lambda s: s.messages.create(subject="x", date=datetime(2025, 1, 1)), ValueError, "aware"),
        (
            lambda s: s.messages.update(
                "6650a7b1c2d3e4f5a6b7c8d9", flags=["\\Seen"], flags_add=["x"]
            ),
            ValueError,
            "not both",
        ),
        (lambda s: s.messages.update("6650a7b1c2d3e4f5a6b7c8d9"), ValueError, "update"),
        (lambda s: s.messages.list(is_unread=1), TypeError, "is_unread"),
        (lambda s: s.messages.list(since="2025-01-01"), TypeError, "since"),
        (lambda s: s.messages.list(min_size="1"), TypeError, "min_size"),
        (lambda s: s.messages.list(header="a:b"), ValueError, "header"),
        (lambda s: s.messages.list(header=("X-A", "1:2")), ValueError, "header value"),
        (lambda s: s.messages.list(header=("Bad Name", "1")), ValueError, "header name"),
        (lambda s: s.messages.list(header=("a", 1)), TypeError, "header"),
        (lambda s: s.messages.list(lightweight="true"), TypeError, "lightweight"),
    ]
)

test_the_servers_rules_come_back_as_its_400 = refused_by_the_server(
    [
        (
            lambda s: s.messages.create(subject="x", folder=" "),
            fe.BadRequestError,
            "Folder must have either name or path.",
        ),
        (
            lambda s: s.messages.create(subject="x", flags=["\\Recent"]),
            fe.BadRequestError,
            "Message flags invalid.",
        ),
        (
            lambda s: s.messages.create(subject="x", flags=["a b"]),
            fe.BadRequestError,
            "Message flags invalid.",
        ),
        (
            lambda s: s.messages.create(subject="x", flags=["f"] * 101),
            fe.BadRequestError,
            "Message flags invalid.",
        ),
    ]
)


async def test_list_filters_go_as_given(session: fe.AliasSession, fake: FakeForwardEmail) -> None:
    # Whether a blank filter or an empty size range means anything is the server's call.
    page = await session.messages.list(subject=" ", min_size=10, max_size=5).collect()
    assert page == []
    assert fake.requests[-1].query["subject"] == " "
    assert (fake.requests[-1].query["min_size"], fake.requests[-1].query["max_size"]) == (
        "10",
        "5",
    )
