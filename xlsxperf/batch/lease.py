"""The lease on an output folder: one run at a time, on local disks and on SMB/NFS shares.

``OUTDIR/.xlsxperf.lock`` names the run holding the folder (a random run id, host, process,
start time). flock is not used: it is unreliable on network shares. Instead:

- **Taking it**: the lease file is created with create-exclusive; of two runs creating it at
  once, exactly one succeeds.
- **Holding it**: the holder refreshes the file's modification time every ``HEARTBEAT``
  seconds while it runs (:meth:`Lease.beat`), and checks that the lease still names it.
- **Stale**: a lease not refreshed for ``STALE`` seconds belongs to a run that has died,
  whatever host or process it names (process ids are reused after a reboot and mean nothing
  in another container). A lease whose process is gone on this very machine (same host, boot
  and process namespace) is stale at once.
- **Taking over** a stale lease is atomic: the contender first creates-exclusive a takeover
  ticket named after the stale lease's run id, checks the lease still holds that id, then
  replaces the lease with its own and checks it reads back. Two runs taking over at once
  cannot both win: only one gets the ticket, and the other then finds a different run id.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import time
import uuid
from pathlib import Path
from typing import Any

from ..files import atomic_write
from .errors import LeaseLost, LockBusy, from_os_error

LOCK_FILE = ".xlsxperf.lock"
HEARTBEAT = 20.0  # seconds between refreshes
STALE = 300.0  # a lease not refreshed for this long is stale
TICKET_STALE = 60.0  # a takeover ticket left behind by a contender that died

log = logging.getLogger("xlsxperf")


def _boot_id() -> str:
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as fh:
            return fh.read().strip()
    except OSError:
        return ""


def _pid_namespace() -> str:
    try:
        return str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists here. On Windows ``os.kill`` would end it: there a
    holder is alive until its lease's age says otherwise."""
    if os.name == "nt":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except (OSError, OverflowError, ValueError):
        return False
    return True


class Lease:
    """Hold ``outdir``'s lease for a ``with`` block; raises LockBusy after ``wait`` seconds."""

    def __init__(self, outdir: Path, wait: float = 10.0, stale: float = STALE,
                 heartbeat: float = HEARTBEAT) -> None:
        self.outdir = outdir
        self.path = outdir / LOCK_FILE
        self.wait = wait
        self.stale = stale
        self.heartbeat = heartbeat
        self.run_id = uuid.uuid4().hex
        self.me = {"run": self.run_id, "host": socket.gethostname(), "pid": os.getpid(),
                   "boot": _boot_id(), "pidns": _pid_namespace(),
                   "started": time.strftime("%Y-%m-%d %H:%M:%S")}
        self.held = False
        self._last_beat = 0.0

    # -- reading the lease ---------------------------------------------------------------------

    def _read(self) -> tuple[bytes, float] | None:
        """The lease file's bytes and modification time; None when there is none."""
        try:
            with open(self.path, "rb") as fh:
                data = fh.read(4096)
                mtime = os.fstat(fh.fileno()).st_mtime
        except FileNotFoundError:
            return None
        except IsADirectoryError:
            raise LockBusy(f"锁文件的位置被一个文件夹占用：{self.path}；请移走后重试"
                           "（a folder is in the way of the lock file）") from None
        except PermissionError:  # unreadable: held until its age says otherwise
            try:
                return b"", self.path.stat().st_mtime
            except OSError:
                return b"", time.time()
        return data, mtime

    @staticmethod
    def _parse(data: bytes) -> dict[str, Any]:
        try:
            holder = json.loads(data.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return {}
        return holder if isinstance(holder, dict) else {}

    def _identity(self, data: bytes, mtime: float) -> str:
        """What names a lease for a takeover: its run id, or its bytes and age if it has none."""
        run = self._parse(data).get("run")
        if isinstance(run, str) and run:
            return hashlib.sha256(run.encode("utf-8", "replace")).hexdigest()[:16]
        return hashlib.sha256(data + repr(mtime).encode()).hexdigest()[:16]

    def _is_stale(self, data: bytes, mtime: float) -> bool:
        if time.time() - mtime > self.stale:
            return True
        holder = self._parse(data)
        try:
            pid = int(holder["pid"])
            host = str(holder["host"])
        except (KeyError, TypeError, ValueError):
            return False  # being written right now, or garbage: its age decides
        if host != self.me["host"]:
            return False
        if "run" not in holder:  # written by an earlier version: host and pid were all it had
            return not _alive(pid)
        same_machine = (holder.get("boot") == self.me["boot"] != ""
                        and holder.get("pidns") == self.me["pidns"] != "")
        return same_machine and not _alive(pid)

    def describe(self, data: bytes, mtime: float) -> str:
        """The holder in words, for the message a waiting run prints."""
        holder = self._parse(data)
        age = max(0, int(time.time() - mtime))
        if not holder:
            return f"锁文件无法识别，{age} 秒前写入（unrecognised lock file）"
        return (f"主机 {holder.get('host', '?')} 上的进程 {holder.get('pid', '?')}，"
                f"开始于 {holder.get('started', '?')}，{age} 秒前仍在运行"
                f"（lock held by host {holder.get('host', '?')}, pid {holder.get('pid', '?')}）")

    def _mine(self) -> bool:
        current = self._read()
        return current is not None and self._parse(current[0]).get("run") == self.run_id

    # -- taking it -----------------------------------------------------------------------------

    def _content(self) -> bytes:
        return json.dumps(self.me, ensure_ascii=False).encode("utf-8")

    def _create(self) -> bool:
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return False
        try:
            os.write(fd, self._content())
            os.close(fd)
        except OSError as e:
            os.close(fd)
            self.path.unlink()
            raise from_os_error(e, self.outdir) or e from None
        return True

    def _take_over(self, data: bytes, mtime: float) -> bool:
        """Replace the stale lease (``data``, ``mtime``) by ours; False when another run is
        taking it over right now."""
        ticket = self.path.with_name(f"{LOCK_FILE}.takeover.{self._identity(data, mtime)}")
        try:
            fd = os.open(ticket, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                if time.time() - ticket.stat().st_mtime > TICKET_STALE:
                    ticket.unlink()
            except OSError:
                pass
            return False
        os.close(fd)
        try:
            current = self._read()
            if current is None or self._identity(*current) != self._identity(data, mtime):
                return True  # someone else took it over (or it was released) in the meantime
            try:
                atomic_write(self.path, lambda tmp: tmp.write_bytes(self._content()))
            except OSError as e:
                raise from_os_error(e, self.outdir) or e from None
            log.warning("took over a stale lease: %s", self.describe(data, mtime))
            return True
        finally:
            try:
                ticket.unlink()
            except OSError:
                pass

    def acquire(self) -> None:
        deadline = time.monotonic() + self.wait
        while True:
            current = self._read()
            if current is None:
                if self._create():
                    break
                continue
            if self._parse(current[0]).get("run") == self.run_id:
                break
            if self._is_stale(*current) and self._take_over(*current):
                continue
            if time.monotonic() >= deadline:
                raise LockBusy(f"{self.outdir} 正被另一次运行使用：{self.describe(*current)}。"
                               "可稍后再试，或用 --lock-wait 等待更久（another run holds the lock）")
            time.sleep(min(0.5, max(0.05, deadline - time.monotonic())))
        if not self._mine():  # read back what won
            self.acquire()
            return
        self.held = True
        self._last_beat = time.monotonic()

    def beat(self, force: bool = False) -> None:
        """Refresh the lease if a heartbeat is due; raise LeaseLost if it is no longer ours."""
        if not self.held or (not force and time.monotonic() - self._last_beat < self.heartbeat):
            return
        self._last_beat = time.monotonic()
        if not self._mine():
            self.held = False
            raise LeaseLost(f"输出文件夹 {self.outdir} 已被另一次运行接管（本次运行停顿过久），"
                            "本次运行已停止（the lease was taken over）")
        try:
            os.utime(self.path)
        except OSError as e:
            log.warning("could not refresh the lease: %s", e)

    def release(self) -> None:
        if self.held and self._mine():
            try:
                self.path.unlink()
            except OSError:
                pass
        self.held = False

    def __enter__(self) -> Lease:
        self.acquire()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release()
