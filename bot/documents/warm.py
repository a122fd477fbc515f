"""Loading the drawing and Word code in a server's first process, before it forks."""

from __future__ import annotations

import io


def load_before_fork() -> None:
    """Import matplotlib and python-docx, draw one small picture (fonts load with the first
    text drawn) and open Word's template. In gunicorn's master, before it forks, every web
    process then starts with them, shared; otherwise each grew by about 15 MB at its first
    export (bench/load.py), and that export waited for the imports."""
    import docx

    from bot.documents import assessment_chart, balance_chart, pictures  # noqa: F401
    from bot.documents.model import ContinuumItem, ContinuumWords

    pictures.draw_continuum(
        [ContinuumItem("Lantern", 0.5)], ContinuumWords("Lantern", "a", "b", "c"), dpi=20
    )
    docx.Document().save(io.BytesIO())
