"""Batch runs over a shared folder (SPEC section 8), safe to leave unattended for years.

``run_batch(paths, outdir, config)`` evaluates every workbook under ``paths`` into ``outdir``:
one evaluation per submission, the summary workbook (评价汇总.xlsx), the JSON report and the
state that makes the next run incremental. Every failure costs one file, never the run; a run
that cannot do its job says so in one line (a BatchError) instead of passing for a success.

- :mod:`.discover` finds the submissions, and a row for everything else;
- :mod:`.lease` keeps two runs apart, on local disks and network shares;
- :mod:`.state` remembers verdicts, incrementally, and trusts nothing it reads back;
- :mod:`.documents` keeps each file's JSON document on disk, so that the run's memory does
  not grow with them;
- :mod:`.workers` evaluates in child processes that die with the run;
- :mod:`.years` decides which earlier file each submission is compared with (its unit's
  previous year), a part of what the state remembers;
- :mod:`.run` puts them together.

Logging goes to the ``xlsxperf`` logger; where it ends up is the caller's choice (the command
line writes OUTDIR/xlsxperf.log).
"""

from __future__ import annotations

from .discover import SPREADSHEETS, Discovery, Skipped, discover, shown
from .documents import DOCUMENTS_FOLDER
from .errors import (
    BatchError,
    DiskFull,
    Interrupted,
    LeaseLost,
    LockBusy,
    NoInputs,
    OutdirUnwritable,
    StateUnusable,
)
from .lease import LOCK_FILE, Lease
from .run import (
    LOG_FILE,
    MAX_TRIES,
    REPORT_FILE,
    SETTLE_SECONDS,
    SUMMARY_FILE,
    FileResult,
    Observer,
    RunResult,
    Source,
    Stop,
    ensure_writable,
    run_batch,
)
from .state import DELETED_FOLDER, JOURNAL_FILE, STATE_FILE
from .workers import evaluate_to

__all__ = [
    "DELETED_FOLDER", "DOCUMENTS_FOLDER", "JOURNAL_FILE", "LOCK_FILE", "LOG_FILE", "MAX_TRIES", "REPORT_FILE",
    "SETTLE_SECONDS", "SPREADSHEETS", "STATE_FILE", "SUMMARY_FILE", "BatchError", "Discovery",
    "DiskFull", "FileResult", "Interrupted", "Lease", "LeaseLost", "LockBusy", "NoInputs",
    "Observer", "OutdirUnwritable", "RunResult", "Skipped", "Source", "StateUnusable", "Stop",
    "discover", "ensure_writable", "evaluate_to", "run_batch", "shown",
]
