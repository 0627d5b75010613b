"""Python's cycle collector, paused while xlsxperf builds many long-lived objects.

Reading a large table, checking it and writing its evaluation make hundreds of thousands of
small objects (values, cells, findings, worksheet records) that all live until the work is
done and form no garbage cycles worth waiting for. The cycle collector would walk them again
and again as they grow (on a 50,000-row table, more than half the time of reading it). It
waits while such work runs, and collects once after it, so any cycle made meanwhile is still
freed.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(freeze: bool = False) -> Iterator[None]:
    """Pause the cycle collector for the block (nested pauses are free). ``freeze``: what
    exists when the block ends is kept out of every later round (for objects that live as
    long as the process, such as imported modules)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if collecting:
            gc.enable()
