"""xlsxperf: check departments' budget-performance self-evaluation workbooks.

``xlsxperf.evaluate(path)`` reads a submission, cross-checks it and scores it; the command
line (``xlsxperf``) is a thin layer over it.
"""

from ._version import __version__

__all__ = ["__version__"]
