"""The terminal chat, driven line by line, and the real `lantern chat` in a subprocess."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bot.adapters.console.chat import ConsoleChat, terminal_console, to_inbound, to_markup
from bot.core.clock import FixedClock
from bot.core.messages import Choice, InboundKind
from bot.core.schedule import NUDGE_MODES
from bot.engine.plan_store import apply_plan_effect
from bot.engine.turns import Engine
from bot.flows.plan_model import SaveNudgeSettings
from content import Content
from storage.database import Database
from storage.models import Answer, Person, WorkRecord
from tests.pty_chat import chat_environment


def run_chat(engine: Engine, lines: list[str], user: str = "ana") -> str:
    feed: Iterator[str] = iter(lines)
    output = io.StringIO()

    def read(_prompt: str) -> str | None:
        return next(feed, None)

    ConsoleChat(
        engine=engine,
        user_id=user,
        time_zone="Europe/London",
        read=read,
        console=terminal_console(output, width=200),
    ).run()
    return output.getvalue()


def test_lines_become_commands_choices_and_text() -> None:
    choices = (Choice("toolkit:start:", "Start"), Choice("reflect:start:", "Reflect"))
    as_choice = to_inbound("2", user_id="u", time_zone=None, choices=choices)
    assert (as_choice.kind, as_choice.choice) == (InboundKind.CHOICE, "reflect:start:")
    as_text = to_inbound("3", user_id="u", time_zone=None, choices=choices)
    assert (as_text.kind, as_text.text) == (InboundKind.TEXT, "3")
    command = to_inbound("/reflect a thought", user_id="u", time_zone=None, choices=())
    assert (command.command, command.text) == ("reflect", "a thought")
    shortcut = to_inbound("/toolkit 3", user_id="u", time_zone=None, choices=())
    assert (shortcut.command, shortcut.text) == ("coach", "toolkit 3")


def test_markup_is_escaped_before_styling() -> None:
    assert to_markup("*bold* and [red]x[/red]") == "[bold]bold[/bold] and \\[red]x\\[/red]"


def test_reflect_with_todays_prompt_as_a_form(engine: Engine, content: Content) -> None:
    # A multi-line answer arrives as one read (a paste, or Alt-Enter between its lines).
    out = run_chat(engine, ["/reflect", "First line\nsecond line", "/reflections", "/quit"])
    assert content.coach.reflect.saved in out
    assert "First line" in out
    assert "second line" in out
    assert "Your progress is saved" in out


def test_an_empty_answer_to_a_required_field_asks_again_and_cancel_leaves(
    engine: Engine, content: Content
) -> None:
    # Once, an empty first line left the form silently; now it is asked again, with a hint.
    out = run_chat(
        engine, ["/reflect", "", "cancel", "an ordinary line afterwards", "/reflections"]
    )
    assert content.coach.console.required_field.strip("_") in out
    assert content.coach.console.form_left_kept in out
    assert out.count("coach for library leaders") == 2  # welcomed again: not a reflection
    assert "haven't saved a reflection yet" in out


def test_a_command_inside_a_form_leaves_it_unsaved_and_runs(
    engine: Engine, content: Content
) -> None:
    out = run_chat(engine, ["/reflect", "/reflections", "", "/quit", "never read"])
    assert content.coach.console.form_left_kept in out
    assert content.coach.reflect.history_empty in out
    assert content.coach.console.goodbye in out


def test_emoji_shortcodes_are_shown_as_typed(engine: Engine) -> None:
    out = run_chat(engine, ["/reflect A good day :tada:"])
    assert ":tada:" in out


def test_form_errors_ask_again(engine: Engine, content: Content) -> None:
    out = run_chat(engine, ["/reflect", "🙂", "", "Words this time", ""])
    assert content.coach.reflect.no_words in out
    assert content.coach.reflect.saved in out


def test_numbered_choices_and_resuming_in_a_new_session(engine: Engine, content: Content) -> None:
    step = content.toolkit.steps[0]
    # [1] in the welcome shows the steps; [1] there opens Step 1.
    out = run_chat(engine, ["1", "1", "My fixed side: feedback.", "/quit"])
    assert step.reflection_questions[0].text in out
    assert step.reflection_questions[1].text in out
    again = run_chat(engine, ["/quit"])
    assert "answered 1 of 5" in again
    assert step.reflection_questions[1].text in again


def test_home_page(engine: Engine, content: Content) -> None:
    out = run_chat(engine, ["/reflect Quick one", "/home"])
    assert "What's next" in out
    assert "Quick one" in out


def test_the_real_command_quits_and_resumes(tmp_path: Path, content: Content) -> None:
    env = chat_environment(tmp_path, {"TZ": "UTC"})

    def lantern_chat(typed: str) -> subprocess.CompletedProcess[str]:
        finished = subprocess.run(
            [sys.executable, "-m", "bot.cli", "chat", "--user", "ana"],
            input=typed,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
            check=False,
        )
        assert finished.returncode == 0, finished.stderr
        return finished

    lantern_chat("/toolkit 1\nanswer one\n/quit\n")
    second = lantern_chat("")
    assert "answered 1 of 5" in second.stdout
    assert content.toolkit.steps[0].reflection_questions[1].text in second.stdout.replace("\n", " ")

    # Piped in, a line of any length is read whole (no terminal stands between).
    long = lantern_chat("/reflect " + "y" * 10_000 + "\n/quit\n")
    assert re.search(r"That's 10,?000 characters", long.stdout), long.stdout[-500:]


def run_chat_at(engine: Engine, lines: list[str], exports: Path) -> str:
    feed = iter(lines)
    output = io.StringIO()
    ConsoleChat(
        engine=engine,
        user_id="ana",
        time_zone="Europe/London",
        read=lambda _prompt: next(feed, None),
        console=terminal_console(output, width=200),
        exports=exports,
    ).run()
    return output.getvalue()


def records(database: Database) -> list[dict[str, str]]:
    with database.unit_of_work() as uow:
        return [dict(r.data) for r in uow.session.scalars(select(WorkRecord))]


def test_optional_fields_can_be_left_empty_without_losing_the_form(
    engine: Engine, database: Database, tmp_path: Path
) -> None:
    # Step 7 opens; [6] "More in this step"; [4] "Looking ahead"; [1] "Fill in"; then three
    # optional fields: the first answered, the other two left empty.
    run_chat_at(engine, ["/toolkit 7", "6", "4", "1", "We listened well.", "", "", ""], tmp_path)
    assert records(database) == [{"went-well": "We listened well."}]


def test_the_scale_is_typed_as_its_own_numbers(
    engine: Engine, database: Database, tmp_path: Path
) -> None:
    # Step 1 ([1]-[3] tick, [4] More; the question's [5]-[8], [8] More), [3] the continuum,
    # [1] Add: a label, then "10" on the 0-10 scale.
    out = run_chat_at(engine, ["/toolkit 1", "8", "3", "1", "try new things", "10"], tmp_path)
    assert "[0]" in out
    assert "[10]" in out
    assert records(database) == [{"label": "try new things", "position": "10"}]


def test_a_number_from_an_earlier_screen_is_not_taken_as_an_answer(
    engine: Engine, database: Database, content: Content, tmp_path: Path
) -> None:
    out = run_chat_at(engine, ["/toolkit 1", "1", "9"], tmp_path)  # [1] ticks: 9 is no option
    assert content.coach.console.not_an_option in out
    with database.unit_of_work() as uow:
        assert uow.session.scalars(select(Answer)).first() is None


def test_a_cancelled_form_shows_where_things_stand(
    engine: Engine, content: Content, tmp_path: Path
) -> None:
    # Step 1, [8] More, [3] the continuum, [1] Add, then cancel.
    out = run_chat_at(engine, ["/toolkit 1", "8", "3", "1", "cancel"], tmp_path)
    assert content.coach.console.form_left_kept in out
    after = out.split(content.coach.console.form_left_kept, 1)[1]
    assert content.toolkit_work.section("continuum").title in after
    assert content.coach.labels.add_record in after


def test_each_export_gets_a_folder_of_its_own(engine: Engine, tmp_path: Path) -> None:
    run_chat_at(engine, ["/export", "/export"], tmp_path)
    folders = sorted(p.name for p in (tmp_path / "ana").iterdir())
    assert folders == ["reflection-guide-2026-11-23", "reflection-guide-2026-11-23-2"]
    for folder in folders:
        assert (tmp_path / "ana" / folder / f"{folder.removesuffix('-2')}.md").exists()


def test_a_form_is_asked_without_the_buttons_meant_for_when_it_cannot_open(
    engine: Engine, content: Content, tmp_path: Path
) -> None:
    # Step 7, [6] More, [4] Looking ahead, [1] Fill in: the form starts at once.
    out = run_chat_at(engine, ["/toolkit 7", "6", "4", "1", "", "", ""], tmp_path)
    section = content.toolkit_work.section("looking-ahead")
    before_the_form = out.split(f"{section.form_title} (", 1)[0]
    asked = before_the_form.rsplit(section.intro, 1)[1]  # from the reply opening the form
    assert content.coach.labels.done_with_work not in asked
    assert content.coach.labels.done_with_work in out  # ... shown after it, with the list


def test_what_fell_due_between_chats_is_shown_first(
    engine: Engine, clock: FixedClock, content: Content
) -> None:
    run_chat(engine, ["/plan add", "Board chair", "1", "1", "1", "", "", "/quit"])
    first = run_chat(engine, ["/quit"])
    assert "Board chair" not in first  # added today, due in a week

    clock.advance_to(clock.now() + timedelta(days=8))
    # The nudge's own numbers stay on screen until it is seen to: its [5] is "Skip this time"
    # (before, the welcome's four choices replaced them and "5" was refused).
    later = run_chat(engine, ["5", "/quit"])

    assert "[5] " + content.checkin.labels.skip in later
    assert content.coach.console.not_an_option not in later
    skipped = content.checkin.reminders.skipped.split("{", 1)[0].rstrip("* ")
    assert later.index("Board chair") < later.index(skipped)
    # The menu comes once the nudge was answered and Enter pressed.
    assert later.index(skipped) < later.index(content.coach.labels.start_toolkit)


def test_a_digit_int_cannot_read_is_taken_as_text_not_a_crash(engine: Engine) -> None:
    output = run_chat(engine, ["²", "/quit"])

    assert "Traceback" not in output
    assert to_inbound("²", user_id="ana", time_zone=None, choices=()).kind is InboundKind.TEXT


def test_the_terminal_shows_one_due_day_and_an_honest_balance(
    engine: Engine, content: Content
) -> None:
    """Issue 13, items 6 and 7, on screen: the check-in's promise, the plan and the home page
    name the same day for a 45-day rhythm (said exactly, not "about a month"), and the balance
    neither calls four missing constituencies "every constituency" nor a new plan "0 of 1"."""
    add = ["/plan add", "Board chair", "1", "1", "5", "45", "", ""]
    out = run_chat(engine, [*add, "/checkin Board chair: talked budget", "/plan", "/home", "/quit"])
    flat = " ".join(out.split())

    assert "every 45 days" in flat
    assert "I'll nudge you again in 45 days, on Thu 7 Jan 2027." in flat
    assert "about a month" not in flat
    assert "next due Thu 7 Jan 2027" in flat
    assert "Board chair: next check-in Thu 7 Jan 2027" in flat
    assert "governing authority: 1 check-in logged, none planned yet (ahead of plan)" in flat
    assert "No relationships in your plan yet with: staff, community, profession, yourself." in (
        flat
    )
    assert content.balance.encourage_on_track_some in flat
    assert "Every constituency is getting its share" not in flat
    assert " of 1 planned check-ins" not in flat


def test_help_lists_the_terminals_own_commands_beside_the_coachs(
    engine: Engine, content: Content
) -> None:
    out = run_chat(engine, ["/help", "/quit"])
    coach_help = out.index(content.coach.commands["help"].usage)
    terminal = out.index(content.coach.console.terminal_help.split("\n", 1)[0].strip("*"))
    assert coach_help < terminal
    for command in ("/home", "/quit", "/toolkit", "/plan", "/reflections", "/export"):
        assert command in out[terminal:]


def test_a_digest_person_gets_the_digest_when_due_not_each_nudge(
    engine: Engine, clock: FixedClock, content: Content
) -> None:
    run_chat(engine, ["/plan add", "Board chair", "1", "1", "1", "", "", "/quit"])
    with engine.database.unit_of_work() as uow:
        (person,) = uow.session.scalars(select(Person))
        apply_plan_effect(
            uow,
            person,
            SaveNudgeSettings(frozenset({1, 2, 3, 4, 5}), 9 * 60, 17 * 60, "weekly", False),
            clock.now(),
        )
    digest = content.checkin.digest

    clock.advance_to(clock.now() + timedelta(days=8))  # the board chair is due, and the digest
    first = run_chat(engine, ["/quit"])
    assert digest.heading.one in first
    assert content.checkin.labels.skip not in first  # not the single nudge

    clock.advance_to(clock.now() + timedelta(hours=2))  # the same week: not again
    again = run_chat(engine, ["/quit"])
    assert digest.heading.one not in again
    assert content.checkin.labels.skip not in again

    clock.advance_to(clock.now() + timedelta(days=7))  # next week's digest
    assert digest.heading.one in run_chat(engine, ["/quit"])


def test_the_time_zone_is_set_in_plan_settings_and_kept(
    engine: Engine, content: Content, database: Database
) -> None:
    out = run_chat(
        engine,
        [
            "/plan settings",
            "Asia/Tokyo",
            "1,2,3,4,5",
            "9:00",  # times are typed as times
            "17:00",
            str(NUDGE_MODES.index("each") + 1),
            "1",
            "/plan settings",  # the next turn of the same chat keeps it
            "/quit",
        ],
    )
    assert "Times are in Europe/London" in out  # run_chat's zone, like --tz
    intro = content.plan.settings.intro.split("{", 1)[0]
    assert out.rsplit(intro, 1)[1].startswith("Asia/Tokyo")
    with database.reading() as uow:
        (person,) = uow.session.scalars(select(Person))
        assert person.time_zone == "Asia/Tokyo"
