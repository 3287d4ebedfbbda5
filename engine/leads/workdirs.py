"""The private work directories of reads and workers: where they go, and that they go away.

A transcoded upload's UTF-8 copy lives in a directory of its own, in the RAM-backed
/dev/shm when it has room. It is removed on a thread once the table is read (freeing a
large file's pages takes the kernel tens of milliseconds); a crashed or killed process's
leftovers are removed by :func:`remove_stale_work_dirs` from the housekeeping thread.
"""

from __future__ import annotations

import os
import resource
import shutil
import stat
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path

SHM_DIR = "/dev/shm"

_CLEANUPS: list[threading.Thread] = []


def wait_for_cleanup() -> None:
    """Wait until every private copy :func:`read_leads` left for removal is gone (a
    process that ends with ``os._exit`` must call this first)."""
    while _CLEANUPS:
        _CLEANUPS.pop().join()


def remove_later(path: Path) -> None:
    """Remove a file or directory on a thread of its own (freeing a large file's pages
    takes the kernel tens of milliseconds); the interpreter waits for it at exit, or
    :func:`wait_for_cleanup` does. Where no thread can be started (a process near its
    memory limit), it is removed at once."""

    def remove() -> None:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)

    if resource.getrlimit(resource.RLIMIT_AS)[0] != resource.RLIM_INFINITY:
        # under a memory limit a new thread can fail inside its start-up, after which
        # Thread.start() waits for it forever (seen: 1 CLI run in 6 at --max-memory-mb 5)
        remove()
        return
    thread = threading.Thread(target=remove, name="senryoku-cleanup")
    try:
        thread.start()
    except RuntimeError:
        remove()
    else:
        _CLEANUPS[:] = [*(t for t in _CLEANUPS if t.is_alive()), thread]


INGEST_DIR_PREFIX = "senryoku-ingest-"
WORKER_DIR_PREFIX = "senryoku-worker-"
WORK_DIR_PREFIXES = (INGEST_DIR_PREFIX, WORKER_DIR_PREFIX)
STALE_WORK_DIR_SECONDS = 3600


def remove_stale_work_dirs(
    places: Iterable[str | os.PathLike] | None = None,
    older_than: float = STALE_WORK_DIR_SECONDS,
) -> int:
    """Remove the work directories of reads and workers (``senryoku-ingest-*``,
    ``senryoku-worker-*``: private copies of uploads) that a crashed or killed process
    left in /dev/shm or the temp directory, untouched for ``older_than`` seconds (no read
    takes that long). Returns how many were removed."""
    if places is None:
        places = [SHM_DIR, tempfile.gettempdir()]
    cutoff = time.time() - older_than
    removed = 0
    for place in {Path(p) for p in places}:
        try:
            entries = list(place.iterdir())
        except OSError:
            continue
        for entry in entries:
            if not entry.name.startswith(WORK_DIR_PREFIXES):
                continue
            try:
                info = entry.lstat()  # a symlink is no work directory of ours
            except OSError:
                continue
            own = info.st_uid == os.getuid()
            if stat.S_ISDIR(info.st_mode) and own and info.st_mtime < cutoff:
                shutil.rmtree(entry, ignore_errors=True)
                removed += not entry.exists()
    return removed


def work_parent(size: int) -> str | None:
    """Where the private copy of a transcoded upload goes: the RAM-backed /dev/shm when it
    has room (writing there is several times faster than to a disk, and the copy never
    reaches one), else the usual temp directory."""
    shm = Path(SHM_DIR)
    try:
        if shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > 4 * size:
            return str(shm)
    except OSError:
        pass
    return None
