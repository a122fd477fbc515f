"""What a person types at the terminal: prompt_toolkit at a terminal, plain lines from a pipe."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent

Read = Callable[[str], str | None]


@dataclass(frozen=True)
class TerminalInput:
    """How the chat reads a line, and a multi-line answer (None: the same way as a line)."""

    read: Read
    read_multiline: Read | None


class CommandCompleter(Completer):
    """Tab completes a command (`/too` to `/toolkit`) and, after it, one of its words
    (`/coach he` to `/coach help`); answers are never completed."""

    def __init__(self, commands: Iterable[str], words: Mapping[str, Sequence[str]]) -> None:
        self.commands = sorted(set(commands))
        self.words = {command.lower(): sorted(set(after)) for command, after in words.items()}

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterable[Completion]:
        typed = document.text_before_cursor
        if not typed.startswith("/") or "\n" in typed:
            return
        command, space, rest = typed.partition(" ")
        if not space:
            for name in self.commands:
                if name.startswith(command.lower()) and name != command.lower():
                    yield Completion(name, start_position=-len(command))
            return
        if " " in rest:
            return
        for word in self.words.get(command.lower(), ()):
            if word.startswith(rest.lower()) and word != rest.lower():
                yield Completion(word, start_position=-len(rest))


class CommandHistory(FileHistory):
    """Up arrow brings back anything typed in this chat, but only commands are kept in the
    file: what a person writes (a reflection, a note) is theirs to forget, not a file's."""

    def store_string(self, string: str) -> None:
        if string.startswith("/") and "\n" not in string:
            super().store_string(string)


def _history(path: Path | None) -> History:
    if path is None:
        return InMemoryHistory()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=True)
    except OSError:
        return InMemoryHistory()  # a read-only home still chats, without remembering
    return CommandHistory(str(path))


def _bindings() -> KeyBindings:
    bindings = KeyBindings()

    # Enter sends the answer; Esc then Enter (what Alt-Enter sends) starts a new line in it.
    @bindings.add("escape", "enter")
    def _new_line(event: KeyPressEvent) -> None:
        event.current_buffer.insert_text("\n")

    return bindings


def prompt_input(
    *,
    history_file: Path | None,
    completer: Completer,
    multiline_hint: str,
) -> TerminalInput:
    """prompt_toolkit's line editor: a paste of any length taken whole (newlines too, by
    bracketed paste), history, completion; Ctrl-D or Ctrl-C leave (None)."""
    session: PromptSession[str] = PromptSession(
        history=_history(history_file),
        completer=completer,
        complete_while_typing=False,
        key_bindings=_bindings(),
        enable_history_search=False,
    )

    def ask(prompt: str, *, placeholder: str | None) -> str | None:
        try:
            # "" and not None: a session keeps the last placeholder it was given for None, so
            # the multi-line hint would stay under every later one-line prompt.
            return session.prompt(
                prompt,
                placeholder=placeholder or "",
                prompt_continuation=lambda width, _line, _wrap: " " * width,
            )
        except (EOFError, KeyboardInterrupt):
            print()
            return None

    return TerminalInput(
        read=lambda prompt: ask(prompt, placeholder=None),
        read_multiline=lambda prompt: ask(prompt, placeholder=multiline_hint),
    )


def plain_input() -> TerminalInput:
    """Lines from a pipe or a file: each line whole, however long (no terminal cuts it)."""

    def read(prompt: str) -> str | None:
        sys.stdout.write(prompt)
        sys.stdout.flush()
        line = sys.stdin.readline()
        if not line:
            print()
            return None
        return line.removesuffix("\n").removesuffix("\r")

    return TerminalInput(read=read, read_multiline=None)


def at_a_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()
