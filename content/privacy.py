"""Model of the privacy wording (content/data/privacy.yaml): the data export and forgetting."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from pydantic import Field

from content.base import Label, Templates, Text
from content.plural import Plural


class ExportWords(Templates):
    """The data file that joins the Reflection Guide in every export."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "ready": frozenset({"filename"}),
        "guide_note": frozenset({"filename"}),
    }

    ready: Text  # after the export's own words, in the same message
    guide_note: Text  # printed in the guide (Markdown and Word) under its title


class ForgetWords(Templates):
    """Asking, confirming and reporting `/coach forget`."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "item": frozenset({"what"}),
        "team_prompts": frozenset({"channels"}),
        "team_prompts_stopped": frozenset({"channels"}),
        "channel": frozenset({"channel"}),
    }

    heading: Text
    ask: Text
    item: Text  # one line of a list of what goes, `{what}` from the kinds
    settings: Text  # the person's own row: always in the list
    team_prompts: Text
    stays: Text
    export_first: Text
    confirm: Label
    keep: Label
    kept: Text
    done_heading: Text
    done: Text
    team_prompts_stopped: Text
    fresh: Text
    stale: Text
    expired: Text  # the confirm pressed more than an hour after the request
    channel: Text  # how a channel is named in a list of channels
    home_line: Text  # the last line of the App Home's commands, above its two buttons
    home_export: Label
    home_forget: Label


class PrivacyText(Templates):
    """Everything Lantern says about the data it keeps."""

    # One entry per table of a person's rows, in the order they are listed (a test checks that
    # every such table has one: a new table must be named here before it can be deleted).
    kinds: dict[str, Plural] = Field(min_length=1)  # how many rows of one kind, `{count}`
    export: ExportWords
    forget: ForgetWords
