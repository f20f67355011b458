"""Jupyter's rich display (``_repr_html_``) of models, pages and bulk summaries.

The HTML must be well formed, escape every value, hide what ``repr()`` hides, stay short for a
50-field domain, and work on the models the decoding fast path builds without ``__init__``.
"""

from __future__ import annotations

import html
import inspect
from datetime import datetime, timezone
from html.parser import HTMLParser

import attrs
from hypothesis import given
from hypothesis import strategies as st

import forwardemail_async as fe
from forwardemail_async import models
from forwardemail_async._core.display import MAX_PAGE_ROWS, MAX_VALUE_CHARS, model_html
from forwardemail_async.testing import FakeForwardEmail, FakeUser

VOID = {"br", "hr", "img", "input", "meta", "link"}


class _Tree(HTMLParser):
    """Checks that tags nest properly and collects the text and the tags seen."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unexpected </{tag}>")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(markup: str) -> _Tree:
    tree = _Tree()
    tree.feed(markup)
    tree.close()
    assert tree.errors == [] and tree.stack == [], (tree.errors, tree.stack)
    return tree


def main_table(markup: str) -> str:
    """The part of a model's HTML before the folded ``<details>`` block."""
    return markup.split("<details>", 1)[0]


def test_every_public_model_has_a_rich_display() -> None:
    classes = [
        getattr(models, name)
        for name in models.__all__
        if inspect.isclass(getattr(models, name)) and attrs.has(getattr(models, name))
    ]
    assert len(classes) > 30
    missing = [cls.__name__ for cls in classes if not hasattr(cls, "_repr_html_")]
    assert missing == []
    for name in ("Page", "BulkResult", "BulkSummary", "BulkCounts", "BulkProgress", "BulkBatch"):
        assert hasattr(getattr(fe, name), "_repr_html_"), name


async def test_a_full_domain_shows_what_is_set_and_folds_the_rest(
    client: fe.ForwardEmail,
) -> None:
    await client.domains.create("example.com")
    domain = await client.domains.retrieve("example.com")
    assert len(attrs.fields(models.Domain)) >= 48
    markup = domain._repr_html_()
    tree = parse(markup)
    main = main_table(markup)
    assert main.count("<tr>") <= 20  # of 50 fields
    assert ">example.com<" in main and ">enhanced_protection<" in main
    assert "has_newsletter" not in main  # False: folded
    assert "<details><summary>" in markup and "has_newsletter" in markup.split("<details>")[1]
    assert tree.tags.count("tr") == len(attrs.fields(models.Domain)) - 1  # all but extra_fields


async def test_models_built_by_the_fast_path_display_like_built_ones(
    client: fe.ForwardEmail,
) -> None:
    await client.domains.create("example.com")
    await client.aliases.create("example.com", name="sales", recipients=["a@example.net"])
    listed = [alias async for alias in client.aliases.list("example.com")]
    for alias in listed:
        rebuilt = attrs.evolve(alias)  # through __init__: every field set
        assert model_html(alias) == model_html(rebuilt)
    assert ">sales<" in listed[-1]._repr_html_()


def test_values_are_escaped_and_cut() -> None:
    alias = models.Alias(
        id="1",
        name="<img src=x onerror=alert(1)>",
        description="x" * 1000,
        labels=['"><script>alert(1)</script>'],
    )
    markup = alias._repr_html_()
    tree = parse(markup)
    assert "<img" not in markup and "<script" not in markup
    assert tree.tags.count("img") == 0 and tree.tags.count("script") == 0
    assert "<img src=x onerror=alert(1)>" in tree.text
    longest = max(len(text) for text in tree.text)
    assert longest == MAX_VALUE_CHARS and "x" * (MAX_VALUE_CHARS - 1) + "…" in tree.text


@given(st.text(max_size=300), st.text(max_size=40))
def test_any_text_is_escaped_into_well_formed_html(text: str, key: str) -> None:
    alias = models.Alias(id="1", name=text, extra_fields={key: "secret value"})
    tree = parse(alias._repr_html_())
    shown = text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"
    assert shown in "".join(tree.text)
    assert "secret value" not in "".join(tree.text)


def test_secrets_hidden_in_repr_are_hidden_in_html() -> None:
    secret = "S3cret-Value-That-Must-Not-Show"
    when = datetime(2026, 1, 2, tzinfo=timezone.utc)
    objects: list[object] = [
        models.AliasCredentials(username="me@example.com", password=secret),
        models.CatchAllPasswordCredentials(id="1", username="*@example.com", password=secret),
        models.NewAccount(id="1", email="me@example.com", api_token=secret),
        models.PushToken(id="1", alias="2", platform="fcm", token=secret, created_at=when),
        models.Message(id="1", raw=secret),
        models.Alias(id="1", name="x", extra_fields={"api_token": secret}),
    ]
    for obj in objects:
        assert secret not in repr(obj)  # what the HTML follows
        markup = obj._repr_html_()  # type: ignore[attr-defined]
        assert secret not in markup and secret not in html.unescape(markup), type(obj)
    assert "api_token" in objects[-1]._repr_html_()  # type: ignore[attr-defined]
    credentials = objects[0]._repr_html_()  # type: ignore[attr-defined]
    assert "password" in credentials and html.escape("'***'") in credentials


async def test_a_page_shows_its_place_and_a_table_of_items(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser
) -> None:
    fake.add_domain(user, "example.com")
    fake.add_aliases("example.com", 30)
    page = await client.aliases.list("example.com", limit=25)
    markup = page._repr_html_()
    tree = parse(markup)
    assert "<strong>Page 1 of 2</strong>: 25 items here, 30 items in all, more pages follow" in (
        markup
    )
    assert tree.tags.count("tr") == 1 + MAX_PAGE_ROWS
    assert "… and 5 more on this page" in markup
    header = markup.split("</tr>", 1)[0]
    assert "<th" in header and ">name<" in header and ">recipients<" in header
    assert ">object<" not in header  # the default "alias" says nothing
    last = await client.aliases.list("example.com", limit=25, page=2)
    assert "5 items here, 30 items in all, last page" in last._repr_html_()


def test_an_empty_page_and_a_page_of_plain_values() -> None:
    empty: fe.Page[str] = fe.Page(
        items=[], page=1, page_count=None, item_count=None, limit=None, has_next=False
    )
    assert parse(empty._repr_html_()).tags == ["div", "strong"]
    plain = fe.Page(items=["<a>"], page=3, page_count=3, item_count=1, limit=10, has_next=False)
    markup = plain._repr_html_()
    assert "Page 3 of 3" in markup and "&#x27;&lt;a&gt;&#x27;" in markup


def test_a_bulk_summary_shows_counts_and_why_it_stopped() -> None:
    reopen = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    summary = fe.BulkSummary(
        operation="create",
        counts=fe.BulkCounts(created=290, exists=10, not_attempted=4700),
        requests=300,
        elapsed=12.34,
        stopped_by_rate_limit=True,
        resume_at=reopen,
        expected_finish=reopen.replace(day=18),
    )
    markup = summary._repr_html_()
    tree = parse(markup)
    assert "<strong>Bulk create</strong>: needs attention, 5000 items, 300 requests, 12.3s" in (
        markup
    )
    headers = markup.split("</tr>", 1)[0]
    positions = [headers.find(cell) for cell in (">created<", ">exists<", ">not_attempted<")]
    assert -1 not in positions and positions == sorted(positions)
    assert ">failed<" not in markup  # zero counts are left out
    assert "stopped at a closed rate-limit window" in markup
    assert "window reopens 2026-01-02 03:04:05+00:00" in markup
    assert "rest done by about 2026-01-18 03:04:05+00:00" in markup
    assert "290" in tree.text and "4700" in tree.text


async def test_a_bulk_run_displays_its_batch_results_and_summary(
    client: fe.ForwardEmail, fake: FakeForwardEmail, user: FakeUser
) -> None:
    fake.add_domain(user, "example.com")
    specs = [{"name": f"user{i}", "recipients": ["a@example.net"]} for i in range(3)]
    batch = client.aliases.create_many("example.com", [*specs, {"name": ""}])
    results = [result async for result in batch]
    assert "<strong>Bulk create</strong>: needs attention, 4 items" in batch._repr_html_()
    assert "<strong>Bulk create</strong>: needs attention, 4 items" in (batch.summary._repr_html_())
    good = results[0]._repr_html_()
    assert "<strong>BulkResult</strong>" in good and ">created<" in good and "user0" in good
    bad = results[-1]._repr_html_()
    assert ">failed<" in bad and "ValueError" in bad
