"""Read an upload in a separate process with a memory and a wall-clock limit.

A hostile or just enormous file can make any parser use too much memory or time. The
parse runs in ``python -m engine.leads.worker`` with ``RLIMIT_AS`` set and a deadline; the
worker writes the table as an Arrow IPC file into a private temp directory (in RAM-backed
/dev/shm when it has room, like the transcoded copy), the parent loads it into its own
connection and deletes the directory (uncompressed Arrow costs a memory copy on each side;
Parquet with zstd cost a million-row list a second more). Whatever happens to the worker
(crash, MemoryError, timeout, kill), the parent gets an InputError/LimitError with a
message the user can act on; the worker's stderr is discarded, never shown.

Protocol: the parent writes one JSON job to the worker's stdin; the worker writes JSON
lines to stdout: ``{"progress": f, "stage": code}``, then ``{"result": {...}}`` or
``{"error": {"kind": ..., "code": ..., "params": {...}}}``.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from engine.core.errors import InputError, LimitError, SenryokuError
from engine.core.sql import quote_ident
from engine.leads.ingest import DEFAULT_LIMITS, IngestLimits, IngestResult, Progress
from engine.leads.sniff import file_kind
from engine.leads.workdirs import WORKER_DIR_PREFIX, wait_for_cleanup, work_parent
from engine.leads.xlsx import check_early

ROOT = Path(__file__).resolve().parents[2]
EXIT_MEMORY = 3
EXIT_FAILED = 4
STAGE_QUEUED = "ingest.progress.queued"
# Parsing workers one server process runs at once (each keeps a core busy); more uploads
# wait in line. SENRYOKU_MAX_PARSERS sets another number.
MAX_PARSERS = 2


@dataclass(frozen=True)
class WorkerLimits:
    """Address-space limit (MB) and wall-clock limit (seconds) of one parse."""

    memory_mb: int = 1536
    seconds: float = 120


class ParserSlots:
    """At most ``size`` parses at once; the others wait first come, first served, and
    hear their place in line through ``on_wait(position)`` whenever it changes."""

    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self._cond = threading.Condition()
        self._running = 0
        self._line: deque[object] = deque()

    @contextlib.contextmanager
    def slot(self, on_wait=None) -> Iterator[None]:
        ticket = object()
        told = None
        with self._cond:
            self._line.append(ticket)
        try:
            while True:
                with self._cond:
                    if self._running < self.size and self._line[0] is ticket:
                        self._line.popleft()
                        self._running += 1
                        # everyone behind moved up one place: wake them to say so (else a
                        # short parse ahead could end before they ever heard "1")
                        self._cond.notify_all()
                        break
                    position = self._line.index(ticket) + 1
                    if position == told:
                        self._cond.wait(timeout=1.0)
                        continue
                told = position
                if on_wait is not None:  # outside the lock: it may draw on a page
                    on_wait(position)
        except BaseException:
            with self._cond:
                if ticket in self._line:
                    self._line.remove(ticket)
                self._cond.notify_all()
            raise
        try:
            yield
        finally:
            with self._cond:
                self._running -= 1
                self._cond.notify_all()


def _slots_from_env() -> ParserSlots:
    try:
        return ParserSlots(int(os.environ.get("SENRYOKU_MAX_PARSERS", MAX_PARSERS)))
    except ValueError:
        return ParserSlots(MAX_PARSERS)


SLOTS = _slots_from_env()


def report_queued(progress: Progress | None, position: int) -> None:
    """Tell ``progress`` the upload waits at ``position`` in line: the stage
    ``ingest.progress.queued`` with ``position=`` (a two-argument callback gets the stage
    alone)."""
    if progress is None:
        return
    try:
        progress(0.0, STAGE_QUEUED, position=position)
    except TypeError:
        progress(0.0, STAGE_QUEUED)


def read_leads_isolated(
    path: str | os.PathLike,
    con: duckdb.DuckDBPyConnection,
    table: str = "raw_leads",
    limits: WorkerLimits = WorkerLimits(),  # noqa: B008 (frozen, immutable)
    progress: Progress | None = None,
    ingest_limits: IngestLimits = DEFAULT_LIMITS,
) -> IngestResult:
    """Like :func:`engine.leads.ingest.read_leads`, but the file is parsed in a child process
    under ``limits`` (and ``ingest_limits``, as read_leads would check them); the table
    lands in ``con`` exactly as read_leads would leave it. At most :data:`SLOTS` parses run
    at once in this process; a read that waits reports its place in line (stage
    ``ingest.progress.queued``, see :func:`report_queued`)."""
    path = Path(path)
    if not path.is_file():
        raise InputError("ingest.file_not_found", path=path.name)
    if _is_workbook(path):
        check_early(path, ingest_limits)  # a hostile workbook refused without a worker
    with SLOTS.slot(lambda position: report_queued(progress, position)):
        return _read_in_worker(path, con, table, limits, progress, ingest_limits)


def _is_workbook(path: Path) -> bool:
    """Whether ``path`` is read as an .xlsx (its first bytes, as ``read_leads`` decides)."""
    with path.open("rb") as fh:
        return file_kind(path, fh.read(8)) == "xlsx"


def _read_in_worker(
    path: Path,
    con: duckdb.DuckDBPyConnection,
    table: str,
    limits: WorkerLimits,
    progress: Progress | None,
    ingest_limits: IngestLimits,
) -> IngestResult:
    workdir = Path(tempfile.mkdtemp(prefix=WORKER_DIR_PREFIX, dir=work_parent(path.stat().st_size)))
    try:
        out = workdir / "leads.arrow"
        job = {
            "path": str(path.resolve()),
            "out": str(out),
            # the child's private copy goes in here too: removed with it even when the
            # child is killed (time or memory limit) before it could remove it
            "work_dir": str(workdir),
            "memory_mb": limits.memory_mb,
            "limits": asdict(ingest_limits),
        }
        message = _run_worker(job, limits, progress)
        if "error" in message:
            err = message["error"]
            cls = LimitError if err.get("kind") == "LimitError" else InputError
            raise cls(err.get("code", "ingest.worker_failed"), **err.get("params", {}))
        result = message["result"]
        _load_arrow(out, con, table)
        return IngestResult(
            table=table,
            encoding=result["encoding"],
            delimiter=result["delimiter"],
            headers=list(result["headers"]),
            rows=int(result["rows"]),
            notes=[(code, dict(params)) for code, params in result["notes"]],
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run_worker(job: dict, limits: WorkerLimits, progress: Progress | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "HOME", "TMPDIR")}
    env["PYTHONPATH"] = str(ROOT)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    # Allocators that reserve address space up front (mimalloc's 1 GB segments, glibc's
    # 64 MB arenas per thread) would hit RLIMIT_AS without using the memory.
    env["ARROW_DEFAULT_MEMORY_POOL"] = "system"
    env["MALLOC_ARENA_MAX"] = "2"
    proc = subprocess.Popen(
        [sys.executable, "-m", "engine.leads.worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + limits.seconds
    final: dict | None = None
    try:
        try:
            proc.stdin.write(json.dumps(job).encode("utf-8"))
            proc.stdin.close()
        except OSError:
            pass  # the worker died at once; its exit status says why
        buffer = b""
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            eof = False
            while not eof:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise LimitError("ingest.worker_timeout", seconds=_fmt_seconds(limits.seconds))
                if not sel.select(timeout=min(left, 0.5)):
                    continue
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    eof = True
                buffer += chunk
                *lines, buffer = buffer.split(b"\n")
                for line in lines:
                    msg = _parse(line)
                    if msg is None:
                        continue
                    if "progress" in msg:
                        if progress:
                            progress(float(msg["progress"]), str(msg.get("stage", "")))
                    else:
                        final = msg
        left = max(deadline - time.monotonic(), 0.01)
        try:
            code = proc.wait(timeout=left)
        except subprocess.TimeoutExpired:
            raise LimitError(
                "ingest.worker_timeout", seconds=_fmt_seconds(limits.seconds)
            ) from None
    finally:
        if proc.poll() is None:
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        proc.stdout.close()
    if final is not None and code == 0 and "result" in final:
        return final
    if final is not None and "error" in final:
        return final
    # Native code that cannot get memory under RLIMIT_AS often dies by a signal (SIGSEGV,
    # SIGABRT) instead of raising; the kernel's OOM killer sends SIGKILL.
    memory_signals = {-signal.SIGSEGV, -signal.SIGABRT, -signal.SIGKILL, -signal.SIGBUS}
    if code == EXIT_MEMORY or code in memory_signals:
        raise LimitError("ingest.worker_memory", memory_mb=limits.memory_mb)
    raise LimitError("ingest.worker_failed")


def _fmt_seconds(seconds: float) -> str:
    return f"{seconds:g}"


def _parse(line: bytes) -> dict | None:
    try:
        msg = json.loads(line)
    except ValueError:
        return None
    return msg if isinstance(msg, dict) else None


def _load_arrow(path: Path, con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Load the worker's Arrow IPC file into ``table`` without giving ``con`` file
    access (the file is memory-mapped: the Arrow table is a view of it, which DuckDB
    scans on all threads, in order)."""
    import pyarrow as pa

    with pa.memory_map(str(path)) as source:
        reader = pa.ipc.open_file(source).read_all()
        view = f"_worker_{os.getpid()}_{time.monotonic_ns()}"
        con.register(view, reader)
        try:
            con.execute(f"CREATE OR REPLACE TABLE {quote_ident(table)} AS FROM {view}")
        except duckdb.OutOfMemoryException:
            raise LimitError("ingest.out_of_memory") from None
        finally:
            con.unregister(view)


# --------------------------------------------------------------------------------------
# The child process


def _emit(msg: dict) -> None:
    sys.stdout.write(json.dumps(msg, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _child() -> int:
    job = json.loads(sys.stdin.read())
    # Import everything the parse needs before the address-space limit: imports map
    # shared libraries, and failing there would not say anything about the file.
    import resource

    import pyarrow as pa
    import pyarrow.ipc  # noqa: F401

    from engine.leads.ingest import IngestLimits, read_leads
    from engine.leads.load import private_connection

    if _is_workbook(Path(job["path"])):
        # only a workbook needs them (0.4 s of imports, numpy included)
        import defusedxml  # noqa: F401
        import openpyxl  # noqa: F401

    memory_mb = int(job["memory_mb"])
    limits = IngestLimits(**job.get("limits", {}))
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        # read_leads locks this connection to the one file it reads, then parses the file
        # straight into its table.
        con = private_connection(memory_limit=f"{max(memory_mb // 3, 64)}MB", threads=2)
        result = read_leads(
            job["path"],
            con,
            progress=lambda f, s: _emit({"progress": f, "stage": s}),
            limits=limits,
            work_dir=job["work_dir"],
        )
        reader = con.sql(f"FROM {quote_ident(result.table)}").to_arrow_reader(100_000)
        with pa.OSFile(job["out"], "wb") as sink, pa.ipc.new_file(sink, reader.schema) as writer:
            for batch in reader:
                writer.write_batch(batch)
        con.close()
        _emit({"result": asdict(result)})
        return 0
    except SenryokuError as exc:
        kind = "LimitError" if isinstance(exc, LimitError) else "InputError"
        if exc.code == "ingest.out_of_memory":
            return EXIT_MEMORY
        _emit({"error": {"kind": kind, "code": exc.code, "params": exc.params}})
        return 0
    except (MemoryError, duckdb.OutOfMemoryException, pa.ArrowMemoryError):
        return EXIT_MEMORY
    except (duckdb.Error, ImportError, RuntimeError, OSError) as exc:
        # Under RLIMIT_AS, failures to map a library, start a thread or allocate surface
        # as these types; their text says which.
        text = str(exc).lower()
        if any(w in text for w in ("memory", "allocat", "map segment", "thread", "mmap")):
            return EXIT_MEMORY
        return EXIT_FAILED


if __name__ == "__main__":
    try:
        code = _child()
    except MemoryError:
        code = EXIT_MEMORY
    sys.stdout.flush()
    # os._exit skips the interpreter's wait for threads: the private copy of the upload
    # must be gone before this process is
    wait_for_cleanup()
    os._exit(code)
