"""The neutral vocabulary survives its trip through JSON, bytes and nested forms included."""

from __future__ import annotations

import json

from bot.core.codec import dumps, load_home, load_inbound, load_replies
from bot.core.messages import (
    Choice,
    FileAttachment,
    Form,
    FormField,
    HomePage,
    HomeSection,
    Image,
    Inbound,
    InboundKind,
    Reply,
)


def test_an_inbound_with_a_form_comes_back_equal() -> None:
    inbound = Inbound(
        platform="slack",
        workspace_id="T1",
        user_id="U1",
        kind=InboundKind.FORM,
        form_id="checkin.log",
        form={"notes": "we talked <about> & more", "when": "2026-12-03"},
        form_context="7",
        event_id="Ev1",
        time_zone="America/Chicago",
        is_admin=True,
        coach_in_channel=None,
    )
    assert load_inbound(dumps(inbound)) == inbound


def test_replies_with_choices_a_form_pictures_and_files_come_back_equal() -> None:
    form = Form(
        form_id="reflect.today",
        title="Reflect",
        submit_label="Save",
        fields=(
            FormField("text", "What happened?", multiline=True, max_length=3000),
            FormField("kind", "Kind", options=(("a", "A"), ("b", "B")), multiple=True),
            FormField("when", "When", date=True, optional=True, initial="2026-12-07"),
        ),
        intro="One thing at a time.",
    )
    replies = (
        Reply(
            "Hello *there*",
            choices=(Choice("toolkit:open:step-1", "Open", style="primary"),),
            quote="said before",
            notes=("a note",),
            link=("Read", "https://example.org/x"),
            replaces=True,
        ),
        Reply("", form=form),
        Reply(
            "Your export",
            images=(Image("chart.png", b"\x89PNG\x00\xff", "a radar chart", title="Radar"),),
            files=(FileAttachment("guide.docx", bytes(range(256)), "Your guide"),),
        ),
    )
    text = dumps(replies)
    json.loads(text)  # plain JSON, storable in a text column
    assert load_replies(text) == replies


def test_a_home_page_comes_back_equal() -> None:
    page = HomePage(
        title="Home",
        sections=(HomeSection("Next", ("one", "two"), (Choice("coach:help:", "Help"),)),),
    )
    assert load_home(dumps(page)) == page
