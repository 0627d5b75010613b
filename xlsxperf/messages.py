"""Helpers for the one-line messages the tool shows users (no I/O, imports nothing)."""

from __future__ import annotations


def one_line(text: object, limit: int = 200) -> str:
    """``text`` on one line, at most ``limit`` characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


def error_detail(e: BaseException, limit: int = 160) -> str:
    """An exception as ``Type: message`` on one line, for a finding or a log line."""
    return one_line(f"{type(e).__name__}: {e}", limit)
