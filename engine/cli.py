"""Command line: ``python -m engine profile|diagnose ...``.

Each command module exposes ``run(args) -> str`` (what goes to stdout). This module owns
the contract for errors: a :class:`SenryokuError` becomes one line on stderr and exit
code 2; anything else one generic line and exit 1. No traceback reaches the user.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from engine.core.errors import SenryokuError
from engine.core.i18n import t

# command name -> module with ``run(args) -> str``
COMMANDS = {
    "profile": "engine.leads.cli",
    "diagnose": "engine.diagnosis.cli",
}


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting with 2 on its own."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise SenryokuError("common.cli_usage_error", detail=message)


def build_parser() -> argparse.ArgumentParser:
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
    return parser


def _lang(argv: list[str]) -> str:
    if "--lang" in argv:
        i = argv.index("--lang")
        if i + 1 < len(argv) and argv[i + 1] in ("ja", "en"):
            return argv[i + 1]
    env = os.environ.get("SENRYOKU_LANG") or os.environ.get("LANG", "")
    return "en" if env.startswith("en") else "ja"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = _lang(argv)
    try:
        args = build_parser().parse_args(argv)
        args.lang = args.lang or lang
        module = importlib.import_module(COMMANDS[args.command])
        out = module.run(args)
    except SenryokuError as exc:
        print(exc.message(lang), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception:  # noqa: BLE001 - the contract: never a traceback on the CLI
        print(t("common.unexpected_error", lang), file=sys.stderr)
        return 1
    if out:
        sys.stdout.write(out if out.endswith("\n") else out + "\n")
    return 0
