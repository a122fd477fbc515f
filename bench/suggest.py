"""How long the free-text answer's ranking takes: building the BM25 index of the sources once
(a fresh process: the import of bm25s and numpy, then the index), and ranking each of the 20
situations of tests/bot/flows/test_suggest.py (median and worst of N runs per message).

    python bench/suggest.py [--runs 51]

Target (issue 13, item 8): under 50 ms per message.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.flows import suggest  # noqa: E402
from bot.flows.ranking import index_for  # noqa: E402
from content import default_content  # noqa: E402
from tests.bot.flows.test_suggest import SITUATIONS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=51)
    runs = parser.parse_args().runs
    content = default_content()

    started = time.perf_counter()
    import bm25s  # noqa: F401
    import Stemmer  # noqa: F401

    imported = time.perf_counter() - started
    started = time.perf_counter()
    index = index_for(content)
    built = time.perf_counter() - started
    print(
        f"index: {len(index.passages)} passages; importing bm25s, numpy and PyStemmer "
        f"{imported * 1000:.0f} ms, then building {built * 1000:.0f} ms (once per content)"
    )

    per_message: list[float] = []
    worst = 0.0
    for message, _, _ in SITUATIONS:
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            suggest.suggestion(content, message)
            times.append(time.perf_counter() - started)
        per_message.append(statistics.median(times))
        worst = max(worst, *times)
    print(
        f"per message ({len(SITUATIONS)} messages, {runs} runs each): "
        f"median {statistics.median(per_message) * 1000:.2f} ms, "
        f"slowest median {max(per_message) * 1000:.2f} ms, worst single {worst * 1000:.2f} ms"
    )


if __name__ == "__main__":
    main()
