"""Block Kit rendering within Slack's limits, checked by round-tripping through slack_sdk.models
(which validates lengths in `to_dict()`) and by counting the blocks it does not count."""

from __future__ import annotations

import re
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.adapters.slack.render import (
    render_confirmation_modal,
    render_ephemeral,
    render_form_errors,
    render_home,
    render_messages,
    render_modal,
    split_text,
)
from bot.adapters.slack.translate import CHOICE_ACTION_PREFIX, view_to_inbound
from bot.core.messages import (
    Choice,
    Form,
    FormErrors,
    FormField,
    HomePage,
    HomeSection,
    Reply,
)
from bot.flows.prompt_bank import prompt_bank
from bot.flows.team import weekly_post_replies
from content import Content
from tests.bot.adapters.slack.harness import buttons
from tests.bot.adapters.slack.slack_text import escaped

MESSAGE_BLOCKS = 50
SURFACE_BLOCKS = 100
SECTION_TEXT = 3000
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
MODAL_TITLE = 24
HEADER_TEXT = 150
BUTTON_URL = 3000
ENTITY = re.compile(r"&(amp|lt|gt);")


def long_text(characters: int) -> str:
    """Lines of varied length, some far over a section's limit, with characters to escape."""
    pieces = []
    size = 0
    number = 0
    while size < characters:
        line = f"{number} <@U{number}> & " + "word " * (number % 7 * 160)
        pieces.append(line)
        size += len(line) + 1
        number += 1
    return "\n".join(pieces)[:characters]


def many_choices(count: int) -> tuple[Choice, ...]:
    return tuple(
        Choice(value=f"toolkit:skip:{index}:" + "v" * 2100, label=f"Choice {index} " + "L" * 80)
        for index in range(count)
    )


def check_block(block: dict[str, Any]) -> None:
    """slack_sdk validates lengths on to_dict(); the round trip must also lose nothing."""
    parsed = Block.parse(block)
    assert parsed is not None
    assert parsed.to_dict() == block
    if block["type"] == "section":
        assert len(block["text"]["text"]) <= SECTION_TEXT
    if block["type"] == "actions":
        assert len(block["elements"]) <= 25
        for element in block["elements"]:
            assert len(element["text"]["text"]) <= BUTTON_TEXT
            assert len(element.get("value", "")) <= BUTTON_VALUE
            assert len(element.get("url", "")) <= BUTTON_URL
    if block["type"] == "header":
        assert block["text"]["type"] == "plain_text"
        assert len(block["text"]["text"]) <= HEADER_TEXT


def sections_text(blocks: list[dict[str, Any]]) -> list[str]:
    return [block["text"]["text"] for block in blocks if block["type"] == "section"]


def test_a_huge_reply_with_many_long_choices_fits_in_messages_of_50_blocks() -> None:
    text = long_text(20_000)
    reply = Reply(text, choices=many_choices(60), quote=long_text(9_000), notes=("n",) * 15)

    messages = render_messages((reply,))

    assert messages
    rendered = [block for message in messages for block in message["blocks"]]
    for message in messages:
        assert len(message["blocks"]) <= MESSAGE_BLOCKS
        assert 0 < len(message["text"]) <= 3000
        for block in message["blocks"]:
            check_block(block)
    # Nothing was lost: the text, every choice in order, and at most 10 notes in a context.
    shown = "\n".join(sections_text(rendered))
    assert shown.startswith(escaped(text)[:1000])
    assert escaped(text).replace("\n", "") in shown.replace("\n", "")
    offered = buttons(rendered)
    assert len(offered) == 60
    assert [b["action_id"] for b in offered] == [f"lantern.choice.{i}" for i in range(60)]
    assert offered[59]["text"]["text"].startswith("Choice 59 ")
    [context] = [block for block in rendered if block["type"] == "context"]
    assert len(context["elements"]) == 10


def test_many_replies_are_spread_over_several_messages() -> None:
    replies = tuple(Reply(long_text(7_000), choices=many_choices(3)) for _ in range(20))

    messages = render_messages(replies)

    assert len(messages) > 1
    for message in messages:
        assert len(message["blocks"]) <= MESSAGE_BLOCKS
        for block in message["blocks"]:
            check_block(block)
    offered = buttons([block for message in messages for block in message["blocks"]])
    assert len({b["action_id"] for b in offered}) == 60  # action ids stay unique


def test_an_ephemeral_answer_is_one_message_within_50_blocks() -> None:
    replies = tuple(Reply(long_text(12_000), choices=many_choices(30)) for _ in range(8))

    body = render_ephemeral(replies)

    assert body["response_type"] == "ephemeral"
    assert len(body["blocks"]) <= MESSAGE_BLOCKS
    assert len(body["text"]) <= 3000
    for block in body["blocks"]:
        check_block(block)


def test_user_text_is_escaped_in_text_quote_notes_and_fallback() -> None:
    reply = Reply("Hi <!channel>", quote="<@U123> & <https://x.org|click>", notes=("<!here>",))

    [message] = render_messages((reply,))

    everything = str(message)
    for raw in ("<!channel>", "<@U123>", "<!here>", "<https://"):
        assert raw not in everything
    assert "&lt;!channel&gt;" in message["text"]
    assert "&gt; &lt;@U123&gt; &amp; &lt;https://x.org|click&gt;" in sections_text(
        message["blocks"]
    )


@pytest.mark.parametrize("position", range(2990, 3001))
def test_splitting_long_text_never_cuts_an_escaped_character_in_two(position: int) -> None:
    text = "a" * position + "<&>" + "b" * 4000

    chunks = split_text(escaped(text))

    for chunk in chunks:
        assert len(chunk) <= SECTION_TEXT
        leftover = ENTITY.sub("", chunk)
        assert "&" not in leftover, f"a chunk ends or starts inside an entity: {chunk[-8:]!r}"
    assert "".join(chunks) == escaped(text)


def test_a_form_with_a_long_title_and_intro_renders_a_valid_modal() -> None:
    form = Form(
        form_id="toolkit.answer",
        title="An exceedingly long modal title of 40 c",
        submit_label="Save this answer of mine now please",
        intro=long_text(15_000),
        fields=(
            FormField(
                name="answer",
                label="L" * 2500,
                multiline=True,
                max_length=3000,
                hint="H" * 2500,
                initial="I" * 3500,
            ),
            FormField(name="other", label="Other", optional=True),
        ),
        context="step-1/s1-q1" + "m" * 4000,
    )
    assert len(form.title) >= 39

    view = render_modal(form)

    assert len(view["title"]["text"]) <= MODAL_TITLE
    assert len(view["submit"]["text"]) <= MODAL_TITLE
    assert len(view["private_metadata"]) <= 3000
    assert view["callback_id"] == "lantern.toolkit.answer"
    assert len(view["blocks"]) <= SURFACE_BLOCKS
    for block in view["blocks"]:
        check_block(block)
    inputs = [block for block in view["blocks"] if block["type"] == "input"]
    assert [block["block_id"] for block in inputs] == ["answer", "other"]
    assert len(inputs[0]["element"]["initial_value"]) <= 3000
    assert View(**view).to_dict() == view


def test_a_confirmation_modal_stays_within_100_blocks() -> None:
    replies = tuple(Reply(long_text(30_000), choices=many_choices(30)) for _ in range(5))

    view = render_confirmation_modal(
        "A title that is far too long", "Close this now please", replies
    )

    assert len(view["blocks"]) <= SURFACE_BLOCKS
    assert len(view["title"]["text"]) <= MODAL_TITLE
    assert len(view["close"]["text"]) <= MODAL_TITLE
    for block in view["blocks"]:
        check_block(block)
    assert View(**view).to_dict() == view


def test_form_errors_are_clipped_to_slacks_limit() -> None:
    body = render_form_errors(FormErrors({"reflection": "e" * 2500}))

    assert body["response_action"] == "errors"
    assert len(body["errors"]["reflection"]) <= 2000


def test_a_huge_home_page_stays_within_100_blocks() -> None:
    sections = tuple(
        HomeSection(
            heading=f"*Section {number}*",
            lines=tuple(f"<line {i}> & " + "z" * 490 for i in range(20)),
            choices=many_choices(30),
        )
        for number in range(10)
    )
    page = HomePage(title="T" * 200, sections=sections)

    view = render_home(page)

    assert view["type"] == "home"
    assert len(view["blocks"]) <= SURFACE_BLOCKS
    assert len(view["blocks"][0]["text"]["text"]) <= 150
    for block in view["blocks"]:
        check_block(block)
        if block["type"] == "section":
            assert "<line" not in block["text"]["text"]
    assert View(**view).to_dict() == view
    assert "*Section 0*" in "\n".join(sections_text(view["blocks"]))


@pytest.mark.parametrize("position", range(2994, 3000))
def test_a_clipped_notification_text_never_ends_inside_an_escaped_character(
    position: int,
) -> None:
    [message] = render_messages((Reply("a" * position + "&&&&&&&&"),))

    text = message["text"]
    assert len(text) <= 3000
    assert text.endswith("…")
    assert "&" not in ENTITY.sub("", text)


def test_choice_fields_become_selects_and_checkboxes_that_slack_accepts() -> None:
    form = Form(
        form_id="toolkit.work.venn",
        title="An item to map",
        submit_label="Save",
        fields=(
            FormField(name="label", label="Item"),
            FormField(
                name="circles",
                label="Which circles?",
                options=(("district", "District"), ("school", "School"), ("library", "Library")),
                multiple=True,
                initial="school,library",
            ),
            FormField(
                name="position",
                label="0 is fixed, 10 is growth",
                options=tuple((str(n), str(n)) for n in range(11)),
                optional=True,
            ),
        ),
        context="venn",
    )
    view = render_modal(form)
    assert View(**view).to_dict() == view  # slack_sdk validates every limit on the way
    elements = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert elements["circles"]["type"] == "checkboxes"
    assert [o["value"] for o in elements["circles"]["initial_options"]] == ["school", "library"]
    assert elements["position"]["type"] == "static_select"
    assert len(elements["position"]["options"]) == 11

    submitted = {
        "type": "view_submission",
        "team": {"id": "T1"},
        "user": {"id": "U1"},
        "view": {
            **view,
            "state": {
                "values": {
                    "label": {"value": {"type": "plain_text_input", "value": "media literacy"}},
                    "circles": {
                        "value": {
                            "type": "checkboxes",
                            "selected_options": [{"value": "district"}, {"value": "library"}],
                        }
                    },
                    "position": {
                        "value": {"type": "static_select", "selected_option": {"value": "7"}}
                    },
                }
            },
        },
    }
    inbound = view_to_inbound(submitted)
    assert dict(inbound.form) == {
        "label": "media literacy",
        "circles": "district,library",
        "position": "7",
    }


def test_copyable_text_is_preformatted_escaped_and_cannot_end_its_block() -> None:
    reply = Reply("Sample email", copyable="Dear [building leader],\n<b>```ok```</b> & thanks")
    [message] = render_messages((reply,))
    texts = [b["text"]["text"] for b in message["blocks"]]
    copy = texts[1]
    assert copy.startswith("```")
    assert copy.endswith("```")
    assert copy.count("```") == 2
    assert "&lt;b&gt;" in copy
    assert "&amp; thanks" in copy
    for block in message["blocks"]:
        assert Block.parse(block).to_dict() == block


# -- headings, prefaces and links (the weekly team prompt) -----------------------------------


def test_a_preface_and_heading_come_before_the_text_and_stay_within_limits() -> None:
    heading = "Service + Privacy <&> " + "H" * 300
    reply = Reply("The text <!channel>", heading=heading, preface="3 people & <!here> replied")

    [message] = render_messages((reply,))

    blocks = message["blocks"]
    for block in blocks:
        check_block(block)
    assert [block["type"] for block in blocks[:3]] == ["context", "header", "section"]
    assert blocks[0]["elements"][0]["text"] == "3 people &amp; &lt;!here&gt; replied"
    shown_heading = blocks[1]["text"]["text"]
    assert len(shown_heading) == HEADER_TEXT
    assert shown_heading.startswith("Service + Privacy <&> HHH")  # plain text: shown as typed
    assert shown_heading.endswith("…")
    assert blocks[2]["text"]["text"] == "The text &lt;!channel&gt;"
    # The notification names the heading too, escaped like all the rest.
    assert message["text"].startswith("Service + Privacy &lt;&amp;&gt; HHH")
    assert "The text &lt;!channel&gt;" in message["text"]
    assert len(message["text"]) <= 3000


def test_a_link_is_a_url_button_that_the_choice_listener_never_takes() -> None:
    url = "https://lantern-test.slack.com/archives/C1/p1700000000000100?thread_ts=1700000000.000100"
    replies = (
        Reply("Reply in the thread.", link=("Open the thread " + "L" * 100, url)),
        Reply("And another.", link=("Open", url + "&x=" + "y" * 4000), choices=many_choices(2)),
    )

    body = render_ephemeral(replies)

    for block in body["blocks"]:
        check_block(block)
    links = [b for b in buttons(body["blocks"]) if "url" in b]
    choices = [b for b in buttons(body["blocks"]) if "url" not in b]
    assert [link["url"] for link in links] == [url, (url + "&x=" + "y" * 4000)[:BUTTON_URL]]
    assert links[0]["text"]["text"].startswith("Open the thread ")
    assert all("value" not in link for link in links)
    ids = [b["action_id"] for b in links]
    assert len(set(ids)) == 2  # unique within the one ephemeral message
    assert not any(action_id.startswith(CHOICE_ACTION_PREFIX) for action_id in ids)
    assert all(b["action_id"].startswith(CHOICE_ACTION_PREFIX) for b in choices)
    assert len(choices) == 2


def test_a_huge_reply_with_a_heading_preface_and_link_still_fits_in_messages_of_50_blocks() -> None:
    reply = Reply(
        long_text(30_000),
        heading="Theme",
        preface="Recap",
        link=("Open", "https://example.org"),
        choices=many_choices(60),
        notes=("n",) * 3,
    )

    messages = render_messages((reply,))

    rendered = [block for message in messages for block in message["blocks"]]
    for message in messages:
        assert len(message["blocks"]) <= MESSAGE_BLOCKS
        for block in message["blocks"]:
            check_block(block)
    assert [block["type"] for block in rendered[:2]] == ["context", "header"]
    assert len([b for b in buttons(rendered) if "url" in b]) == 1
    assert len([b for b in buttons(rendered) if "url" not in b]) == 60
    ephemeral = render_ephemeral((reply,))
    assert len(ephemeral["blocks"]) <= MESSAGE_BLOCKS


@pytest.mark.parametrize("recap", [None, 0, 1, 12])
def test_every_weekly_post_as_rendered_passes_the_block_kit_checks(
    content: Content, recap: int | None
) -> None:
    for prompt in prompt_bank(content):
        replies = weekly_post_replies(content, prompt, recap_count=recap, first=recap is None)

        [message] = render_messages(replies)

        blocks = message["blocks"]
        assert len(blocks) <= MESSAGE_BLOCKS
        for block in blocks:
            check_block(block)
        header = next(block for block in blocks if block["type"] == "header")
        heading = content.prompts.heading.format(theme=prompt.theme_name)
        assert header["text"]["text"] == heading, "a heading too long for Slack was clipped"
        assert message["text"].startswith(escaped(heading))
        assert (blocks[0]["type"] == "context") is (recap is not None)
        offered = buttons(blocks)
        assert [b["value"] for b in offered] == ["team:reply:", f"reflect:prompt:{prompt.id}"]
