"""The hostile corpus for what a user sends besides a lead list: lists YAML (uploaded or
typed), saved-inputs JSON and share links, made deterministically.

Small files are committed under ``tests/corpus/hostile/``; ``python tests/corpus/make_hostile.py``
rewrites them. Files too large to commit are made at test time by :func:`write_large`.
Each file's expected outcome is in ``tests/corpus/hostile.yaml``. The suffix says how the
app reads it: ``.yaml`` a lists file, ``.json`` a saved-inputs file, ``.link`` a share token.
"""

from __future__ import annotations

import base64
import json
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
HOSTILE_DIR = HERE / "hostile"


def _alias_bomb(levels: int) -> bytes:
    """Billion laughs in YAML: each level a list of nine aliases of the one before."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels + 1):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    lines.append(f"own: {{companies: *a{levels}}}")
    return ("\n".join(lines) + "\n").encode()


def _token(payload: object) -> bytes:
    raw = payload if isinstance(payload, str) else json.dumps(payload)
    return base64.urlsafe_b64encode(zlib.compress(raw.encode(), 9)).rstrip(b"=")


def _link(answers: dict | None = None, sales: dict | None = None, qid: str = "quick") -> bytes:
    return _token({"v": 1, "q": qid, "a": answers or {}, "s": sales or {}})


def _inputs(**fields: object) -> bytes:
    doc = {"senryoku_inputs": 1, "questionnaire_id": "quick", **fields}
    return json.dumps(doc, ensure_ascii=False).encode()


def _deep(opening: str, closing: str, levels: int, leaf: str = "") -> str:
    return opening * levels + leaf + closing * levels


SMALL: dict[str, Callable[[], bytes]] = {
    # -- lists YAML ---------------------------------------------------------------------------
    "alias_bomb_8_levels.yaml": lambda: _alias_bomb(8),
    "alias_bomb_9_levels.yaml": lambda: _alias_bomb(9),
    "alias_one.yaml": lambda: b"x: &d rival.example\ncompetitors: {domains: [*d]}\n",
    "merge_key_alias.yaml": lambda: b"base: &b {domains: [a.example]}\nown:\n  <<: *b\n",
    "items_30000_flow.yaml": lambda: ("own: {companies: [" + "a," * 29_999 + "a]}\n").encode(),
    "nested_flow_100.yaml": lambda: ("own: " + _deep("[", "]", 100, "a") + "\n").encode(),
    "nested_block_60.yaml": lambda: "".join("  " * i + f"k{i}:\n" for i in range(60)).encode(),
    "python_object_tag.yaml": lambda: b"own: !!python/object/apply:os.system ['id']\n",
    "python_name_tag.yaml": lambda: b"own: !!python/name:os.system\n",
    "custom_tag.yaml": lambda: b"own: !include /etc/passwd\n",
    "set_tag.yaml": lambda: b"own: !!set {a.example: null}\n",
    "not_utf8_cp932.yaml": lambda: "own: {companies: [株式会社サンプル]}\n".encode("cp932"),
    "utf16.yaml": lambda: "own: {companies: [a]}\n".encode("utf-16"),
    "png_renamed.yaml": lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(16),
    "top_level_list.yaml": lambda: b"- a.example\n- b.example\n",
    "unknown_key.yaml": lambda: b"enemies: {domains: [rival.example]}\n",
    "not_a_domain.yaml": lambda: b"competitors: {domains: ['<script>alert(1)</script>']}\n",
    "syntax_error.yaml": lambda: b"own: {domains: [a.example\ncompetitors: ]]\n",
    "tab_indent.yaml": lambda: b"own:\n\tdomains: [a.example]\n",
    "two_documents.yaml": lambda: b"own: {domains: [a.example]}\n---\nown: {}\n",
    "empty.yaml": lambda: b"",
    "utf8_bom.yaml": lambda: "\ufeffcompetitors: {domains: [rival.example]}\n".encode(),
    # -- saved inputs JSON ------------------------------------------------------------------
    "inputs_answers_2000_deep.json": lambda: (
        '{"senryoku_inputs": 1, "answers": ' + _deep("[", "]", 2000) + "}"
    ).encode(),
    "inputs_lists_2000_deep.json": lambda: (
        '{"senryoku_inputs": 1, "lists": ' + _deep('{"a":', "}", 2000, "1") + "}"
    ).encode(),
    "inputs_scale_99.json": lambda: _inputs(answers={"rating_closing": 99}),
    "inputs_number_as_string.json": lambda: _inputs(answers={"leads_total": "10000"}),
    "inputs_multi_choice_int.json": lambda: _inputs(
        questionnaire_id="full", answers={"lead_sources": 3}
    ),
    "inputs_negative_headcount.json": lambda: _inputs(sales={"headcount": -5}),
    "inputs_win_rate_percent.json": lambda: _inputs(sales={"win_rate": 25}),
    "inputs_nan.json": lambda: (
        b'{"senryoku_inputs": 1, "questionnaire_id": "quick", '
        b'"sales": {"opportunities_per_rep_month": NaN}}'
    ),
    "inputs_huge_number.json": lambda: (
        b'{"senryoku_inputs": 1, "questionnaire_id": "quick", "answers": {"leads_total": 1e400}}'
    ),
    "inputs_lists_not_domain.json": lambda: _inputs(
        lists={"own": {"domains": ["javascript:alert(1)"]}}
    ),
    "inputs_lists_unknown_key.json": lambda: _inputs(lists={"rows": [{"email": "a@b.jp"}]}),
    "inputs_not_json.json": lambda: b"own:\n  domains: [a.example]\n",
    "inputs_cp932.json": lambda: '{"senryoku_inputs": 1, "answers": {"x": "営業"}}'.encode("cp932"),
    "inputs_wrong_version.json": lambda: b'{"senryoku_inputs": 2}',
    # -- share links -------------------------------------------------------------------------
    "link_number_as_string.link": lambda: _link({"leads_total": "10000"}),
    "link_scale_as_string.link": lambda: _link({"rating_closing": "5"}),
    "link_scale_99.link": lambda: _link({"rating_closing": 99}),
    "link_multi_choice_int.link": lambda: _link({"lead_sources": 3}, qid="full"),
    "link_negative_headcount.link": lambda: _link(sales={"headcount": -3}),
    "link_win_rate_percent.link": lambda: _link(sales={"win_rate": 55}),
    "link_answers_2000_deep.link": lambda: _token(
        '{"v":1,"q":"quick","a":' + _deep("[", "]", 2000) + ',"s":{}}'
    ),
    "link_compression_bomb.link": lambda: base64.urlsafe_b64encode(
        zlib.compress(b'{"v":1,"q":"quick","a":{},"s":{}' + b" " * 3_000_000 + b"}", 9)
    ).rstrip(b"="),
    "link_not_base64.link": lambda: b"%3Cscript%3Ealert(1)%3C/script%3E",
    "link_truncated.link": lambda: _link({"leads_total": 4000})[:-6],
    "link_foreign_keys.link": lambda: _token(
        {"v": 1, "q": "quick", "a": {}, "s": {}, "rows": [{"email": "a@b.jp"}]}
    ),
    "link_unknown_questionnaire.link": lambda: _link(qid="../../etc/passwd"),
}


LARGE: dict[str, Callable[[], bytes]] = {
    "scalar_300k.yaml": lambda: ("own: {companies: ['" + "x" * 300_000 + "']}\n").encode(),
    "keys_25000.yaml": lambda: "".join(f"k{i}: 1\n" for i in range(25_000)).encode(),
    "items_25000_block.yaml": lambda: ("own:\n  domains:\n" + "  - a.jp\n" * 25_000).encode(),
    "flow_sequence_2mb.yaml": lambda: ("own: {companies: [" + "a," * 1_048_000 + "a]}\n").encode(),
    "over_2mb.yaml": lambda: ("own: {companies: ['" + "x" * 2_200_000 + "']}\n").encode(),
    "alias_bomb_10_levels.yaml": lambda: _alias_bomb(10),
    "inputs_over_1mb.json": lambda: _inputs(pad="x" * 1_100_000),
}


def dimension_bomb_xlsx() -> bytes:
    """A 1.9 KB workbook of three leads whose sheet claims A1:XFD1048576 and holds one
    cell in that far corner: a reader that pads rows to the claimed width walks a
    million rows of 16,384 cells (issue 15: a worker at 100 % CPU for its whole 120 s).
    The lead-list corpus owns its expected outcome; the load test uploads it."""
    sys.path.insert(0, str(HERE))
    import make_corpus

    corner = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    sheet = make_corpus._sheet_xml(make_corpus._good_rows()).decode()
    sheet = sheet.replace("<sheetData>", '<dimension ref="A1:XFD1048576"/><sheetData>')
    sheet = sheet.replace("</sheetData>", corner + "</sheetData>")
    return make_corpus._zip(make_corpus._xlsx_parts(sheet.encode()))


def write_small(folder: Path = HOSTILE_DIR) -> list[Path]:
    """Write the committed hostile files into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, make in SMALL.items():
        path = folder / name
        path.write_bytes(make())
        out.append(path)
    return out


def write_large(folder: Path) -> list[Path]:
    """Write the hostile files too large to commit into ``folder``."""
    out = []
    for name, make in LARGE.items():
        path = folder / name
        path.write_bytes(make())
        out.append(path)
    return out


if __name__ == "__main__":
    for p in write_small(Path(sys.argv[1]) if len(sys.argv) > 1 else HOSTILE_DIR):
        print(p.name, p.stat().st_size)
