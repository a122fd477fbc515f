"""`/coach forget` and the data export in the terminal chat: numbered choices, files saved."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

from bot.adapters.console.chat import ConsoleChat, terminal_console
from bot.engine.turns import Engine
from content import Content


def run_chat(engine: Engine, lines: list[str], exports: Path) -> str:
    feed: Iterator[str] = iter(lines)
    output = io.StringIO()
    ConsoleChat(
        engine=engine,
        user_id="ana",
        time_zone="Europe/London",
        read=lambda _prompt: next(feed, None),
        console=terminal_console(output, width=300),
        exports=exports,
    ).run()
    return output.getvalue()


def test_forget_offers_numbered_choices_and_the_first_forgets(
    engine: Engine, content: Content, tmp_path: Path
) -> None:
    out = run_chat(
        engine,
        ["/reflect A thought", "/coach forget", "1", "/reflections", "/quit"],
        tmp_path,
    )
    words = content.privacy.forget
    asked = out.index("Forget me: delete everything Lantern keeps about you?")
    assert f"[1] {words.confirm}" in out[asked:]
    assert f"[2] {words.keep}" in out[asked:]
    assert "1 private reflection" in out
    done = out.index("Done: Lantern has forgotten you.")
    assert content.coach.reflect.history_empty in out[done:]


def test_keep_my_data_in_the_terminal_keeps_it(
    engine: Engine, content: Content, tmp_path: Path
) -> None:
    out = run_chat(
        engine, ["/reflect A thought", "/coach forget", "2", "/reflections", "/quit"], tmp_path
    )
    assert content.privacy.forget.kept in out
    assert "A thought" in out.split(content.privacy.forget.kept)[1]


def test_the_export_saves_the_json_next_to_the_guide(engine: Engine, tmp_path: Path) -> None:
    run_chat(engine, ["/reflect A thought for the file", "/export", "/quit"], tmp_path)
    [data_file] = tmp_path.rglob("lantern-export-*.json")
    data = json.loads(data_file.read_text(encoding="utf-8"))
    assert [r["text"] for r in data["tables"]["reflections"]] == ["A thought for the file"]
    assert list(data_file.parent.glob("reflection-guide-*.md"))
