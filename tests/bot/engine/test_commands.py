"""Typed commands as the flows declare them: which are slow, which act on a channel, and how
their words route."""

from __future__ import annotations

import pytest

from bot.core.messages import Inbound, InboundKind
from bot.engine.turns import Engine
from content import Content
from storage.database import Database
from tests.chat_script import ChatScript


def typed(command: str, text: str = "", *, channel_id: str | None = None) -> Inbound:
    return Inbound(
        platform="slack",
        workspace_id="T-library",
        user_id="U-ana",
        kind=InboundKind.COMMAND,
        command=command,
        text=text,
        channel_id=channel_id,
    )


@pytest.mark.parametrize(
    ("command", "text"),
    [
        ("coach", "export"),
        ("coach", "EXPORT"),
        ("coach", "export everything"),
    ],
)
def test_the_export_says_it_is_being_put_together(
    engine: Engine, content: Content, command: str, text: str
) -> None:
    assert engine.slow_pointer(typed(command, text)) == content.coach.toolkit.export_preparing


@pytest.mark.parametrize(
    "text",
    [
        "toolkit 3",
        "Toolkit  step-2",
        "plan",
        "plan balance",
        "plan  BALANCE ",
        "  plan",
        "assess history",
        "assess History",
    ],
)
def test_what_draws_pictures_continues_in_the_direct_messages(
    engine: Engine, content: Content, text: str
) -> None:
    assert engine.slow_pointer(typed("coach", text)) == content.coach.general.continue_in_dm


@pytest.mark.parametrize(
    ("command", "text"),
    [
        ("coach", ""),
        ("coach", "help"),
        ("coach", "toolkit"),
        ("coach", "toolkit   "),
        ("coach", "plan actions"),
        ("coach", "plan settings"),
        ("coach", "assess"),
        ("coach", "assess leadership"),
        ("coach", "reflections"),
        ("coach", "forget"),
        ("coach", "subscribe"),
        ("coach", "nonsense"),
        ("reflect", "export"),
        ("checkin", "plan"),
        ("lantern", "export"),
    ],
)
def test_everything_else_is_quick(engine: Engine, command: str, text: str) -> None:
    assert engine.slow_pointer(typed(command, text)) is None


def test_only_a_command_can_be_slow(engine: Engine) -> None:
    said = Inbound(
        platform="slack",
        workspace_id="T-library",
        user_id="U-ana",
        kind=InboundKind.TEXT,
        command="coach",
        text="export",
    )
    assert engine.slow_pointer(said) is None
    assert not engine.acts_on_channel(said)


@pytest.mark.parametrize("text", ["subscribe", "pause", "RESUME", "unsubscribe now"])
def test_the_team_commands_typed_in_a_channel_act_on_it(engine: Engine, text: str) -> None:
    assert engine.acts_on_channel(typed("coach", text, channel_id="C-staff"))


@pytest.mark.parametrize(
    ("command", "text", "channel_id"),
    [
        ("coach", "subscribe", None),  # a DM: no channel to act on
        ("coach", "plan", "C-staff"),
        ("coach", "", "C-staff"),
        ("coach", "export", "C-staff"),
        ("reflect", "subscribe", "C-staff"),
        ("subscribe", "", "C-staff"),
    ],
)
def test_other_commands_do_not(
    engine: Engine, command: str, text: str, channel_id: str | None
) -> None:
    assert not engine.acts_on_channel(typed(command, text, channel_id=channel_id))


def translated(content: Content) -> Content:
    """The same content with other words for /reflect and `/coach plan`."""
    words = content.coach.command_words
    renamed = words.model_copy(
        update={
            "slash": {**words.slash, "reflect": "/reflexion"},
            "sub": {**words.sub, "plan": "plano"},
        }
    )
    slash_commands = dict(content.coach.slash_commands)
    slash_commands["/reflexion"] = slash_commands.pop("/reflect")
    coach = content.coach.model_copy(
        update={"command_words": renamed, "slash_commands": slash_commands}
    )
    return content.model_copy(update={"coach": coach})


def test_a_translated_word_moves_the_command(content: Content, database: Database) -> None:
    engine = Engine(content=translated(content), database=database)
    chat = ChatScript(engine)
    chat.command("reflexion", "Listened more than I spoke today.")
    assert chat.text.startswith(content.coach.reflect.saved_free)
    assert engine.slow_pointer(typed("coach", "plano balance")) is not None
    assert engine.slow_pointer(typed("coach", "plan balance")) is None
    chat.command("reflect", "not a command any more")
    unknown = content.coach.general.unknown_command.format(name="/reflect")
    assert chat.text.startswith(unknown)


def test_a_command_without_words_stops_the_engine_from_starting(
    content: Content, database: Database
) -> None:
    words = content.coach.command_words
    without = {key: word for key, word in words.sub.items() if key != "export"}
    coach = content.coach.model_copy(
        update={"command_words": words.model_copy(update={"sub": without})}
    )
    with pytest.raises(ValueError, match="toolkit flow's command 'export' has no words"):
        Engine(content=content.model_copy(update={"coach": coach}), database=database)


def with_argument_words(content: Content, command: str, **words: str) -> Content:
    """The same content with other words for some of a command's first words."""
    command_words = content.coach.command_words
    arguments = {**command_words.arguments}
    arguments[command] = {**arguments.get(command, {}), **words}
    coach = content.coach.model_copy(
        update={"command_words": command_words.model_copy(update={"arguments": arguments})}
    )
    return content.model_copy(update={"coach": coach})


def test_a_translated_argument_word_reaches_it(content: Content, database: Database) -> None:
    """The flow sees the argument's id whatever word was typed for it; the id itself (the
    English word) still works, as a fallback."""
    engine = Engine(
        content=with_argument_words(content, "assess", history="historique"), database=database
    )
    assert engine.slow_pointer(typed("coach", "assess historique")) is not None
    assert engine.slow_pointer(typed("coach", "assess HISTORIQUE")) is not None
    assert engine.slow_pointer(typed("coach", "assess")) is None
    chat = ChatScript(engine)
    history = chat.command("coach", "assess historique")
    assert history.replies == chat.command("coach", "assess history").replies
    assert history.replies != chat.command("coach", "assess").replies


def test_an_argument_without_words_stops_the_engine_from_starting(
    content: Content, database: Database
) -> None:
    command_words = content.coach.command_words
    arguments = {**command_words.arguments, "plan": {"actions": "actions"}}
    coach = content.coach.model_copy(
        update={"command_words": command_words.model_copy(update={"arguments": arguments})}
    )
    with pytest.raises(ValueError, match=r"'plan' has no words .* for settings, goals, add"):
        Engine(content=content.model_copy(update={"coach": coach}), database=database)
