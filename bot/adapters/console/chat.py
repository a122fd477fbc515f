"""The terminal chat: lines in, numbered choices and prompted forms out, same engine and storage."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
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
from bot.core.schedule import time_zone_named
from bot.core.text import parse_int
from bot.engine.turns import Engine
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
    console: Console = field(default_factory=lambda: terminal_console())
    choices: tuple[Choice, ...] = ()
    pending: str | None = None  # a command typed inside a form, run once the form is left
    exports: Path = field(default_factory=lambda: Path("lantern-exports"))
    # One multi-line answer, read in one go (Enter sends it; None: read like a line).
    read_multiline: Callable[[str], str | None] | None = None
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
        """Ask each field in turn; a blank answer to the first line leaves the form unsaved."""
        words = self.engine.content.coach.console
        self.say(words.form_instructions.format(title=form.title))
        values: dict[str, str] = {}
        field_names = [f.name for f in form.fields]
        index = 0
        while index < len(form.fields):
            form_field = form.fields[index]
            if form_field.hint:
                for line in form_field.hint.splitlines():  # italics do not span lines
                    self.say(f"_{line}_")
            text = (
                self._read_options(form_field)
                if form_field.options
                else self._read_field(form_field)
            )
            if text is None:
                self.say(words.form_cancelled)
                self.choices = ()
                closed = self._inbound(InboundKind.FORM_CLOSED, form_id=form.form_id)
                if self.pending is None:  # show where things stand, unless a command is next
                    self.show(self.engine.handle(closed))
                else:
                    self.engine.handle(closed)
                return
            values[form_field.name] = text
            index += 1
            if index == len(form.fields):
                outcome = self.engine.handle(
                    self._inbound(
                        InboundKind.FORM,
                        form_id=form.form_id,
                        form=values,
                        form_context=form.context,
                    )
                )
                if outcome.form_errors is not None:
                    failed = [n for n in field_names if n in outcome.form_errors.errors]
                    for name in failed:
                        self.say(outcome.form_errors.errors[name])
                    index = field_names.index(failed[0]) if failed else index
                    continue
                self.show(outcome)

    def _read_options(self, form_field: FormField) -> str | None:
        """Numbered options; the answer is the chosen values, as a form would send them."""
        words = self.engine.content.coach.console
        self.say(f"*{form_field.label}*")
        # A scale (0 to 10) is typed as its own numbers; other options by their position.
        by_value = all(value == label and value.isdigit() for value, label in form_field.options)
        keys = [
            value if by_value else str(number)
            for number, (value, _) in enumerate(form_field.options, start=1)
        ]
        for key, (_, label) in zip(keys, form_field.options, strict=True):
            shown = "" if by_value else f" {escape(label)}"
            self.console.print(f"  [{key}]{shown}", highlight=False)
        self.say(words.choose_several if form_field.multiple else words.choose_one)
        while True:
            line = self.read("» ")
            if line is not None and line.startswith("/"):
                self.pending = line
                return None
            if line is None:
                return None
            picked = [part.strip() for part in line.split(",") if part.strip()]
            if not picked and form_field.optional:
                return ""
            if not picked:
                return None
            if all(p in keys for p in picked) and (form_field.multiple or len(picked) == 1):
                return ",".join(form_field.options[keys.index(p)][0] for p in picked)
            self.say(words.not_an_option)

    def _read_field(self, form_field: FormField) -> str | None:
        """A text field. An empty first line keeps the current answer, leaves an optional
        field empty, or (for a required field with nothing in it yet) cancels the form."""
        words = self.engine.content.coach.console
        self.say(f"*{form_field.label}*")
        if form_field.optional:
            self.say(words.optional_field)
        if form_field.date:
            self.say(words.date_field)
        if form_field.initial:
            self.say(words.current_answer)
            self.console.print(f"  │ {escape(form_field.initial)}", highlight=False)
        lines: list[str] = []
        while True:
            if form_field.multiline and self.read_multiline is not None:
                # The whole answer at once (Enter sends it, its lines kept): no empty line ends it.
                line = self.read_multiline("» ")
                if line is not None and line.startswith("/"):
                    self.pending = line
                    return None
                if line is None:
                    return None
                if not line.strip():
                    if form_field.initial:
                        return form_field.initial
                    return "" if form_field.optional else None
                return line
            line = self.read("… " if lines else "» ")
            if line is not None and line.startswith("/"):
                # A command is not part of an answer: leave the form unsaved, then run it.
                self.pending = line
                return None
            if line is None:
                return None
            if not line.strip() and not lines:
                if form_field.initial:
                    return form_field.initial
                return "" if form_field.optional else None
            if not line.strip() or not form_field.multiline:
                if line.strip():
                    lines.append(line)
                return "\n".join(lines)
            lines.append(line)
