"""release_free_memory: memory freed by work on several threads goes back to the system."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from bot.observability.memory import release_free_memory

# In a process of its own, so nothing else's memory moves the figures. Four threads allocate
# 200 MB in 2 kB pieces (past Python's small-object allocator, so glibc's malloc serves them,
# from per-thread arenas), then free all but one piece in fifty: the survivors pin every
# arena's top, so glibc trims nothing by itself. The RSS is read before and after the release.
FRAGMENTED_THEN_RELEASED = textwrap.dedent(
    """
    import threading
    from bot.observability.memory import release_free_memory

    def rss_mb():
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS"):
                    return int(line.split()[1]) / 1024

    kept = []

    def fragment():
        pieces = [bytes(2048) for _ in range(25_000)]
        kept.extend(pieces[::50])
        del pieces

    threads = [threading.Thread(target=fragment) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    before = rss_mb()
    released = release_free_memory()
    print(released, before, rss_mb())
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim is Linux's")
def test_memory_freed_on_several_threads_is_given_back() -> None:
    answer = subprocess.run(
        [sys.executable, "-c", FRAGMENTED_THEN_RELEASED],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    released, before, after = answer.stdout.split()
    assert released == "True"
    # 200 MB were allocated and 196 MB of it freed: most of that must leave the process.
    assert float(before) - float(after) > 100, answer.stdout


def test_it_says_whether_the_platform_can() -> None:
    assert release_free_memory() is sys.platform.startswith("linux")
