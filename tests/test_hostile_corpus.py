"""The hostile corpus of what a user sends besides a lead list (lists YAML, saved inputs,
share links): each file, read the way the app reads it, ends as ``tests/corpus/hostile.yaml``
says — accepted, or refused with the expected error and a message in Japanese and English —
within a bounded cost in the server process. Nothing else is ever raised."""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import pytest
import yaml

from engine.core import yamlio
from engine.core.errors import SenryokuError
from engine.core.i18n import t
from engine.diagnosis import share
from engine.leads.lists import lists_from_data, lists_from_yaml_text

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
sys.path.insert(0, str(CORPUS))
import make_corpus  # noqa: E402
import make_hostile  # noqa: E402

EXPECTED: dict[str, dict] = yaml.safe_load((CORPUS / "hostile.yaml").read_text("utf-8"))
# What one hostile file may cost the server process. Before the bounds, the 466-byte alias
# bomb took 3.2 GB and a 2 MB YAML 36 s; the costliest accepted file now takes ~0.05 s.
MAX_CPU_SECONDS = 1.0
MAX_RSS_GROWTH_MB = 100


@pytest.fixture(scope="module")
def large_files(tmp_path_factory) -> Path:
    """The hostile files too large to commit, made once for this module."""
    folder = tmp_path_factory.mktemp("hostile-large")
    make_hostile.write_large(folder)
    return folder


def read_as_the_app_does(path: Path):
    """The lists, inputs or share payload the app would make of this file."""
    data = path.read_bytes()
    if path.suffix == ".yaml":  # pages/leads.py: the lists uploader
        return lists_from_yaml_text(yamlio.upload_text(data, path.name))
    if path.suffix == ".json":  # pages/questionnaire.py: the saved-inputs uploader
        doc = share.inputs_from_json(data)
        return lists_from_data(doc["lists"]) if doc["lists"] else doc
    return share.decode(data.decode("ascii", "replace"))  # ?s=<token>


def test_hostile_corpus_is_complete_and_reproducible(tmp_path):
    """Test that every hostile file has an expected outcome, the committed ones are exactly
    what the generator makes, and both corpora together hold at least 60 files."""
    names = set(make_hostile.SMALL) | set(make_hostile.LARGE)
    assert sorted(names ^ set(EXPECTED)) == []
    make_hostile.write_small(tmp_path)
    for name in make_hostile.SMALL:
        committed = (make_hostile.HOSTILE_DIR / name).read_bytes()
        assert (tmp_path / name).read_bytes() == committed, name
    leads = set(make_corpus.SMALL) | set(make_corpus.LARGE) | set(make_corpus.OVERSIZE)
    assert len(leads) + len(names) >= 60


def _path(name: str, large_files: Path) -> Path:
    return make_hostile.HOSTILE_DIR / name if name in make_hostile.SMALL else large_files / name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file_has_its_expected_outcome_at_bounded_cost(name, large_files):
    """Test that one hostile file is accepted or refused with its expected error (in ja and
    en), using under a second of CPU and 100 MB of memory in the server process."""
    expected = EXPECTED[name]
    path = _path(name, large_files)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.process_time()
    try:
        read_as_the_app_does(path)
    except SenryokuError as exc:
        assert expected["outcome"] == "error", f"{name}: refused with {exc.code}"
        assert exc.code == expected["code"], name
        for lang in ("ja", "en"):
            text = exc.message(lang)
            assert text != exc.code and "{" not in text and "Traceback" not in text, text
        assert t(exc.code, "ja", **exc.params) != t(exc.code, "en", **exc.params)
    else:
        assert expected["outcome"] == "read", f"{name}: read, expected {expected.get('code')}"
    cpu = time.process_time() - started
    growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    assert cpu < MAX_CPU_SECONDS, f"{name}: {cpu:.2f} s of CPU"
    assert growth_mb < MAX_RSS_GROWTH_MB, f"{name}: +{growth_mb:.0f} MB"


def test_event_cap_sits_between_real_files_and_attacks():
    """Test that a lists file of 5,000 companies (a large real one) is read, and one of
    20,001 values is refused with the line where the cap was passed."""
    real = "competitors:\n  companies:\n" + "".join(f"  - 競合{i} 株式会社\n" for i in range(5000))
    assert len(lists_from_yaml_text(real).competitors.companies) == 5000
    attack = "own:\n  domains:\n" + "  - a.jp\n" * 20_001
    with pytest.raises(SenryokuError) as err:
        lists_from_yaml_text(attack)
    assert err.value.code == "common.yaml.too_many"
    # 7 events (stream, document, two mappings, two keys, the list) come before the items,
    # so the 20,001st event is item 19,994, on line 2 + 19,994
    assert err.value.message("ja") == (
        "lists (19996 行目): 値が 20,000 個を超えています。診断に必要な項目だけにしてください"
    )


def test_upload_text_refuses_before_decoding():
    """Test that an uploaded lists file over 2 MB is refused from its byte count (the
    server never decodes it), and a non-UTF-8 one names the file."""
    with pytest.raises(SenryokuError) as err:
        yamlio.upload_text(b"\xff" * (yamlio.MAX_BYTES + 1), "lists.yaml")
    assert err.value.code == "common.yaml.too_large"
    with pytest.raises(SenryokuError) as err:
        yamlio.upload_text("会社".encode("cp932"), "lists.yaml")
    assert err.value.message("en") == "lists.yaml: save it as UTF-8"


@pytest.mark.parametrize("name", ["alias_bomb_9_levels.yaml", "items_30000_flow.yaml"])
def test_hostile_lists_upload_on_the_leads_page_is_one_error(name):
    """Test that uploading a hostile lists file on the lead-list page shows the YAML error
    in Japanese, keeps the page and leaves the lists empty."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/leads.py").run()
    sample = ROOT / "sample_data" / "salesforce_leads_ja.csv"  # the lists editor needs a list
    at.file_uploader(key="leads_file").upload(sample.name, sample.read_bytes(), "text/csv")
    at.run()
    lists_uploader = [u for u in at.get("file_uploader") if u.proto.type == [".yaml", ".yml"]]
    assert len(lists_uploader) == 1
    data = (make_hostile.HOSTILE_DIR / name).read_bytes()
    lists_uploader[0].upload(name, data, "application/x-yaml")
    at.run()
    assert not at.exception
    code = EXPECTED[name]["code"]
    assert [e.value for e in at.error] == [
        t(code, "ja", file="lists", line=2 if "alias" in name else 1, max="20,000")
    ]
    assert at.session_state["lists"] is None
