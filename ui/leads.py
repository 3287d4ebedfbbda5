"""Lead-list helpers for the pages: reading an upload into the session, its progress."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

from engine.leads.leadset import LeadSet
from ui.i18n import tr
from ui.state import set_leadset

LIST_KINDS = ("own", "competitors", "partners")


def progress_callback(bar):
    """A progress callback for the engine: ``(share 0..1, stage text code)`` as the
    ingest reports it, or ``(done, total)``; moves ``bar`` (an ``st.progress``)."""

    def report(*args: Any, **params: Any) -> None:
        text = None
        try:
            if len(args) >= 2 and isinstance(args[1], str):
                # params fill the stage's text (a queued upload's place: ``position``)
                share, text = float(args[0]), tr(args[1], **params)
            elif len(args) >= 2 and args[1]:
                share = float(args[0]) / float(args[1])
            elif args:
                share = float(args[0])
            else:
                return
        except (TypeError, ValueError, ZeroDivisionError):
            return
        bar.progress(min(max(share, 0.0), 1.0), text=text)

    return report


def open_upload(name: str, data: bytes, progress=None):
    """Read an uploaded file into a LeadSet via a private temp file, deleted at once
    after reading; the rows then live only in the session's LeadSet."""
    suffix = Path(name).suffix.lower() or ".csv"
    fd, path = tempfile.mkstemp(prefix="senryoku-", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(path, 0o600)
        leadset = LeadSet.open(path, progress=progress, isolated=True)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
    set_leadset(leadset)
    return leadset
