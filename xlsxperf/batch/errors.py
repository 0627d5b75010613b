"""Why a run could not do its job. Each error's text is one Chinese line that says what to fix;
the command line prints it and exits 2. A file that cannot be evaluated is never one of these:
it is a row in the summary."""

from __future__ import annotations

import errno
from pathlib import Path

DISK_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
NOT_WRITABLE = (errno.EACCES, errno.EPERM, errno.EROFS)


class BatchError(Exception):
    """The run did not do its job (nothing was lost: the previous outputs stand)."""


class LockBusy(BatchError):
    """Another run holds the output folder."""


class LeaseLost(BatchError):
    """Another run took the output folder over while this one was running."""


class OutdirUnwritable(BatchError):
    """The output folder cannot be created or written."""


class DiskFull(BatchError):
    """No space left where the outputs go."""


class StateUnusable(BatchError):
    """The state file is in the way and cannot be rebuilt (a folder in its place, no access)."""


class NoInputs(BatchError):
    """No workbook under the inputs: an unmounted share looks like this."""


class Interrupted(Exception):  # noqa: N818 - a stop the user asked for, not a failure
    """SIGTERM or SIGINT stopped the run; what was finished is kept."""

    def __init__(self, signum: int, finished: int, total: int) -> None:
        super().__init__(f"已中止（signal {signum}）：本次已完成 {finished} / {total} 个文件，"
                         "结果已保存，下次运行继续审核其余文件（interrupted; finished files are kept）")
        self.signum = signum
        self.finished = finished
        self.total = total


def from_os_error(e: OSError, where: Path) -> BatchError | None:
    """The run-stopping error an OSError on the output folder stands for, if any."""
    reason = e.strerror or str(e)
    if e.errno in DISK_FULL:
        return DiskFull(f"磁盘已满：{where} 所在的磁盘没有剩余空间，请清理后重试"
                        f"（disk full: {reason}）")
    if e.errno in NOT_WRITABLE:
        return OutdirUnwritable(f"输出文件夹不可写：{where}；请检查权限或是否只读挂载"
                                f"（output folder not writable: {reason}）")
    return None



def os_error_in(e: BaseException) -> OSError | None:
    """The OSError behind ``e``: itself, or one a library wrapped (XlsxWriter raises
    FileCreateError(OSError) when the disk is full)."""
    seen: set[int] = set()
    stack: list[BaseException] = [e]
    while stack:
        x = stack.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        if isinstance(x, OSError):
            return x
        stack.extend(a for a in x.args if isinstance(a, BaseException))
        stack.extend(c for c in (x.__cause__, x.__context__) if c is not None)
    return None
