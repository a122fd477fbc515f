"""Model of the coach's own wording (content/data/coach.yaml): commands, replies, errors."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import ClassVar, Self

from pydantic import Field, field_validator, model_validator

from content.base import ContentModel, Label, Templates, Text, placeholders
from content.plural import Plural


class CommandHelp(ContentModel):
    """One line of `/coach help`: the usage and what it does."""

    usage: Text
    description: Text = Field(max_length=140)


class SlashCommand(ContentModel):
    """A slash command as the Slack app manifest declares it (shown in Slack's autocomplete)."""

    description: Text = Field(max_length=100)
    usage_hint: Text = Field(max_length=100)


SLASH_COMMAND = re.compile(r"/[a-z0-9_-]{1,31}")
SUB_COMMAND = re.compile(r"[^\sA-Z]+")


class CommandWords(ContentModel):
    """What people type to reach each flow's commands, by the ids the flows declare them with
    (bot/flows): translating a word here moves the command, with no change in the code."""

    menu: Text  # the slash command whose first word names one of `sub`, like /coach
    slash: dict[str, Text]  # a command of its own, like /reflect
    sub: dict[str, Text]  # the first word after `menu`, lower-case
    # A command's own first words (`/coach plan balance`), by the ids its flow declares them
    # with: command id -> argument id -> the word people type.
    arguments: dict[str, dict[str, Text]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _words_are_commands_once_each(self) -> Self:
        for word in (self.menu, *self.slash.values()):
            if not SLASH_COMMAND.fullmatch(word):
                raise ValueError(f"{word!r} is not a slash command name like /reflect")
        for word in self.sub.values():
            if not SUB_COMMAND.fullmatch(word):
                raise ValueError(f"{word!r} is not one lower-case word")
        for words in (
            [self.menu, *self.slash.values()],
            list(self.sub.values()),
            *(list(named.values()) for named in self.arguments.values()),
        ):
            twice = sorted({word for word in words if words.count(word) > 1})
            if twice:
                raise ValueError(f"{', '.join(twice)} would name two commands")
        for named in self.arguments.values():
            for word in named.values():
                if not SUB_COMMAND.fullmatch(word):
                    raise ValueError(f"{word!r} is not one lower-case word")
        return self


class Keywords(ContentModel):
    """Words that mean the same in every flow, typed as a whole answer (compared as
    bot.core.text.keyword_in does: case, spaces and a trailing . or ! aside). An answer that is
    one of them is never kept as an answer; quoted ("skip"), it is the word itself."""

    cancel: tuple[Text, ...] = Field(min_length=1)
    pause: tuple[Text, ...] = Field(min_length=1)
    resume: tuple[Text, ...] = Field(min_length=1)
    help: tuple[Text, ...] = Field(min_length=1)
    skip: tuple[Text, ...] = Field(min_length=1)  # leave this question unanswered, go on
    back: tuple[Text, ...] = Field(min_length=1)  # the question before this one
    more: tuple[Text, ...] = Field(min_length=1)  # the rest of what this part offers

    def by_id(self) -> dict[str, tuple[str, ...]]:
        """Each keyword's id (cancel, pause, resume, help, skip, back, more) and its words."""
        return {name: tuple(getattr(self, name)) for name in type(self).model_fields}

    @model_validator(mode="after")
    def _each_word_means_one_thing(self) -> Self:
        seen: dict[str, str] = {}
        for keyword_id, words in self.by_id().items():
            for word in words:
                said = " ".join(word.split()).rstrip(".!").rstrip().casefold()
                if not said:
                    raise ValueError(f"an empty word for {keyword_id}")
                if seen.setdefault(said, keyword_id) != keyword_id:
                    raise ValueError(f"{word!r} means both {seen[said]} and {keyword_id}")
        return self


class DateWordsText(ContentModel):
    """How dates, times and runs of days may be typed in forms (bot/core/parsing.py)."""

    weekdays: tuple[tuple[Text, ...], ...] = Field(min_length=7, max_length=7)
    months: tuple[tuple[Text, ...], ...] = Field(min_length=12, max_length=12)
    today: tuple[Text, ...]
    yesterday: tuple[Text, ...]
    tomorrow: tuple[Text, ...]
    last: tuple[Text, ...]
    next: tuple[Text, ...]
    ago: tuple[Text, ...]
    days: tuple[Text, ...]
    weeks: tuple[Text, ...]
    every: tuple[Text, ...]
    am: tuple[Text, ...]
    pm: tuple[Text, ...]
    range_words: tuple[Text, ...]


class Labels(ContentModel):
    your_plan: Text = Field(max_length=75)
    add_relationship: Text = Field(max_length=75)
    log_checkin: Text = Field(max_length=75)
    action_plan: Text = Field(max_length=75)
    start_toolkit: Text = Field(max_length=75)
    continue_toolkit: Text = Field(max_length=75)
    reflect: Text = Field(max_length=75)
    reflections: Text = Field(max_length=75)
    help: Text = Field(max_length=75)
    skip: Text = Field(max_length=75)
    back: Text = Field(max_length=75)
    answer_in_form: Text = Field(max_length=75)
    pause: Text = Field(max_length=75)
    next_step: Text = Field(max_length=75)
    more_in_step: Text = Field(max_length=75)
    checklist: Text = Field(max_length=75)
    questions: Text = Field(max_length=75)
    tips: Text = Field(max_length=75)
    think_out_loud: Text = Field(max_length=75)
    current_conversation: Text = Field(max_length=75)
    summary: Text = Field(max_length=75)
    restart_step: Text = Field(max_length=75)
    add_record: Text = Field(max_length=75)
    fill_in: Text = Field(max_length=75)
    remove_record: Text = Field(max_length=60)
    done_with_work: Text = Field(max_length=75)
    remind_3: Text = Field(max_length=75)
    remind_7: Text = Field(max_length=75)
    remind_none: Text = Field(max_length=75)
    remind_me: Text = Field(max_length=75)
    export: Text = Field(max_length=75)
    answer_now: Text = Field(max_length=75)


class GeneralText(ContentModel):
    welcome: Text
    help_heading: Text
    help_footer: Text
    unknown_command: Text
    cancelled: Text
    paused: Text
    nothing_to_resume: Text
    nothing_to_cancel: Text
    nothing_to_pause: Text
    # A keyword that means nothing where the person is: said kindly, and the question waits.
    nothing_to_skip: Text
    nothing_to_go_back_to: Text
    nothing_more: Text
    quote_to_answer: Text  # {word}: the word as typed
    help_in_flow: Text
    draft_kept: Text
    stale_choice: Text
    continue_in_dm: Text
    # Said after a turn when characters no database can keep (a NUL) were left out of it.
    removed_characters: Text


class ErrorText(ContentModel):
    database: Text
    unexpected: Text
    # Said by Slack's request handling when a workspace's install is gone (uninstalled).
    not_installed: Text


class ReflectText(ContentModel):
    prompt_sources: tuple[Text, ...] = Field(min_length=1)
    max_length: int = Field(ge=100, le=3000)
    today_intro: Text
    form_title: Text = Field(max_length=24)
    form_submit: Text = Field(max_length=24)
    form_close: Text = Field(max_length=24)
    form_label: Text = Field(max_length=2000)
    form_hint: Text = Field(max_length=2000)
    saved: Text
    saved_free: Text
    privacy_note: Text
    empty: Text
    no_words: Text
    too_long: Text
    history_heading: Text
    history_empty: Text
    history_item: Text
    history_prompt: Text

    @field_validator("too_long")
    @classmethod
    def _too_long_names_limit(cls, value: str) -> str:
        if not {"limit", "length"} <= placeholders(value):
            raise ValueError("must mention {limit} and {length}")
        return value


class ToolkitText(ContentModel):
    first_step: Text
    step_heading: Text
    competencies_heading: Text
    checklist_heading: Text
    question: Text
    example: Text
    example_labelled: Text
    your_answer: Text
    follow_up: Text
    answer_saved: Text
    skipped: Text
    at_first_question: Text
    resumed: Text
    step_done: Text
    step_so_far: Text
    summary_item: Text
    summary_skipped: Text
    next_step: Text
    toolkit_done: Text
    unknown_step: Text
    form_title: Text = Field(max_length=24)
    form_submit: Text = Field(max_length=24)
    empty_answer: Text
    too_long: Text
    overview_heading: Text
    overview_line: Text
    mark_done: Text
    mark_started: Text
    mark_new: Text
    continue_label: Text
    open_label: Text
    menu_heading: Text
    questions_done: Text
    checklist_line: Text
    ticked_mark: Text
    unticked_mark: Text
    tick_label: Text
    untick_label: Text
    tips_heading: Text
    copy_hint: Text
    no_tips: Text
    think_heading: Text
    think_question: Text
    think_done: Text
    no_think: Text
    work_heading: Text
    work_empty: Text
    work_line: Text
    work_field: Text
    work_full: Text
    work_saved: Text
    work_removed: Text
    work_missing: Text
    field_required: Text
    field_too_long: Text
    field_unknown_choice: Text
    summary_work_heading: Text
    summary_edit_label: Text = Field(max_length=75)
    summary_versions_label: Text = Field(max_length=75)  # {position}: the question's
    versions_heading: Text  # {position}, {question}
    version_line: Text  # {when}: version_when; {text}: the version
    version_when: Text  # {day}: as nudges' day_text; {time}: 24-hour, the person's zone
    no_versions: Text
    remind_offer: Text
    remind_set: Text
    remind_off: Text
    reminder: Text
    export_preparing: Text
    export_ready: Text
    guide_title: Text
    guide_subtitle: Text
    guide_step_heading: Text
    guide_checklist: Text
    guide_questions: Text
    guide_not_answered: Text
    guide_work: Text
    guide_pictures: Text
    guide_reflections: Text
    guide_no_reflections: Text
    guide_assessments: Text
    guide_ticked: Text
    guide_unticked: Text


class HomeText(ContentModel):
    title: Text
    next_heading: Text
    next_start: Text
    next_continue: Text
    current_question: Text
    next_step: Text
    next_done: Text
    plan_heading: Text
    plan_empty: Text
    plan_due_line: Text
    plan_overdue: Text
    plan_actions: Plural
    reflections_heading: Text
    reflections_empty: Text
    reflection_line: Text
    help_heading: Text
    help_line: Text


class ConsoleText(ContentModel):
    """Words only the terminal chat needs: how to type forms, leave and come back."""

    greeting: Text
    goodbye: Text
    form_instructions: Text
    form_left_kept: Text
    form_paused: Text
    form_help: Text
    required_field: Text
    current_answer: Text
    choose_one: Text
    choose_several: Text
    not_an_option: Text
    optional_field: Text
    date_field: Text
    time_field: Text
    time_not_offered: Text
    picture_saved: Text
    file_saved: Text
    # Shown under a multi-line answer's prompt while it is empty.
    multiline_hint: Text
    # The terminal's own commands, after the coach's /help ({shortcuts}, {log}).
    terminal_help: Text
    # At the start of a chat ({time_zone}), or when no time zone is known.
    time_zone_shown: Text
    time_zone_unknown: Text
    # Due items shown at the start: what to do before the menu comes.
    due_first: Text


class SuggestLines(Templates):
    """How a suggestion from the sources is introduced, by the kind of passage it is."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "question": frozenset({"number", "step", "text"}),
        "checklist": frozenset({"number", "step", "action", "text", "intro"}),
        "tip": frozenset({"number", "step", "title", "text"}),
        "think": frozenset({"number", "step", "title", "text"}),
        "sidebar": frozenset({"number", "step", "title", "text"}),
        "step": frozenset({"number", "step", "question", "text"}),
        "ability": frozenset({"name", "text"}),
        "value": frozenset({"name", "text"}),
        "competency": frozenset({"name", "text"}),
        "constituency": frozenset({"name", "text"}),
        "worksheet": frozenset({"heading", "text"}),
        "characteristic": frozenset({"heading", "text"}),
        "rubric": frozenset({"stage", "partner", "text"}),
    }

    question: Text
    checklist: Text
    tip: Text
    think: Text
    sidebar: Text
    step: Text
    ability: Text
    value: Text
    competency: Text
    constituency: Text
    worksheet: Text
    characteristic: Text
    rubric: Text


class SuggestLabels(Templates):
    """The buttons under an answer to free text; `{number}` is a toolkit step's."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "question": frozenset({"number"}),
        "checklist": frozenset({"number"}),
        "tip": frozenset({"number"}),
        "think": frozenset({"number"}),
        "sidebar": frozenset({"number"}),
        "step": frozenset({"number"}),
    }

    keep: Label
    question: Label
    checklist: Label
    tip: Label
    think: Label
    sidebar: Label
    step: Label
    reflect_on_it: Label
    your_plan: Label
    more: Label


class RelationshipWords(ContentModel):
    """Words that point to one constituency of the plan: `people` are said of one person in it
    ("my principal"), `other` of the group or the topic ("the board", "the city")."""

    people: tuple[Text, ...] = ()
    other: tuple[Text, ...] = ()


class SuggestText(Templates):
    """The coach's answer to a message typed outside any conversation: keep it as a
    reflection, the relationship it names, and the passage of the sources it is closest to."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "relationship_role": frozenset({"role", "name", "since"}),
        "relationship_named": frozenset({"name", "constituency", "since"}),
        "since_last": frozenset({"ago"}),
        "never": frozenset({"ago"}),
        "too_long_to_keep": frozenset({"length", "limit"}),
    }

    # A message is answered only with at least this many words that are not stopwords, and a
    # passage is suggested only when it ranks at least `min_score` (BM25, bm25s's Lucene
    # variant) with at least `min_terms` of the message's words in common.
    min_words: int = Field(ge=1, le=20)
    min_score: float = Field(gt=0)
    min_terms: int = Field(ge=1, le=10)
    greetings: tuple[Text, ...] = Field(min_length=1)
    # Words of a chat message that say nothing of what it is about ("tomorrow", "advice").
    ignored_words: tuple[Text, ...] = ()
    # Words of a name that do not name anyone in particular ("Dr", "the").
    name_ignored_words: tuple[Text, ...] = ()
    # What people say, mapped to the sources' words for it ("nervous" -> "fear").
    related_words: dict[str, Text] = Field(default_factory=dict)
    relationship_words: dict[str, RelationshipWords] = Field(default_factory=dict)

    lead: Text
    suggestion_lead: Text
    relationship_role: Text
    relationship_named: Text
    since_last: Text
    never: Text
    keep_offer: Text
    too_long_to_keep: Text
    kept: Text
    already_kept: Text
    lines: SuggestLines
    labels: SuggestLabels


class CoachText(ContentModel):
    """Everything the coach says that is not a source document."""

    name: Text
    description: Text = Field(max_length=140)
    commands: dict[str, CommandHelp]
    slash_commands: dict[str, SlashCommand]

    @field_validator("slash_commands")
    @classmethod
    def _slash_commands_are_named_like_slack_commands(
        cls, value: dict[str, SlashCommand]
    ) -> dict[str, SlashCommand]:
        for name in value:
            if not re.fullmatch(r"/[a-z0-9_-]{1,31}", name):
                raise ValueError(f"{name!r} is not a slash command name like /reflect")
        return value

    command_words: CommandWords

    @model_validator(mode="after")
    def _command_words_are_declared_slash_commands(self) -> Self:
        words = self.command_words
        undeclared = {words.menu, *words.slash.values()} - set(self.slash_commands)
        if undeclared:
            raise ValueError(f"command_words: {sorted(undeclared)} not among slash_commands")
        return self

    keywords: Keywords
    date_words: DateWordsText
    labels: Labels
    general: GeneralText
    errors: ErrorText
    reflect: ReflectText
    toolkit: ToolkitText
    home: HomeText
    console: ConsoleText
    suggest: SuggestText
