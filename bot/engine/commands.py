"""Typed commands, found by the content's words among the commands the flows declare."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.core.messages import Inbound, InboundKind
from bot.flows.base import Command, Flow
from content.coach import CommandWords


@dataclass(frozen=True)
class Found:
    """A typed command that names one of the flows' commands."""

    flow_id: str
    command: Command
    argument: str  # what followed its word


@dataclass(frozen=True)
class Unknown:
    """A typed command that names none: `name` as the person typed it, or "" for the menu
    command alone."""

    name: str


class CommandTable:
    """Every flow's commands by their words; built once, so a command without words in the
    content, or a word that would name two commands, stops the engine from starting."""

    def __init__(self, words: CommandWords, flows: Mapping[str, Flow]) -> None:
        self._menu = _slash_name(words.menu)
        self._slash: dict[str, tuple[str, Command]] = {}
        self._sub: dict[str, tuple[str, Command]] = {}
        self._arguments: dict[str, dict[str, str]] = {}  # command id -> typed word -> id
        for flow_id, flow in flows.items():
            for command in flow.commands():
                self._arguments[command.word_id] = _argument_words(words, flow_id, command)
                table, named = (
                    (self._slash, words.slash) if command.slash else (self._sub, words.sub)
                )
                word = named.get(command.word_id)
                if word is None:
                    raise ValueError(
                        f"the {flow_id} flow's command {command.word_id!r} has no words in "
                        "coach.command_words"
                    )
                key = _slash_name(word) if command.slash else word.lower()
                if key in table:
                    raise ValueError(
                        f"{word!r} would name commands of {table[key][0]} and {flow_id}"
                    )
                table[key] = (flow_id, command)

    def find(self, inbound: Inbound) -> Found | Unknown:
        """The command an inbound command names, with what followed its word."""
        slash = self._slash.get(inbound.command or "")
        if slash is not None:
            return self._found(slash, inbound.text)
        if inbound.command != self._menu:
            return Unknown(f"/{inbound.command}")
        name, _, argument = inbound.text.strip().partition(" ")
        sub = self._sub.get(name.lower())
        if sub is None:
            return Unknown(name.lower())
        return self._found(sub, argument)

    def _found(self, declared: tuple[str, Command], argument: str) -> Found:
        """With a first word the command declares in place of the word typed for it."""
        flow_id, command = declared
        first, space, rest = argument.strip().partition(" ")
        known = self._arguments[command.word_id].get(first.lower())
        if known is not None:
            argument = f"{known}{space}{rest}"
        return Found(flow_id, command, argument)

    def typed(self, inbound: Inbound) -> Found | None:
        """The declared command an inbound names, if it is a command that names one."""
        if inbound.kind is not InboundKind.COMMAND:
            return None
        found = self.find(inbound)
        return found if isinstance(found, Found) else None


def _argument_words(words: CommandWords, flow_id: str, command: Command) -> dict[str, str]:
    """The typed words of a command's declared arguments, each to its id."""
    named = words.arguments.get(command.word_id, {})
    missing = [argument for argument in command.arguments if argument not in named]
    if missing:
        raise ValueError(
            f"the {flow_id} flow's command {command.word_id!r} has no words in "
            f"coach.command_words.arguments for {', '.join(missing)}"
        )
    return {named[argument].lower(): argument for argument in command.arguments}


def _slash_name(word: str) -> str:
    """A slash command as the platforms hand it over: without its slash."""
    return word.removeprefix("/")
