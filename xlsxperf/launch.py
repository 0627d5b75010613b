"""The ``xlsxperf`` command's entry point.

Importing the command line takes a moment; a Ctrl-C or SIGTERM in that moment (a scheduler
stopping a run that has just started) must end the process with one line and the usual exit
code, never with a traceback from inside an import. Once the command line is loaded, its own
handling takes over.
"""

from __future__ import annotations

import signal
import sys
from types import FrameType


def _stopped_early(signum: int, frame: FrameType | None) -> None:
    sys.stderr.write("xlsxperf: 已中断（interrupted）\n")
    raise SystemExit(128 + signum)


def main() -> None:
    caught = (signal.SIGINT, signal.SIGTERM)
    before = {s: signal.signal(s, _stopped_early) for s in caught}
    from .cli import main as cli_main

    for s, handler in before.items():
        signal.signal(s, handler)
    cli_main()
