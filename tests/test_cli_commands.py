"""``python -m engine``: what each command imports, the read limits of ``profile`` and the
``hash-password`` command, through the real process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_data"
HEAVY = ("pandas", "altair", "streamlit")


def engine(*args: str, stdin: str | None = None, importtime: bool = False):
    flags = ["-X", "importtime"] if importtime else []
    return subprocess.run(
        [sys.executable, *flags, "-m", "engine", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        input=stdin,
        timeout=120,
    )


def imported(stderr: str) -> set[str]:
    """Top-level package names in ``-X importtime`` output."""
    names = set()
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


@pytest.mark.parametrize(
    "args",
    [
        ("profile", "--help"),
        ("profile", str(SAMPLES / "hubspot_contacts.csv"), "--format", "json"),
        (
            "profile",
            str(SAMPLES / "salesforce_leads_ja.csv"),
            "--lists",
            str(SAMPLES / "lists.yaml"),
        ),
    ],
    ids=["help", "json", "text"],
)
def test_profile_imports_no_pandas_altair_or_streamlit(args):
    """Test that ``profile`` (its help, a JSON and a text run) imports no pandas, Altair or
    Streamlit: the command line does not pay for the app's libraries."""
    r = engine(*args, importtime=True)
    assert r.returncode == 0, r.stderr[-500:]
    names = imported(r.stderr)
    assert "engine" in names  # the importtime output was read
    assert names.isdisjoint(HEAVY), names & set(HEAVY)


def test_help_imports_no_duckdb():
    """Test that ``--help`` of any command loads no engine library (argparse only)."""
    r = engine("profile", "--help", importtime=True)
    assert r.returncode == 0
    assert "duckdb" not in imported(r.stderr)
    assert "--max-seconds" in r.stdout and "--max-memory-mb" in r.stdout


def test_profile_over_its_time_limit_is_one_line_exit_2():
    """Test that a read over ``--max-seconds`` stops with the one-line message naming the
    flag, exit 2, no traceback."""
    r = engine(
        "--lang", "en", "profile", str(SAMPLES / "sansan_cards.csv"), "--max-seconds", "0.001"
    )
    assert r.returncode == 2
    assert r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1
    assert "time limit (0.001 seconds)" in r.stderr and "--max-seconds" in r.stderr


def test_profile_over_its_memory_limit_is_one_line_exit_2():
    """Test that a read that needs more memory than ``--max-memory-mb`` allows stops with
    the one-line message naming the flag, exit 2."""
    r = engine(
        "--lang", "en", "profile", str(SAMPLES / "hubspot_contacts.csv"), "--max-memory-mb", "5"
    )
    assert r.returncode == 2, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert "memory limit (5 MB)" in r.stderr and "--max-memory-mb" in r.stderr


def test_hash_password_from_stdin_verifies():
    """Test that ``hash-password`` prints the secrets block whose hash verifies the
    password read from standard input, and an empty password is exit 2 with one line."""
    from engine.store.submissions import verify_password

    r = engine("hash-password", "--iterations", "1000", stdin="s3cret pass\n")
    assert r.returncode == 0, r.stderr
    head, line = r.stdout.strip().splitlines()
    assert head == "[admin]"
    encoded = line.split('"')[1]
    assert encoded.startswith("pbkdf2_sha256$1000$")
    assert verify_password("s3cret pass", encoded)
    assert not verify_password("s3cret pas", encoded)
    empty = engine("hash-password", stdin="\n")
    assert empty.returncode == 2 and len(empty.stderr.strip().splitlines()) == 1


def test_an_in_process_profile_then_a_normal_exit_is_clean(tmp_path):
    """Test that a caller that runs the profile in its own interpreter and then ends
    normally gets the report and a clean exit: the connection, freed on a thread beside
    the report, is not cut off in the middle of its close (exit 0, nothing on stderr)."""
    code = (
        "import argparse, json\n"
        "from engine.leads.cli import run\n"
        f"args = argparse.Namespace(leads={str(SAMPLES / 'sansan_cards.csv')!r},"
        " lists=None, mapping=None, format='json', lang='en')\n"
        "print(json.loads(run(args))['rows'])\n"
    )
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        assert (done.returncode, done.stderr) == (0, "")
        assert int(done.stdout) > 0


def test_a_deadline_inside_the_read_is_the_one_line_message(tmp_path):
    """Test that a deadline landing while DuckDB parses the file (which ends the query with
    its own error, or after which a lost interrupt let the read finish) is still the
    time-limit message and exit 2, never the "unexpected" line (exit 1) or a profile
    (exit 0): a 400,000-row list, deadlines of 20 to 150 ms."""
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("会社名,氏名,メールアドレス,役職,電話番号\n")
        for i in range(400_000):
            fh.write(
                f"株式会社テスト{i % 997},山田 太郎{i},user{i}@example{i % 53}.co.jp,部長,03-0000-{i % 10000:04d}\n"
            )
    for seconds in ("0.02", "0.05", "0.1", "0.15"):
        r = engine("--lang", "en", "profile", str(path), "--max-seconds", seconds)
        assert (r.returncode, r.stdout) == (2, ""), (seconds, r.stderr)
        assert f"time limit ({seconds} seconds)" in r.stderr, r.stderr
