"""The neutral vocabulary: what arrives from a person and what the coach says back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from bot.core.storable import make_fields_storable


class InboundKind(StrEnum):
    TEXT = "text"  # a message typed in a conversation with the coach
    COMMAND = "command"  # a slash command: `command` names it, `text` holds its arguments
    CHOICE = "choice"  # a button or numbered option: `choice` holds its value
    FORM = "form"  # a submitted form: `form_id` and `form` hold what was filled in
    FORM_CLOSED = "form_closed"  # a form was dismissed without submitting it
    # One field of a form, answered on its own (the terminal asks field by field): `form_id`,
    # `form_context`, `field` and `form` (the values so far, this one included) say which.
    FORM_FIELD = "form_field"
    HOME = "home"  # the person opened their home surface


@dataclass(frozen=True)
class Inbound:
    """One thing a person did, already translated from the platform's payload."""

    platform: str
    workspace_id: str
    user_id: str
    kind: InboundKind
    text: str = ""
    command: str | None = None
    choice: str | None = None
    form_id: str | None = None
    form: Mapping[str, str] = field(default_factory=dict)
    form_context: str = ""
    field: str | None = None  # the field a FORM_FIELD checks
    event_id: str | None = None
    time_zone: str | None = None
    reachable_later: bool = False  # the platform can message the person on its own (reminders)
    # Where it happened when that was a shared channel (not a DM, not the terminal): a team's
    # weekly prompt is set up there. Whether the coach is a member of that channel, and whether
    # the person is a workspace admin, when the platform was asked (None: not asked).
    channel_id: str | None = None
    channel_name: str | None = None
    coach_in_channel: bool | None = None
    is_admin: bool | None = None
    # A link that opens the message the person acted on, with its thread (a button's message).
    message_link: str | None = None
    # Characters no database can keep (a NUL) were taken out of what was sent: the coach
    # keeps the rest and says so, where the turn would otherwise fail on every try.
    removed_characters: bool = False

    def __post_init__(self) -> None:
        if make_fields_storable(self):
            object.__setattr__(self, "removed_characters", True)


@dataclass(frozen=True)
class Choice:
    """An option offered to the person; `value` is routed back as an Inbound CHOICE."""

    value: str
    label: str
    style: Literal["primary", "danger"] | None = None


@dataclass(frozen=True)
class FormField:
    """A text field, or with `options` a choice of one (or, with `multiple`, of several), or
    with `date` a calendar date.

    Values come back as text; several chosen values are joined with commas.
    """

    name: str
    label: str
    multiline: bool = False
    optional: bool = False
    max_length: int | None = None
    hint: str | None = None
    initial: str | None = None
    options: tuple[tuple[str, str], ...] = ()  # (value, label)
    multiple: bool = False
    date: bool = False  # a calendar date; comes back as YYYY-MM-DD (Slack: a date picker)
    time: bool = False  # with `options`: times of day, each value minutes after midnight
    # (another field's name, its value): this field matters only when that field has that value.
    # A modal shows it anyway, with its hint; the terminal, asking one field after another,
    # does not ask it otherwise.
    only_when: tuple[str, str] | None = None
    # A field's name: each option belongs to one answer of that field (its value starts with
    # that answer and "/"). A modal offers them all; the terminal only those of the answer given.
    options_of: str | None = None


@dataclass(frozen=True)
class Form:
    """A small form; Slack shows it as a modal, the terminal as prompts one after another."""

    form_id: str
    title: str
    submit_label: str
    fields: tuple[FormField, ...]
    intro: str | None = None
    context: str = ""


UPLOAD_TITLE_LIMIT = 80
"""A picture's title shows above it; a long description belongs in its alt text."""


@dataclass(frozen=True)
class Image:
    filename: str
    data: bytes
    alt_text: str  # what the picture shows, for people who cannot see it
    title: str = ""  # a short caption (default: the start of the alt text)


@dataclass(frozen=True)
class FileAttachment:
    filename: str
    data: bytes
    title: str


@dataclass(frozen=True)
class Reply:
    """Something the coach says. Text uses *bold* and _italic_; adapters escape it all."""

    text: str
    choices: tuple[Choice, ...] = ()
    form: Form | None = None
    images: tuple[Image, ...] = ()
    files: tuple[FileAttachment, ...] = ()
    quote: str | None = None
    notes: tuple[str, ...] = ()
    copyable: str | None = None  # text to copy as it is (a sample email), shown preformatted
    replaces: bool = False  # a new state of the message the person acted on (a checklist)
    heading: str | None = None  # a title shown large above the text (Slack: a header block)
    preface: str | None = None  # a small line above the heading (last week's recap)
    link: tuple[str, str] | None = None  # (label, url): something to open, shown as a button


@dataclass(frozen=True)
class FormErrors:
    """A submitted form is refused; each message belongs under its field."""

    errors: Mapping[str, str]


@dataclass(frozen=True)
class HomeSection:
    heading: str
    lines: tuple[str, ...] = ()
    choices: tuple[Choice, ...] = ()


@dataclass(frozen=True)
class HomePage:
    """A person's home surface (Slack's App Home): what's next and their latest reflections."""

    title: str
    sections: tuple[HomeSection, ...]


@dataclass(frozen=True)
class Outcome:
    """What the engine hands an adapter after a turn."""

    replies: tuple[Reply, ...] = ()
    form_errors: FormErrors | None = None
    home: HomePage | None = None
    duplicate: bool = False
    waiting: bool = False  # the flow now waits for the person's next message
    failed: bool = False  # nothing was stored; the replies say so and ask to try again
    needs_time_zone: bool = False  # the person's IANA time zone is not known yet
    # The turn is kept to be taken after the acknowledgement (slow work, or earlier turns of
    # the person still being taken); the replies say where its answer will arrive.
    later: bool = False
