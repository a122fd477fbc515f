"""load_before_fork: what the first export would load is loaded at once, in the calling process."""

from __future__ import annotations

import subprocess
import sys
import textwrap

# A process of its own: the test process has long since drawn pictures.
LOADED_BEFORE_AND_AFTER = textwrap.dedent(
    """
    import bot.wiring
    from matplotlib import font_manager
    from bot.documents.warm import load_before_fork

    before = font_manager._get_font.cache_info().currsize
    load_before_fork()
    print(before, font_manager._get_font.cache_info().currsize)
    """
)


def test_the_fonts_are_loaded_before_any_picture_is_asked_for() -> None:
    answer = subprocess.run(
        [sys.executable, "-c", LOADED_BEFORE_AND_AFTER],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    before, after = (int(count) for count in answer.stdout.split())
    assert before == 0  # importing the web app draws nothing
    assert after >= 1
