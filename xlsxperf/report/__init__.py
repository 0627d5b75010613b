"""Output workbooks: the evaluation of one submission (评价结果) and its annotated copy.

- :func:`write_evaluation` writes the evaluation workbook to a path the caller chooses;
  :func:`output_name` suggests that path's file name from the unit and the year.
- :func:`annotate` writes a copy of the submission with each finding's cell coloured by
  severity and a note carrying the message.
"""

from __future__ import annotations

from .annotate import annotate
from .evaluation import evaluation_bytes, write_evaluation
from .names import output_name

__all__ = ["annotate", "evaluation_bytes", "output_name", "write_evaluation"]
