"""The real `lantern chat` in a pseudo-terminal, for tests that type as a person would.

    with PtyChat.start(tmp_path) as chat:
        chat.wait_for_prompt()
        chat.send_line("/reflect")
        chat.wait_for("Saved")
        assert "Saved" in chat.transcript()

Each chat has its own SQLite database and data folder in `tmp_path`, a fixed time zone, and no
Slack settings. Waits look for text (or for the prompt being drawn), never sleep for a while:
on a slow, busy machine a chat may take many seconds to start, so the timeouts are generous.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pexpect
import pyte

START_TIMEOUT = 120.0
"""Seconds for the first prompt: the process imports everything and migrates its database."""

TIMEOUT = 60.0
"""Seconds for anything else to appear."""

PROMPT_READY = "\x1b[?2004h"
"""What prompt_toolkit writes each time it starts asking for input (it turns on bracketed paste
mode), so a test knows the chat is waiting for a line, whatever the prompt's text."""

PROMPT_DRAWN = "\x1b[?25h"
"""What prompt_toolkit writes last when it has drawn the prompt (it shows the cursor again)."""

PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"

# CSI (with private parameters), OSC (ended by BEL or ST), the other two-character escapes,
# and the charset selections: everything a terminal would not show as text.
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|\x1b[()][0-9A-Za-z]"
    r"|\x1b[=>NOMDE78c]"
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def strip_ansi(text: str) -> str:
    """The text with every terminal escape sequence and control character (but newlines and
    tabs) removed; a carriage return is dropped, so `\\r\\n` is one newline."""
    return _CONTROLS.sub("", _ANSI.sub("", text))


def chat_database_url(tmp_path: Path) -> str:
    """The database a chat started in `tmp_path` uses: seed it, or read what was stored."""
    return f"sqlite:///{tmp_path}/chat.db"


def chat_environment(tmp_path: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a chat: its own database, data folder and home, no Slack."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("SLACK_", "LANTERN_", "TEST_DATABASE"))
        and name not in {"DATABASE_URL", "LOG_LEVEL", "LOG_FORMAT", "TZ"}
    }
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env.update(
        DATABASE_URL=chat_database_url(tmp_path),
        LANTERN_DATA_DIR=str(tmp_path / "data"),
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        # prompt_toolkit would ask the terminal where the cursor is and wait for the answer.
        PROMPT_TOOLKIT_NO_CPR="1",
        TERM="xterm",
        PYTHONUNBUFFERED="1",
        PYTHONIOENCODING="utf-8",
        LANG="C.UTF-8",
        LC_ALL="C.UTF-8",
    )
    env.pop("NO_COLOR", None)
    env.update(extra or {})
    return env


class PtyChat:
    """One `lantern chat` process in a pseudo-terminal, and what it has shown so far."""

    def __init__(self, child: pexpect.spawn, *, rows: int, columns: int) -> None:
        self.child = child
        self._raw = ""
        self._mark = 0  # where the next wait starts looking, in the raw output
        self._screen = pyte.Screen(columns, rows)
        self._stream = pyte.Stream(self._screen)

    @classmethod
    @contextmanager
    def start(
        cls,
        tmp_path: Path,
        *,
        user: str = "ana",
        tz: str | None = "Europe/London",
        args: Sequence[str] = (),
        env: dict[str, str] | None = None,
        rows: int = 50,
        columns: int = 160,
    ) -> Iterator[PtyChat]:
        """Start `lantern chat` (as `python -m bot.cli chat`) in `tmp_path`; it is ended when
        the block is left, with /quit if it still runs, and killed if that is not enough."""
        command = [
            "-m",
            "bot.cli",
            "chat",
            "--user",
            user,
            *(("--tz", tz) if tz is not None else ()),
            *args,
        ]
        child = pexpect.spawn(
            sys.executable,
            command,
            cwd=str(tmp_path),
            env=chat_environment(tmp_path, env),
            encoding="utf-8",
            codec_errors="replace",
            dimensions=(rows, columns),
            timeout=TIMEOUT,
        )
        chat = cls(child, rows=rows, columns=columns)
        try:
            yield chat
        finally:
            chat.close()

    # What the process has written.

    def _pump(self, timeout: float) -> bool:
        """Read what is there (waiting at most `timeout` seconds); False once it has ended."""
        if self.child.closed:  # ended and waited for: everything it wrote was read
            return False
        try:
            data = self.child.read_nonblocking(size=1 << 16, timeout=timeout)
        except pexpect.TIMEOUT:
            return True
        except pexpect.EOF:
            return False
        self._raw += data
        self._stream.feed(data)
        return True

    def _wait(self, found: str, *, raw: bool, timeout: float) -> str:
        """Wait until `found` appears after the mark; move the mark just past it and return what
        was shown (without escapes) from the old mark to there."""
        deadline = time.monotonic() + timeout
        alive = True
        while True:
            window = self._raw[self._mark :]
            seen = window if raw else strip_ansi(window)
            if found in seen:
                end = self._end_of(found, window, raw=raw)
                shown = strip_ansi(window[:end])
                self._mark += end
                return shown
            if not alive or time.monotonic() > deadline:
                reason = "the chat ended" if not alive else f"{timeout:.0f} s passed"
                raise AssertionError(
                    f"{found!r} did not appear ({reason}); shown since the last wait:\n"
                    f"{strip_ansi(window)[-4000:]}"
                )
            alive = self._pump(min(0.5, max(0.05, deadline - time.monotonic())))

    @staticmethod
    def _end_of(found: str, window: str, *, raw: bool) -> int:
        """The shortest prefix of `window` that shows `found` (a binary search: a longer prefix
        never shows less)."""
        low, high = len(found), len(window)
        while low < high:
            middle = (low + high) // 2
            prefix = window[:middle]
            if found in (prefix if raw else strip_ansi(prefix)):
                high = middle
            else:
                low = middle + 1
        return high

    def wait_for(self, text: str, timeout: float = TIMEOUT) -> str:
        """Wait until `text` is shown; return everything shown since the last wait up to it."""
        return self._wait(text, raw=False, timeout=timeout)

    def wait_for_prompt(self, timeout: float = TIMEOUT) -> str:
        """Wait until the chat asks for a line; return what it showed before asking."""
        return self._wait(PROMPT_READY, raw=True, timeout=timeout)

    def wait_for_prompt_drawn(self, timeout: float = TIMEOUT) -> str:
        """Wait until the chat asks for a line and has drawn the whole prompt (a placeholder
        too), so `screen()` shows it as a person sees it; what it showed before asking."""
        shown = self.wait_for_prompt(timeout)
        self._wait(PROMPT_DRAWN, raw=True, timeout=timeout)
        return shown

    def wait_for_start(self) -> str:
        """The first prompt, with the time a fresh process needs."""
        return self.wait_for_prompt(START_TIMEOUT)

    def wait_for_screen(self, text: str, timeout: float = TIMEOUT) -> str:
        """Wait until the screen, as a terminal shows it now, has `text`; the screen."""
        deadline = time.monotonic() + timeout
        while True:
            alive = self._pump(0.2)
            shown = self.screen()
            if text in shown:
                return shown
            if not alive or time.monotonic() > deadline:
                raise AssertionError(f"{text!r} is not on the screen:\n{shown}")

    def wait_for_exit(self, timeout: float = TIMEOUT) -> int:
        """Wait until the process ends; its exit status."""
        deadline = time.monotonic() + timeout
        while self._pump(0.5):
            if time.monotonic() > deadline:
                raise AssertionError(f"the chat did not end:\n{self.transcript()[-4000:]}")
        self.child.close()
        return self.child.exitstatus if self.child.exitstatus is not None else -1

    def transcript(self) -> str:
        """Everything shown since the start, escapes removed (a redrawn line may repeat)."""
        self._pump(0)
        return strip_ansi(self._raw)

    def screen(self) -> str:
        """The screen as the terminal shows it now, one line per row, trailing blanks cut."""
        self._pump(0)
        return "\n".join(line.rstrip() for line in self._screen.display).rstrip()

    # What a person types.

    def send_line(self, text: str) -> None:
        """Type `text` and press Enter."""
        self.child.send(text + "\r")

    def send_keys(self, keys: str) -> None:
        """Send these characters as they are (escape sequences, Tab, arrows)."""
        self.child.send(keys)

    def send_paste(self, text: str, *, enter: bool = True) -> None:
        """Paste `text` as a terminal does with bracketed paste, then (by default) press Enter."""
        self.child.send(PASTE_START + text.replace("\n", "\r") + PASTE_END)
        if enter:
            self.child.send("\r")

    def send_eof(self) -> None:
        """Ctrl-D."""
        self.child.sendcontrol("d")

    UP = "\x1b[A"
    TAB = "\t"
    ALT_ENTER = "\x1b\r"

    def close(self) -> None:
        if self.child.isalive():
            try:
                self.send_line("/quit")
                self.child.expect(pexpect.EOF, timeout=20)
            except (pexpect.TIMEOUT, pexpect.EOF, OSError):
                pass
        if self.child.isalive():
            self.child.terminate(force=True)
        self.child.close()
