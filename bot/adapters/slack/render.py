"""Neutral replies, forms and home pages rendered as Block Kit, always within Slack's limits."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    DatePickerElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    InputInteractiveElement,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticMultiSelectElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.adapters.slack.translate import (
    CHOICE_ACTION_PREFIX,
    FIELD_ACTION_ID,
    FORM_CALLBACK_PREFIX,
    LINK_ACTION_PREFIX,
)
from bot.core.messages import Choice, Form, FormErrors, FormField, HomePage, Reply

SECTION_TEXT_LIMIT = 3000
MESSAGE_BLOCK_LIMIT = 50
SURFACE_BLOCK_LIMIT = 100
BUTTONS_PER_ACTIONS = 25
FALLBACK_TEXT_LIMIT = 3000
MODAL_TITLE_LIMIT = 24
METADATA_LIMIT = 3000
HEADER_LIMIT = 150
OPTIONS_LIMIT = 100
CHECKBOXES_LIMIT = 10
BUTTON_TEXT_LIMIT = 75
BUTTON_URL_LIMIT = 3000
CONTEXT_TEXT_LIMIT = 3000


def escape(text: str) -> str:
    """Slack's escaping: user text can never become a mention, a link or `<!channel>`."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> int:
    """Where to cut `text` at most `limit` characters in, never inside `&amp;`, `&lt;`, `&gt;`."""
    start = text.rfind("&", max(1, limit - 4), limit)
    if start != -1 and text.find(";", start, limit) == -1:
        return start
    return limit


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: _cut(text, limit - 1)] + "…"


def split_text(text: str, limit: int = SECTION_TEXT_LIMIT) -> list[str]:
    """Split on line breaks where possible so no section exceeds Slack's 3000 characters."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            cut = _cut(line, limit)
            chunks.append(line[:cut])
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        chunks.append(current)
    return [chunk for chunk in chunks if chunk.strip()] or ["\u200b"]


def _sections(text: str) -> list[Block]:
    return [SectionBlock(text=MarkdownTextObject(text=chunk)) for chunk in split_text(text)]


def _sections_preformatted(text: str) -> list[Block]:
    fence = "```"
    return [
        SectionBlock(text=MarkdownTextObject(text=f"{fence}{chunk}{fence}"))
        for chunk in split_text(text, SECTION_TEXT_LIMIT - 2 * len(fence))
    ]


def _quote(text: str) -> str:
    return "\n".join(f"&gt; {line}" if line else "&gt;" for line in escape(text).split("\n"))


def _buttons(choices: tuple[Choice, ...], offset: int = 0) -> list[Block]:
    blocks: list[Block] = []
    for start in range(0, len(choices), BUTTONS_PER_ACTIONS):
        group = choices[start : start + BUTTONS_PER_ACTIONS]
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text=PlainTextObject(
                            text=_clip(choice.label, BUTTON_TEXT_LIMIT), emoji=True
                        ),
                        action_id=f"{CHOICE_ACTION_PREFIX}{offset + start + index}",
                        value=choice.value[:2000],
                        style=choice.style,
                    )
                    for index, choice in enumerate(group)
                ]
            )
        )
    return blocks


def _link_button(label: str, url: str, number: int) -> Block:
    """A button that opens a URL; its action id is not a choice, so its press is only acked."""
    return ActionsBlock(
        elements=[
            ButtonElement(
                text=PlainTextObject(text=_clip(label, BUTTON_TEXT_LIMIT), emoji=True),
                action_id=f"{LINK_ACTION_PREFIX}{number}",
                url=url[:BUTTON_URL_LIMIT],
            )
        ]
    )


def reply_blocks(reply: Reply, offset: int = 0, *, number: int = 0) -> list[Block]:
    """A reply's blocks: its preface and heading, text, quote, copyable text, notes, link and
    buttons. `offset` numbers its buttons after earlier replies', `number` its link."""
    blocks: list[Block] = []
    if reply.preface:
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text=_clip(escape(reply.preface), CONTEXT_TEXT_LIMIT))]
            )
        )
    if reply.heading:
        blocks.append(HeaderBlock(text=PlainTextObject(text=_clip(reply.heading, HEADER_LIMIT))))
    blocks += _sections(escape(reply.text))
    if reply.quote:
        blocks += _sections(_quote(reply.quote))
    if reply.copyable:
        # Preformatted, so it can be copied as it is; ``` inside cannot end the block early.
        copy = escape(reply.copyable).replace("```", "ʼʼʼ")
        blocks += _sections_preformatted(copy)
    if reply.notes:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(text=_clip(escape(n), CONTEXT_TEXT_LIMIT))
                    for n in reply.notes[:10]
                ]
            )
        )
    if reply.link is not None:
        blocks.append(_link_button(*reply.link, number))
    blocks += _buttons(reply.choices, offset)
    return blocks


def fallback_text(replies: tuple[Reply, ...]) -> str:
    """The notification text: plain, escaped, short; a reply's heading comes first."""
    said = " ".join(
        f"{reply.heading}: {reply.text}" if reply.heading else reply.text for reply in replies
    )
    return _clip(escape(said), FALLBACK_TEXT_LIMIT)


def render_messages(replies: tuple[Reply, ...]) -> list[dict[str, Any]]:
    """One or more chat.postMessage payloads (text and blocks), each within 50 blocks."""
    messages: list[dict[str, Any]] = []
    current: list[Block] = []
    current_replies: list[Reply] = []
    buttons = 0
    for number, reply in enumerate(replies):
        blocks = reply_blocks(reply, offset=buttons, number=number)
        if current and len(current) + len(blocks) > MESSAGE_BLOCK_LIMIT:
            messages.append(_message(current, current_replies))
            current, current_replies = [], []
        while len(blocks) > MESSAGE_BLOCK_LIMIT:
            messages.append(_message(blocks[:MESSAGE_BLOCK_LIMIT], [reply]))
            blocks = blocks[MESSAGE_BLOCK_LIMIT:]
        current += blocks
        current_replies.append(reply)
        buttons += len(reply.choices)
    if current:
        messages.append(_message(current, current_replies))
    return messages


def _message(blocks: list[Block], replies: list[Reply]) -> dict[str, Any]:
    return {
        "text": fallback_text(tuple(replies)),
        "blocks": [block.to_dict() for block in blocks],
    }


def render_ephemeral(replies: tuple[Reply, ...]) -> dict[str, Any]:
    """A slash command's immediate answer: one ephemeral message, however many replies."""
    messages = render_messages(replies)
    blocks = [block for message in messages for block in message["blocks"]]
    if len(blocks) > MESSAGE_BLOCK_LIMIT:
        more = ContextBlock(elements=[MarkdownTextObject(text="…")]).to_dict()
        blocks = [*blocks[: MESSAGE_BLOCK_LIMIT - 1], more]
    return {"response_type": "ephemeral", "text": fallback_text(replies), "blocks": blocks}


def render_modal(form: Form) -> dict[str, Any]:
    blocks: list[Block] = []
    if form.intro:
        blocks += _sections(escape(form.intro))
    for field in form.fields:
        element = _input_element(field)
        blocks.append(
            InputBlock(
                block_id=field.name,
                label=PlainTextObject(text=_clip(field.label, 2000)),
                element=element,
                hint=PlainTextObject(text=_clip(field.hint, 2000)) if field.hint else None,
                optional=field.optional,
            )
        )
    view = View(
        type="modal",
        callback_id=f"{FORM_CALLBACK_PREFIX}{form.form_id}",
        title=PlainTextObject(text=_clip(form.title, MODAL_TITLE_LIMIT)),
        submit=PlainTextObject(text=_clip(form.submit_label, MODAL_TITLE_LIMIT)),
        private_metadata=form.context[:METADATA_LIMIT],
        notify_on_close=True,
        blocks=blocks[:SURFACE_BLOCK_LIMIT],
    )
    return view.to_dict()


def _input_element(field: FormField) -> InputInteractiveElement:
    """A text input, a date picker, a single choice (static select) or several (checkboxes,
    or a multi-select when there are more options than checkboxes allow)."""
    if field.date:
        return DatePickerElement(
            action_id=FIELD_ACTION_ID, initial_date=_iso_date_or_none(field.initial)
        )
    if not field.options:
        return PlainTextInputElement(
            action_id=FIELD_ACTION_ID,
            multiline=field.multiline,
            max_length=field.max_length,
            initial_value=field.initial[:3000] if field.initial else None,
        )
    options = [
        Option(value=value[:150], text=PlainTextObject(text=_clip(label, 75)))
        for value, label in field.options[:OPTIONS_LIMIT]
    ]
    chosen = set((field.initial or "").split(",")) if field.initial else set()
    initial = [option for option in options if option.value in chosen]
    if field.multiple and len(options) > CHECKBOXES_LIMIT:
        return StaticMultiSelectElement(
            action_id=FIELD_ACTION_ID, options=options, initial_options=initial or None
        )
    if field.multiple:
        return CheckboxesElement(
            action_id=FIELD_ACTION_ID, options=options, initial_options=initial or None
        )
    return StaticSelectElement(
        action_id=FIELD_ACTION_ID,
        options=options,
        initial_option=initial[0] if initial else None,
    )


def _iso_date_or_none(text: str | None) -> str | None:
    try:
        return date.fromisoformat(text).isoformat() if text else None
    except ValueError:
        return None


def render_confirmation_modal(title: str, close: str, replies: tuple[Reply, ...]) -> dict[str, Any]:
    blocks: list[Block] = []
    buttons = 0
    for number, reply in enumerate(replies):
        blocks += reply_blocks(reply, offset=buttons, number=number)
        buttons += len(reply.choices)
    view = View(
        type="modal",
        title=PlainTextObject(text=_clip(title, MODAL_TITLE_LIMIT)),
        close=PlainTextObject(text=_clip(close, MODAL_TITLE_LIMIT)),
        blocks=blocks[:SURFACE_BLOCK_LIMIT],
    )
    return view.to_dict()


def render_form_errors(errors: FormErrors) -> dict[str, Any]:
    return {
        "response_action": "errors",
        "errors": {name: _clip(message, 2000) for name, message in errors.errors.items()},
    }


def render_home(page: HomePage) -> dict[str, Any]:
    """The App Home view; sections are cut from the end so it never passes 100 blocks."""
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=_clip(page.title, HEADER_LIMIT)))]
    offset = 0
    for section in page.sections:
        part: list[Block] = [DividerBlock()]
        part += _sections(escape("\n".join((section.heading, *section.lines))))
        part += _buttons(section.choices, offset)
        offset += len(section.choices)
        if len(blocks) + len(part) > SURFACE_BLOCK_LIMIT:
            break
        blocks += part
    return View(type="home", blocks=blocks).to_dict()
