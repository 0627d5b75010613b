"""xlsxperf: check departments' budget-performance self-evaluation workbooks.

The library is the product; the command line (``xlsxperf``) is a thin layer over it::

    import xlsxperf

    ev = xlsxperf.evaluate("2022_经济合作局.xlsx")          # read, check and score one workbook
    ev.status, ev.metrics["score.computed"], ev.findings
    xlsxperf.write_evaluation(ev, "评价结果.xlsx")           # the evaluation workbook

    config = xlsxperf.load_config("xlsxperf.toml")          # a profile, thresholds, rule selection
    ev = xlsxperf.evaluate("other.xlsx", config)

Names are imported on first use, so ``import xlsxperf`` stays light.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .calc import IndicatorCalc, ProjectCalc
    from .config import Config, ConfigError, default_config
    from .evaluation import Evaluation, evaluate, evaluate_submission
    from .model import Finding, Severity, Status, Submission
    from .read import read_submission
    from .report import write_evaluation
    from .report.annotate import annotate

__all__ = [
    "Config", "ConfigError", "Evaluation", "Finding", "IndicatorCalc", "ProjectCalc", "Severity",
    "Status", "Submission", "__version__", "annotate", "default_config", "evaluate",
    "evaluate_submission", "load_config", "read_submission", "write_evaluation",
]

_LAZY = {
    "Config": "config", "ConfigError": "config", "default_config": "config",
    "Evaluation": "evaluation", "evaluate": "evaluation", "evaluate_submission": "evaluation",
    "Finding": "model", "Severity": "model", "Status": "model", "Submission": "model",
    "IndicatorCalc": "calc", "ProjectCalc": "calc",
    "read_submission": "read",
    "annotate": "report", "write_evaluation": "report",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'xlsxperf' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def load_config(path: str | Path | None = None, cwd: Path | None = None) -> Config:
    """The configuration from ``path``, else ``xlsxperf.toml`` in ``cwd`` (default: the working
    directory), else the defaults; rule codes in it are checked against the catalogue.

    Raises :class:`ConfigError` (its message names the file and the key) for a bad file."""
    from .config import load_config as load
    from .rules import codes

    return load(path, cwd, codes=codes())
