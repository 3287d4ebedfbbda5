"""Company keys of many names at once, in the order given; the background numpy import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from engine.leads import companies
from engine.leads.companies import company_keys

ROOT = Path(__file__).resolve().parent.parent


def test_keys_come_back_in_the_order_given():
    """Test that several names give their keys in order, None for empty or legal-form-only names."""
    names = [
        "㈱ＡＢＣ商事",
        None,
        "",
        "株式会社",
        "ABC Co., Ltd.",
        "ＡＢＣ　ホールディングス株式会社",
    ]
    assert company_keys(names) == ["abc商事", None, None, None, "abc", "abcホールディングス"]
    assert company_keys(list(reversed(names))) == [
        "abcホールディングス",
        "abc",
        None,
        None,
        None,
        "abc商事",
    ]


def test_preload_imports_numpy_in_the_background():
    """Test that preload, in a fresh interpreter without numpy, gets numpy imported."""
    code = (
        "import sys, threading\n"
        "from engine.leads import companies\n"
        "assert 'numpy' not in sys.modules, 'numpy already imported'\n"
        "companies.preload()\n"
        "for t in threading.enumerate():\n"
        "    if t is not threading.main_thread():\n"
        "        t.join()\n"
        "print('numpy' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert (done.stdout, done.stderr) == ("True\n", "")


def test_preload_starts_one_daemon_thread_only_without_numpy(monkeypatch):
    """Test that preload starts no thread once numpy is imported, and otherwise one daemon
    thread (a command that ends before the import does not wait for it)."""
    started = []

    class Recorder:
        def __init__(self, target=None, args=(), daemon=None):
            started.append(daemon)

        def start(self):
            pass

    monkeypatch.setattr(companies.threading, "Thread", Recorder)
    import numpy  # noqa: F401 - the case where it is already imported

    companies.preload()
    assert started == []
    monkeypatch.delitem(sys.modules, "numpy")
    companies.preload()
    assert started == [True]
