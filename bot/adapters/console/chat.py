"""The terminal chat: lines in, numbered choices and prompted forms out, same engine and storage."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import cache
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.markup import escape

from bot.adapters.console.terminal import CommandCompleter
from bot.core.messages import (
    Choice,
    Form,
    FormField,
    HomePage,
    Inbound,
    InboundKind,
    Outcome,
    Reply,
)
from bot.core.parsing import parse_choices
from bot.core.schedule import time_zone_named
from bot.core.text import keyword_in, parse_int, unquoted_literal
from bot.engine.turns import PAUSED, Engine
from bot.flows.forms import date_words, typed_time
from content import default_content
from content.coach import CommandWords

PLATFORM = "console"
WORKSPACE = "local"
Shortcuts = Mapping[str, tuple[str, str]]


SHORTCUT_IDS = ("help", "toolkit", "reflections", "export", "plan")
"""The menu's words that the terminal also takes as commands of their own, by id."""


def shortcuts(words: CommandWords) -> Shortcuts:
    """`/toolkit 3` in the terminal is `/coach toolkit 3`, in whatever words the content
    gives them."""
    menu = words.menu.removeprefix("/")
    return {
        f"/{words.sub[word_id]}": (menu, words.sub[word_id])
        for word_id in SHORTCUT_IDS
        if word_id in words.sub
    }


MIN_WORDS_TYPED = 3
"""Letters typed that may name an option by its label (fewer would name too many by chance)."""

QUIT = {"/quit", "/exit", "/q"}
HOME = {"/home"}


def completer(words: CommandWords) -> CommandCompleter:
    """Tab completion of the terminal's own commands, the coach's commands, and the words that
    follow them (`/coach plan`, `/plan settings`), all from the content's words."""
    menu = words.menu.lower()
    typed = shortcuts(words)
    after: dict[str, list[str]] = {menu: sorted(words.sub.values())}
    for name, (_, sub) in typed.items():
        sub_id = next((key for key, word in words.sub.items() if word == sub), sub)
        after[name] = sorted(words.arguments.get(sub_id, {}).values())
    commands = ["/home", "/quit", menu, *words.slash.values(), *typed]
    return CommandCompleter(commands, after)


def _safe_name(user_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", user_id) or "me"


def history_file(data_dir: Path, user_id: str) -> Path:
    """Where the commands a person typed are kept between chats: in the data folder, never
    in the folder the chat was started from."""
    return data_dir / "history" / f"{_safe_name(user_id)}.txt"


def local_time_zone() -> str | None:
    """The machine's IANA time zone name, from TZ or the /etc/localtime link."""
    if os.environ.get("TZ"):
        return os.environ["TZ"].lstrip(":")
    try:
        target = str(Path("/etc/localtime").resolve())
    except OSError:
        return None
    marker = "/zoneinfo/"
    return target.split(marker, 1)[1] if marker in target else None


def stored_time_zone(engine: Engine, user_id: str) -> str | None:
    """The time zone the coach already keeps for this person in the terminal, if any."""
    with engine.database.reading() as uow:
        person = uow.repos.people.find(
            platform=PLATFORM, workspace_external_id=WORKSPACE, person_external_id=user_id
        )
        return person.time_zone if person is not None else None


def to_inbound(
    line: str,
    *,
    user_id: str,
    time_zone: str | None,
    choices: tuple[Choice, ...],
    typed_shortcuts: Shortcuts | None = None,
) -> Inbound:
    """Translate a typed line: a slash command, the number of a choice, or plain text.
    `typed_shortcuts`: see `shortcuts` (by default, the default content's)."""
    text = line.strip()

    def inbound(kind: InboundKind, **values: str) -> Inbound:
        return Inbound(
            platform=PLATFORM,
            workspace_id=WORKSPACE,
            user_id=user_id,
            time_zone=time_zone,
            kind=kind,
            **values,  # type: ignore[arg-type]
        )

    number = parse_int(text)
    if number is not None and 1 <= number <= len(choices):
        return inbound(InboundKind.CHOICE, choice=choices[number - 1].value)
    if text.startswith("/"):
        name, _, rest = text.partition(" ")
        name = name.lower()
        known = default_shortcuts() if typed_shortcuts is None else typed_shortcuts
        if name in known:
            command, sub = known[name]
            return inbound(InboundKind.COMMAND, command=command, text=f"{sub} {rest}".strip())
        return inbound(InboundKind.COMMAND, command=name[1:], text=rest)
    return inbound(InboundKind.TEXT, text=line)


@cache
def default_shortcuts() -> Shortcuts:
    return shortcuts(default_content().coach.command_words)


_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")


def to_markup(text: str) -> str:
    """Turn the neutral *bold* and _italic_ into rich markup, after escaping everything else."""
    marked = _BOLD.sub(r"[bold]\1[/bold]", escape(text))
    return _ITALIC.sub(r"[italic]\1[/italic]", marked)


def terminal_console(file: TextIO | None = None, *, width: int | None = None) -> Console:
    """The chat's console. emoji=False: a :shortcode: someone typed is shown as typed."""
    return Console(file=file, width=width, emoji=False, highlight=False)


@dataclass
class ConsoleChat:
    """A chat loop; `read` returns None at end of input (Ctrl-D).

    `time_zone` is given to the coach with the first turn only (a --tz, or the machine's zone
    for someone new): a zone chosen later in /plan settings is not overwritten by the next
    line. `known_time_zone` is the zone the coach already has for this person, shown at the
    start when `time_zone` is None."""

    engine: Engine
    user_id: str
    time_zone: str | None
    read: Callable[[str], str | None]
    # Reads one answer that may hold several lines (a paste, Alt-Enter); None: `read`.
    read_multiline: Callable[[str], str | None] | None = None
    console: Console = field(default_factory=lambda: terminal_console())
    choices: tuple[Choice, ...] = ()
    pending: str | None = None  # a command typed inside a form, run once the form is left
    exports: Path = field(default_factory=lambda: Path("lantern-exports"))
    known_time_zone: str | None = None
    log_place: str | None = None  # where the chat's log goes, said by /help
    # What fell due was shown at the start; the menu waits until it is seen to.
    _welcome_waiting: bool = field(default=False, init=False)

    @property
    def shortcuts(self) -> Shortcuts:
        return shortcuts(self.engine.content.coach.command_words)

    def run(self) -> None:
        words = self.engine.content.coach
        self.say(words.console.greeting.format(name=words.name))
        # A zone the machine names but that is none (TZ=Mars/Olympus) is not kept by the coach.
        zone = next(
            (z for z in (self.time_zone, self.known_time_zone) if time_zone_named(z) is not None),
            None,
        )
        if zone:
            self.say(words.console.time_zone_shown.format(time_zone=zone))
        else:
            self.say(words.console.time_zone_unknown)
        # Nothing can reach the terminal between chats, so what fell due meanwhile comes first,
        # with its own numbers; the menu waits until it has been seen to (one numbering at once).
        due = self.engine.handle(self._inbound(InboundKind.CHOICE, choice="plan:due:"))
        if due.replies:
            self.show(due)
            self.say(words.console.due_first)
            self._welcome_waiting = True
        else:
            self._welcome()
        while True:
            line, self.pending = (self.pending, None) if self.pending else (self.read("> "), None)
            if line is None or line.strip().lower() in QUIT:
                self.say(words.console.goodbye)
                return
            if not line.strip():
                if self._welcome_waiting:
                    self._welcome()
                continue
            if line.strip().startswith("/"):
                self._welcome_waiting = False  # a command of their own instead of the menu
            if line.strip().lower() in HOME:
                self.show(self.engine.handle(self._inbound(InboundKind.HOME)))
                continue
            number = parse_int(line)
            if number is not None and self.choices and number > len(self.choices):
                # Most likely an option from an earlier screen, not an answer.
                self.say(self.engine.content.coach.console.not_an_option)
                continue
            inbound = to_inbound(
                line,
                user_id=self.user_id,
                time_zone=self.time_zone,
                choices=self.choices,
                typed_shortcuts=self.shortcuts,
            )
            self.show(self.engine.handle(inbound))
            if self._welcome_waiting and not self.choices:
                self._welcome()  # what was due is seen to, and nothing more is asked
            if inbound.kind is InboundKind.COMMAND and self._is_help(inbound):
                self.say(self._terminal_help())

    def _welcome(self) -> None:
        self._welcome_waiting = False
        self.show(self.engine.handle(self._inbound(InboundKind.TEXT, text="")))

    def _is_help(self, inbound: Inbound) -> bool:
        words = self.engine.content.coach.command_words
        help_word = words.sub.get("help", "help")
        menu = words.menu.removeprefix("/")
        typed = (inbound.text or "").strip().lower()
        return (inbound.command == menu and typed == help_word) or (
            inbound.command == help_word and not typed
        )

    def _terminal_help(self) -> str:
        words = self.engine.content.coach.console
        listed = " ".join(sorted(self.shortcuts))
        return words.terminal_help.format(shortcuts=listed, log=self.log_place or "-")

    def _inbound(self, kind: InboundKind, **values: object) -> Inbound:
        # The zone goes with the first turn only; later turns keep what is stored.
        time_zone, self.time_zone = self.time_zone, None
        if time_zone_named(time_zone) is not None:
            self.known_time_zone = time_zone
        return Inbound(
            platform=PLATFORM,
            workspace_id=WORKSPACE,
            user_id=self.user_id,
            kind=kind,
            time_zone=time_zone,
            **values,  # type: ignore[arg-type]
        )

    def say(self, text: str) -> None:
        self.console.print(to_markup(text), highlight=False)

    def show(self, outcome: Outcome) -> None:
        if outcome.home is not None:
            self.show_home(outcome.home)
        offered: list[Choice] = []
        for reply in outcome.replies:
            self.show_reply(reply, offered)
            if reply.form is not None:
                self.fill_form(reply.form)
                return
        self.choices = tuple(offered)

    def show_reply(self, reply: Reply, offered: list[Choice]) -> None:
        if reply.preface:
            self.say(f"_{reply.preface}_")
        if reply.heading:
            self.say(f"*{reply.heading}*")
        self.say(reply.text)
        if reply.quote:
            for line in reply.quote.splitlines() or [""]:
                self.console.print(f"  │ {escape(line)}", highlight=False)
        for note in reply.notes:
            self.say(f"_{note}_")
        if reply.copyable:
            for line in reply.copyable.splitlines() or [""]:
                self.console.print(f"    {escape(line)}", highlight=False)
        if reply.link is not None:
            label, url = reply.link
            self.console.print(f"  {escape(label)}: {escape(url)}", highlight=False)
        words = self.engine.content.coach.console
        for image in reply.images:
            # A picture is the latest drawing of that work: it replaces its earlier version.
            path = self._person_folder() / Path(image.filename).name
            path.write_bytes(image.data)
            self.say(words.picture_saved.format(path=path))
        if reply.files:
            # Files sent together (an export and its pictures, linked by name) stay together,
            # in a new folder: an export never replaces an earlier one.
            folder = self._new_folder(Path(reply.files[0].filename).stem)
            for attachment in reply.files:
                path = folder / Path(attachment.filename).name
                path.write_bytes(attachment.data)
                self.say(words.file_saved.format(path=path))
        # A reply's form is asked right here, so the buttons it carries for a platform where a
        # form may fail to open (try again, go on) would only be in the way.
        for choice in () if reply.form is not None else reply.choices:
            offered.append(choice)
            self.console.print(f"  [{len(offered)}] {escape(choice.label)}", highlight=False)
        self.console.print()

    def show_home(self, page: HomePage) -> None:
        offered: list[Choice] = []
        self.say(f"*{page.title}*")
        for section in page.sections:
            self.show_reply(
                Reply("\n".join((section.heading, *section.lines)), choices=section.choices),
                offered,
            )
        self.choices = tuple(offered)

    def _person_folder(self) -> Path:
        folder = self.exports / _safe_name(self.user_id)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _new_folder(self, name: str) -> Path:
        base = self._person_folder()
        folder, number = base / name, 2
        while folder.exists():
            folder, number = base / f"{name}-{number}", number + 1
        folder.mkdir()
        return folder

    def fill_form(self, form: Form) -> None:
        """Ask each field in turn, each checked as it is answered (only a refused field is
        asked again) and kept as a draft; cancel, pause, a command or the end of input leave
        the form with every answer given so far kept for next time."""
        words = self.engine.content.coach.console
        self.say(words.form_instructions.format(title=form.title))
        values: dict[str, str] = {}
        to_ask = list(range(len(form.fields)))
        while to_ask:
            position = 0
            while position < len(to_ask):
                form_field = form.fields[to_ask[position]]
                if form_field.name in values:  # asked again: what was typed is its answer now
                    form_field = replace(form_field, initial=values[form_field.name] or None)
                asked = _as_asked(form_field, values)
                if asked is None:  # "your own label" when Other was not chosen
                    values.pop(form_field.name, None)
                    position += 1
                    continue
                form_field = asked
                answer = self._ask_field(form_field)
                if isinstance(answer, Leave):
                    self._leave(form, values, answer)
                    return
                if isinstance(answer, Back):  # the question before, of those that were asked
                    position = max(0, position - 1)
                    while position > 0 and _as_asked(form.fields[to_ask[position]], values) is None:
                        position -= 1
                    continue
                values[form_field.name] = answer
                problem = self._check_field(form, form_field.name, values)
                if problem is not None:
                    self.say(problem)
                    values.pop(form_field.name, None)
                    continue
                position += 1
            outcome = self.engine.handle(
                self._inbound(
                    InboundKind.FORM,
                    form_id=form.form_id,
                    form=values,
                    form_context=form.context,
                )
            )
            if outcome.form_errors is None:
                self.show(outcome)
                return
            # Refused as a whole (a check across fields): only the refused fields again,
            # with every other answer kept as given.
            names = [f.name for f in form.fields]
            failed = [n for n in names if n in outcome.form_errors.errors]
            for name in failed:
                self.say(outcome.form_errors.errors[name])
            to_ask = [names.index(n) for n in failed]
            if not to_ask:
                self.show(Outcome(replies=outcome.replies))
                return

    def _check_field(self, form: Form, name: str, values: Mapping[str, str]) -> str | None:
        """The coach's check of one answer (None: accepted); the answers so far are kept."""
        outcome = self.engine.handle(
            self._inbound(
                InboundKind.FORM_FIELD,
                form_id=form.form_id,
                form_context=form.context,
                field=name,
                form=dict(values),
            )
        )
        if outcome.failed:
            return "\n".join(reply.text for reply in outcome.replies)
        if outcome.form_errors is not None:
            return outcome.form_errors.errors.get(name)
        return None

    def _leave(self, form: Form, values: Mapping[str, str], how: Leave) -> None:
        """Leave the form unsent; the answers given so far wait for next time."""
        words = self.engine.content.coach.console
        self.say(words.form_paused if how is Leave.PAUSE else words.form_left_kept)
        self.choices = ()
        closed = self._inbound(
            InboundKind.FORM_CLOSED,
            form_id=form.form_id,
            form_context=form.context,
            form=dict(values),
            text=PAUSED if how is Leave.PAUSE else "",
        )
        outcome = self.engine.handle(closed)
        if self.pending is None and how is not Leave.END:
            self.show(outcome)  # where things stand, unless a command is next

    def _ask_field(self, form_field: FormField) -> str | Leave | Back:
        if form_field.hint:
            for line in form_field.hint.splitlines():  # italics do not span lines
                self.say(f"_{line}_")
        if form_field.options:
            return self._read_options(form_field)
        return self._read_field(form_field)

    def _keyword(self, line: str) -> str | Leave | Back | None:
        """What a line typed in a form is when it is not an answer: a command (run once the
        form is left), a keyword (cancel, pause, help...); a quoted answer is the answer."""
        if line.startswith("/"):
            self.pending = line
            return Leave.COMMAND
        literal = unquoted_literal(line)
        if literal is not None:
            return literal
        keywords = self.engine.content.coach.keywords.by_id()
        found = keyword_in(line, keywords)
        if found == "cancel":
            return Leave.CANCEL
        if found == "pause":
            return Leave.PAUSE
        if found == "back":
            return BACK
        if found == "skip":
            return SKIP
        if found is not None:  # help, and words that mean nothing inside a form
            self.say(self.engine.content.coach.console.form_help)
            return HELP
        return None

    def _blank(self, form_field: FormField) -> str | None:
        """An empty answer: the current answer kept, an optional field left empty, or (for a
        required field) None: it is asked again."""
        if form_field.initial:
            return form_field.initial
        if form_field.optional:
            return ""
        self.say(self.engine.content.coach.console.required_field)
        return None

    def _read_options(self, form_field: FormField) -> str | Leave | Back:
        """Numbered options (times of day typed as times); the answer is the chosen values,
        as a form would send them."""
        words = self.engine.content.coach.console
        self.say(f"*{form_field.label}*")
        # A scale (0 to 10) is typed as its own numbers; other options by their position.
        by_value = all(value == label and value.isdigit() for value, label in form_field.options)
        keys = [
            value if by_value else str(number)
            for number, (value, _) in enumerate(form_field.options, start=1)
        ]
        labels = dict(form_field.options)
        if form_field.time:
            self.say(words.time_field)
        else:
            for key, (_, label) in zip(keys, form_field.options, strict=True):
                shown = "" if by_value else f" {escape(label)}"
                self.console.print(f"  [{key}]{shown}", highlight=False)
            self.say(words.choose_several if form_field.multiple else words.choose_one)
        if form_field.initial:
            chosen = [labels.get(v, v) for v in form_field.initial.split(",") if v]
            self.say(words.current_answer)
            self.console.print(f"  │ {escape(', '.join(chosen))}", highlight=False)
        while True:
            line = self.read("» ")
            if line is None:
                return Leave.END
            special = self._keyword(line)
            if special is HELP:
                continue
            if special is SKIP:
                line = ""  # as an empty answer: left empty where it may be, else asked again
            elif isinstance(special, Leave | Back):
                return special
            elif special is not None:
                line = special
            if not line.strip():
                blank = self._blank(form_field)
                if blank is not None:
                    return blank
                continue
            chosen_value = self._chosen(form_field, keys, line)
            if chosen_value is not None:
                return chosen_value
            if form_field.time:
                minutes = [int(value) for value, _ in form_field.options]
                first, last = labels[str(min(minutes))], labels[str(max(minutes))]
                self.say(words.time_not_offered.format(first=first, last=last))
            else:
                self.say(words.not_an_option)

    def _chosen(self, form_field: FormField, keys: list[str], line: str) -> str | None:
        """The option values a line names, or None."""
        values = [value for value, _ in form_field.options]
        if form_field.time:
            minute = typed_time(self.engine.content, line)
            return str(minute) if minute is not None and str(minute) in values else None
        words = date_words(self.engine.content)
        named = [
            (key, (label, *(words.weekdays[int(value) - 1] if _weekday(value, values) else ())))
            for key, (value, label) in zip(keys, form_field.options, strict=True)
        ]
        picked = parse_choices(line, named, words)
        if not picked and not form_field.multiple:
            # Words from one option's label, as a person reads it ("okafor", "organisation",
            # "every two weeks"): that option, when no other's label has them too.
            said = " ".join(line.casefold().split())
            labelled = [v for v, label in form_field.options if said in label.casefold()]
            if len(said) >= MIN_WORDS_TYPED and len(labelled) == 1:
                return labelled[0]
        if not picked or (len(picked) > 1 and not form_field.multiple):
            return None
        return ",".join(values[keys.index(key)] for key in picked)

    def _read_field(self, form_field: FormField) -> str | Leave | Back:
        """A text field: one answer (a multi-line field's may hold several lines, pasted or
        typed with Alt-Enter). An empty answer keeps the current one, leaves an optional
        field empty, or asks a required one again."""
        words = self.engine.content.coach.console
        self.say(f"*{form_field.label}*")
        if form_field.optional:
            self.say(words.optional_field)
        if form_field.date and not form_field.hint:  # a field's own hint gives its examples
            self.say(words.date_field)
        if form_field.initial:
            self.say(words.current_answer)
            for line in form_field.initial.splitlines() or [""]:
                self.console.print(f"  │ {escape(line)}", highlight=False)
        read = (self.read_multiline or self.read) if form_field.multiline else self.read
        while True:
            text = read("» ")
            if text is None:
                return Leave.END
            special = self._keyword(text)
            if special is HELP:
                continue
            if special is SKIP:
                text = ""  # as an empty answer: left empty where it may be, else asked again
            elif special is not None:  # leaving, going back, or a quoted word as the answer
                return special
            if not text.strip():
                blank = self._blank(form_field)
                if blank is not None:
                    return blank
                continue
            return text if form_field.multiline else text.strip()


def _as_asked(form_field: FormField, values: Mapping[str, str]) -> FormField | None:
    """The field as it is asked after the answers so far, or None when it is not asked: a field
    that matters only for another answer (FormField.only_when) is needed once it is asked;
    options that belong to another field's answers (FormField.options_of) are narrowed to
    those of the answer given."""
    if form_field.only_when is not None:
        name, value = form_field.only_when
        if values.get(name) != value:
            return None
        form_field = replace(form_field, optional=False)
    if form_field.options_of is not None:
        prefix = f"{values.get(form_field.options_of, '')}/"
        options = tuple(o for o in form_field.options if o[0].startswith(prefix))
        if not options:  # nothing to choose from is not a question
            return None
        initial = [v for v in (form_field.initial or "").split(",") if v.startswith(prefix)]
        form_field = replace(form_field, options=options, initial=",".join(initial) or None)
    return form_field


class Leave(Enum):
    """How a form was left unsent."""

    CANCEL = "cancel"
    PAUSE = "pause"
    COMMAND = "command"  # a command typed in the form, run once it is left
    END = "end"  # the end of input (Ctrl-D)


class Back(Enum):
    BACK = "back"
    HELP = "help"  # not an answer: the same field is asked again
    SKIP = "skip"  # as an empty answer


BACK = Back.BACK
HELP = Back.HELP
SKIP = Back.SKIP


def _weekday(value: str, values: list[str]) -> bool:
    """Options that are the days of the week by number (1 Monday to 7 Sunday)."""
    return values == [str(day) for day in range(1, 8)] and value in values
