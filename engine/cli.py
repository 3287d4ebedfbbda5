"""Command line: ``python -m engine profile|diagnose|hash-password ...``.

Each command is a function that imports what it needs when it runs, so ``profile`` never
loads pandas, Altair or Streamlit, and ``--help`` loads nothing but argparse. This module
owns the contract for errors: a :class:`SenryokuError` becomes one line on stderr and exit
code 2; anything else one generic line and exit 1. No traceback reaches the user.
"""

from __future__ import annotations

import argparse
import os
import sys

from engine.core.errors import SenryokuError


def _profile(args: argparse.Namespace) -> str:
    from engine.leads.cli import run

    return run(args)


def _diagnose(args: argparse.Namespace) -> str:
    from engine.diagnosis.cli import run

    return run(args)


def _hash_password(args: argparse.Namespace) -> str:
    """The ``[admin]`` block for secrets.toml with the hash of a password read from the
    terminal (asked twice) or from the first line of standard input."""
    import getpass

    from engine.core.errors import InputError
    from engine.core.i18n import t
    from engine.store.submissions import hash_password

    if sys.stdin.isatty():
        password = getpass.getpass(t("hosting.cli.password_prompt", args.lang))
        if password != getpass.getpass(t("hosting.cli.password_again", args.lang)):
            raise InputError("hosting.password_mismatch")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    encoded = hash_password(password, iterations=args.iterations)
    return f'[admin]\npassword_hash = "{encoded}"'


COMMANDS = {"profile": _profile, "diagnose": _diagnose, "hash-password": _hash_password}


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting with 2 on its own."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise SenryokuError("common.cli_usage_error", detail=message)


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command (argparse only: building it imports no engine code)."""
    parser = _Parser(prog="python -m engine", description="Senryoku (戦力診断) engine")
    parser.add_argument("--lang", choices=["ja", "en"], default=None, help="message language")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    # --lang is accepted before or after the command; after it, it only sets when given.
    lang_after = _Parser(add_help=False)
    lang_after.add_argument("--lang", choices=["ja", "en"], default=argparse.SUPPRESS)

    p = sub.add_parser("profile", parents=[lang_after], help="profile a lead list (CSV/TSV/XLSX)")
    p.add_argument("leads", help="lead list file")
    p.add_argument("--lists", help="YAML: own/competitors/partners/icp")
    p.add_argument("--mapping", help="YAML: column mapping overrides")
    p.add_argument("--format", choices=["json", "text"], default="text")
    _add_read_limits(p)

    d = sub.add_parser(
        "diagnose", parents=[lang_after], help="diagnose from facts or questionnaire answers"
    )
    src = d.add_mutually_exclusive_group(required=True)
    src.add_argument("--facts", help="YAML facts file")
    src.add_argument("--answers", help="YAML answers file (needs --questionnaire)")
    d.add_argument("--questionnaire", help="questionnaire YAML for --answers")
    d.add_argument("--leads", help="lead list to profile; replaces target_leads")
    d.add_argument("--lists", help="YAML lists for --leads")
    d.add_argument("--mapping", help="YAML column mapping for --leads")
    d.add_argument("--format", choices=["json", "md"], default="json")

    h = sub.add_parser(
        "hash-password", parents=[lang_after], help="hash the admin password for secrets.toml"
    )
    h.add_argument("--iterations", type=int, default=600_000, help="PBKDF2 iterations")
    return parser


def _add_read_limits(p: argparse.ArgumentParser) -> None:
    """The time and memory a read of the lead list may take: the app's worker limits by
    default (a hostile file costs the command line no more than an upload)."""
    p.add_argument(
        "--max-seconds", type=float, default=None, help="time limit of the read (default 120)"
    )
    p.add_argument(
        "--max-memory-mb", type=int, default=None, help="memory limit of the read (default 1536)"
    )


def _lang(argv: list[str]) -> str:
    if "--lang" in argv:
        i = argv.index("--lang")
        if i + 1 < len(argv) and argv[i + 1] in ("ja", "en"):
            return argv[i + 1]
    env = os.environ.get("SENRYOKU_LANG") or os.environ.get("LANG", "")
    return "en" if env.startswith("en") else "ja"


def main(argv: list[str] | None = None) -> int:
    """Run one command; the exit code (0 ok, 2 a SenryokuError, 1 anything else)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = _lang(argv)
    try:
        args = build_parser().parse_args(argv)
        args.lang = args.lang or lang
        out = COMMANDS[args.command](args)
    except SenryokuError as exc:
        print(exc.message(lang), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception:  # noqa: BLE001 - the contract: never a traceback on the CLI
        from engine.core.i18n import t

        print(t("common.unexpected_error", lang), file=sys.stderr)
        return 1
    if out:
        sys.stdout.write(out if out.endswith("\n") else out + "\n")
    return 0
