"""``python -m engine [--lang ja|en] diagnose (--facts F.yaml | --answers A.yaml
--questionnaire Q.yaml) [--leads LEADS [--lists L.yaml] [--mapping M.yaml]]
[--format json|md]``.

JSON (the contract of :meth:`Diagnosis.to_contract`) or a Markdown report on stdout.
Invalid facts or answers raise the engine's InputError, which ``engine.cli`` prints as
one line naming the field, with exit code 2.
"""

from __future__ import annotations

import json
from pathlib import Path

from engine.core.errors import InputError
from engine.diagnosis.diagnose import diagnose
from engine.diagnosis.facts import Facts
from engine.diagnosis.questionnaire import (
    Questionnaire,
    available_questionnaires,
    load_answers,
    load_questionnaire,
)


def run(args) -> str:
    """Diagnose from the files named in ``args``; returns what goes to stdout."""
    lang = "en" if getattr(args, "lang", None) == "en" else "ja"
    facts = _facts(args)
    profile = _profile(args)
    diagnosis = diagnose(facts, profile, lang)
    if getattr(args, "format", "json") == "md":
        from engine.reports.markdown import to_markdown

        return to_markdown(diagnosis, facts, lang)
    return json.dumps(diagnosis.to_contract(), ensure_ascii=False, indent=2)


def _facts(args) -> Facts:
    if getattr(args, "facts", None):
        return Facts.from_yaml(args.facts)
    answers_path = Path(args.answers)
    stated_id, answers = load_answers(answers_path)
    questionnaire = _questionnaire(getattr(args, "questionnaire", None), stated_id)
    if stated_id is not None and stated_id != questionnaire.id:
        raise InputError(
            "diagnosis.answers_for_other_questionnaire", found=stated_id, expected=questionnaire.id
        )
    return questionnaire.to_facts(answers, where=answers_path.name)


def _questionnaire(given: str | None, stated_id: str | None) -> Questionnaire:
    """The questionnaire from a path, or by id among the shipped ones."""
    if given:
        path = Path(given)
        if path.is_file():
            return load_questionnaire(path)
        shipped = available_questionnaires()
        if given in shipped:
            return shipped[given]
        raise InputError("common.file_not_found", path=given)
    shipped = available_questionnaires()
    if stated_id in shipped:
        return shipped[stated_id]
    raise InputError("diagnosis.answers_need_questionnaire")


def _profile(args):
    leads = getattr(args, "leads", None)
    if not leads:
        if getattr(args, "lists", None):
            raise InputError("diagnosis.leads_need_lists")
        return None
    path = Path(leads)
    if not path.is_file():
        raise InputError("common.file_not_found", path=str(path))
    # the profiler is imported only when a list is given
    from engine.leads.leadset import LeadSet
    from engine.leads.lists import Lists, load_lists

    lists = load_lists(Path(args.lists)) if getattr(args, "lists", None) else Lists()
    mapping = None
    if getattr(args, "mapping", None):
        from engine.leads.mapping import load_mapping

        mapping = load_mapping(Path(args.mapping))
    with LeadSet.open(path, mapping=mapping) as leadset:
        return leadset.profile(lists).summary()
