"""Work on untrusted files in child processes that cannot take the caller down with them.

- :func:`limit_memory` caps a child's address space (``[limits] memory_mb``);
- :func:`child_setup` makes a forked child die with its parent (Linux: ``PR_SET_PDEATHSIG``;
  elsewhere the closed pipe ends it) and leaves Ctrl-C and SIGTERM to the parent;
- :func:`call` runs one function in such a child under a time and a memory limit;
- :func:`attempt` and :func:`send_or_exit` let a child that ran out of memory still say so.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")

MEMORY_MESSAGE = "超过内存限制（memory limit exceeded）"
OUT_OF_MEMORY_EXIT = 86  # a child that ran out of memory and could not even say so exits with this


def crashed_message(exitcode: int | None) -> str:
    """What the parent says of a child that ended without an answer."""
    if exitcode == OUT_OF_MEMORY_EXIT:
        return MEMORY_MESSAGE
    return f"进程异常退出，退出码 {exitcode}（worker crashed）"


def time_limit_message(seconds: Any) -> str:
    return f"超过时间限制 {seconds:g} 秒（time limit exceeded）"


class LimitExceeded(Exception):
    """The child ran out of time or memory, or died; ``str(e)`` says which, in Chinese."""


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space at its current size plus ``megabytes``."""
    try:
        import resource
    except ImportError:  # Windows: the time limit still applies
        return
    try:
        with open("/proc/self/statm") as fh:
            current = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        current = 0
    cap = current + megabytes * 1024 * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ValueError, OSError):  # not supported here (macOS): the time limit still applies
        pass


def child_setup(parent_pid: int, inherited: Iterable[Any] = ()) -> None:
    """First thing in a forked child: close the pipe ends it inherited from its parent (or a
    child whose parent was killed waits on them forever), die with the parent, and leave
    SIGINT and SIGTERM to the parent, which stops its children itself."""
    for conn in inherited:
        try:
            conn.close()
        except OSError:
            pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    armed = False
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.name != "nt" and os.getppid() != parent_pid:  # the parent died before the signal was armed
        os._exit(1)
    if not armed:
        watch_parent()


def watch_parent(interval: float = 1.0) -> None:
    """Where there is no parent-death signal (macOS, Windows): a thread that ends this process
    once its parent is gone, even in the middle of a file that hangs."""
    import multiprocessing
    import threading

    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        while parent.is_alive():
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, name="xlsxperf-watch-parent", daemon=True).start()


def attempt(fn: Callable[..., T], *args: Any) -> tuple[T | None, str | None, str]:
    """``(fn(*args), None, "")``, or ``(None, message, traceback)`` when it raised.

    Running out of memory gives :data:`MEMORY_MESSAGE`, and only after the memory the failed
    call held is given back: inside the ``except`` block its frames are still alive (a sheet
    of small cell objects that filled the cap, in reference cycles), and even the few bytes
    the answer needs could not be had."""
    try:
        return fn(*args), None, ""
    except MemoryError:
        pass
    except BaseException as e:  # noqa: BLE001 - handed to the parent
        try:
            return None, f"{type(e).__name__}: {e}", traceback.format_exc()
        except MemoryError:
            pass
    gc.collect()  # out of the except block the frames are garbage; cycles need a collection
    return None, MEMORY_MESSAGE, ""


def send_or_exit(send: Callable[[Any], None], answer: Any) -> None:
    """Send ``answer``; a child that has no memory left to do so exits with
    :data:`OUT_OF_MEMORY_EXIT`, which the parent reads as the memory limit."""
    try:
        send(answer)
    except MemoryError:
        os._exit(OUT_OF_MEMORY_EXIT)


def context() -> Any:
    """The multiprocessing context: fork where there is one (children start in milliseconds
    and share the loaded modules), spawn on Windows."""
    import multiprocessing as mp

    return mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")


def _child(conn: Any, inherited: list[Any], parent_pid: int, memory_mb: int,
           fn: Callable[..., Any], args: tuple) -> None:
    child_setup(parent_pid, inherited)
    limit_memory(memory_mb)
    result, error, detail = attempt(fn, *args)
    send_or_exit(conn.send, ("ok", result) if error is None else ("error", error, detail))


def call(fn: Callable[..., Any], args: tuple, timeout_s: float, memory_mb: int) -> Any:
    """``fn(*args)`` in a child process within ``timeout_s`` seconds and ``memory_mb`` more
    megabytes. Raises LimitExceeded when a limit is hit or the child dies; re-raises an
    error of ``fn`` as RuntimeError carrying its message."""
    ctx = context()
    parent, child = ctx.Pipe(duplex=False)
    inherited = [parent] if ctx.get_start_method() == "fork" else []
    proc = ctx.Process(target=_child, args=(child, inherited, os.getpid(), memory_mb, fn, args),
                       daemon=True)
    proc.start()
    child.close()
    try:
        deadline = time.monotonic() + timeout_s
        while not parent.poll(0.2):
            if not proc.is_alive() and not parent.poll(0):
                raise LimitExceeded(crashed_message(proc.exitcode))
            if time.monotonic() > deadline:
                raise LimitExceeded(time_limit_message(timeout_s))
        try:
            answer = parent.recv()
        except (EOFError, OSError):
            proc.join(5)
            raise LimitExceeded(crashed_message(proc.exitcode)) from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()
    if answer[0] == "ok":
        return answer[1]
    if answer[1] == MEMORY_MESSAGE:
        raise LimitExceeded(MEMORY_MESSAGE)
    raise RuntimeError(answer[1])
