"""The app worker's time and memory limits, applied to a read in the current process.

The app parses an upload in a child process (:mod:`engine.leads.worker`) under an
address-space limit and a deadline. The command line reads in its own process (a child
would cost a million-row list a second copy of its table), under the same limits: the
address space may grow by at most the memory limit during the read (the interpreter and
the libraries already mapped are not counted, as they are not in the worker's budget
for a file either), and is put back after; and a watchdog interrupts
the read at the deadline (and ends the process with the one-line message if the read is
inside native code that does not return).
"""

from __future__ import annotations

import _thread
import contextlib
import os
import resource
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import duckdb

from engine.core.errors import LimitError

# What native code that holds the interpreter gets before the process is ended.
GRACE_SECONDS = 3.0


@dataclass(frozen=True)
class ReadLimits:
    """Address-space limit (MB) and wall-clock limit (seconds) of one read; the app
    worker's defaults (:class:`engine.leads.worker.WorkerLimits`)."""

    memory_mb: int = 1536
    seconds: float = 120


@contextlib.contextmanager
def bounded(limits: ReadLimits, lang: str = "ja") -> Iterator[None]:
    """Run the block under ``limits``: over the time a LimitError
    ``ingest.cli_timeout``, over the memory ``ingest.cli_memory`` (both name the flag
    that raises the limit)."""
    expired = threading.Event()
    timeout = LimitError("ingest.cli_timeout", seconds=f"{limits.seconds:g}")

    def expire() -> None:
        expired.set()
        _thread.interrupt_main()
        if not finished.wait(GRACE_SECONDS):
            sys.stderr.write(timeout.message(lang) + "\n")
            sys.stderr.flush()
            os._exit(2)

    finished = threading.Event()
    timer = threading.Timer(limits.seconds, expire)
    timer.daemon = True
    # What every read loads lazily is loaded before the limit, as the worker does: a
    # library that fails to map under it says nothing about the file. (DuckDB imports
    # numpy when the profile's NFKC function is registered.)
    import numpy  # noqa: F401

    before = resource.getrlimit(resource.RLIMIT_AS)
    try:
        # the deadline may come before the read starts (a tiny --max-seconds): from here
        # on it is the one-line message
        timer.start()  # before the limit: a thread's stack is address space too
        _lower_address_space(_address_space() + limits.memory_mb * 1024 * 1024, before)
        yield
        if expired.is_set():  # the read went on past its deadline (the interrupt was lost)
            raise timeout
    except KeyboardInterrupt:
        if expired.is_set():
            raise timeout from None
        raise
    except MemoryError:
        raise LimitError("ingest.cli_memory", memory_mb=limits.memory_mb) from None
    except (RuntimeError, OSError, ImportError, duckdb.Error) as exc:
        if expired.is_set():
            # the deadline's interrupt inside a query: DuckDB ends the query with an error
            # of its own ("Query interrupted")
            raise timeout from None
        # under RLIMIT_AS, failing to map a library, start a thread or allocate surfaces as
        # these types (DuckDB's errors among them); their text says which
        if _out_of_address_space(exc):
            raise LimitError("ingest.cli_memory", memory_mb=limits.memory_mb) from None
        raise
    except LimitError as exc:
        if exc.code == "ingest.out_of_memory":
            raise LimitError("ingest.cli_memory", memory_mb=limits.memory_mb) from None
        raise
    finally:
        finished.set()
        timer.cancel()
        resource.setrlimit(resource.RLIMIT_AS, before)


def _address_space() -> int:
    """Bytes of address space this process has mapped now (0 where /proc is missing)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _out_of_address_space(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(w in text for w in ("memory", "allocat", "map segment", "thread", "mmap"))


def _lower_address_space(limit: int, current: tuple[int, int]) -> None:
    soft, hard = current
    if hard != resource.RLIM_INFINITY and limit > hard:
        limit = hard
    if soft == resource.RLIM_INFINITY or limit < soft:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
