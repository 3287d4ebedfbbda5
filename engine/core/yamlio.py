"""One way to read YAML, for the project's data files and for whatever a user sends.

``yaml.safe_load`` semantics (no Python tags), plus bounds that make a hostile file cheap
to refuse: no aliases (a 466-byte alias bomb expands to gigabytes), a size cap, a nesting cap
(PyYAML composes recursively) and a cap on the number of values (composing a million of
them took 36 s in the server), all checked on libyaml's event stream before composing. Every problem is the engine's own error naming the
file and, where there is one, the line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from engine.core.errors import ConfigError, InputError, SenryokuError

MAX_BYTES = 2 * 1024 * 1024  # far above any lists file or questionnaire a person writes
MAX_DEPTH = 40  # the deepest project file nests 6 levels
# Composing in pure Python costs ~35 µs and ~400 bytes per event: 2 MB of ``[a,a,...]`` is
# a million events, 36 s of CPU and 0.8 GB in the server. The largest project file has
# under 1,000 events and a 1,000-company lists file about 2,000, so 20,000 bounds a
# user's YAML at well under a second while refusing nothing real.
MAX_EVENTS = 20_000
# libyaml's C loader scans ~30x faster than PyYAML's Python one (a 2 MB scalar: 0.02 s
# against 1.8 s). It has no hook to refuse aliases while composing, so the event stream is
# checked first (_prescan); without libyaml the Python loader refuses them itself.
_CLoader = getattr(yaml, "CSafeLoader", None)

Model = TypeVar("Model", bound=BaseModel)


class _Refused(Exception):
    def __init__(self, code: str, line: int | str, **params: Any) -> None:
        self.code, self.line, self.params = code, line, params


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases and nesting deeper than MAX_DEPTH."""

    _depth = 0

    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            raise _Refused("common.yaml.alias", self.peek_event().start_mark.line + 1)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused("common.yaml.too_deep", self.peek_event().start_mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def parse_text(
    text: str,
    name: str,
    error_class: type[SenryokuError] = InputError,
    max_bytes: int = MAX_BYTES,
) -> Any:
    """The data in YAML ``text`` (``name`` only names it in messages)."""
    if len(text) > max_bytes or len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise error_class("common.yaml.too_large", file=name, max_kb=max_bytes // 1024)
    try:
        _prescan(text)
        return yaml.load(text, Loader=_CLoader or _BoundedLoader)  # noqa: S506 - safe loaders
    except _Refused as exc:
        raise error_class(exc.code, file=name, line=exc.line, **exc.params) from None
    except yaml.constructor.ConstructorError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else "?"
        raise error_class(
            "common.yaml.tag", file=name, line=line, tag=_tag_of(str(exc.problem or ""))
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else "?"
        problem = str(getattr(exc, "problem", "") or exc).splitlines()[0]
        raise error_class("common.yaml.syntax", file=name, line=line, problem=problem) from None
    except RecursionError:
        raise error_class("common.yaml.too_deep", file=name, line="?") from None


def _prescan(text: str) -> None:
    """Refuse an alias, nesting past MAX_DEPTH or more than MAX_EVENTS events from the
    event stream alone, before anything is composed (stops at the first offence)."""
    depth = 0
    for count, event in enumerate(yaml.parse(text, Loader=_CLoader or yaml.SafeLoader)):
        if isinstance(event, yaml.AliasEvent):
            raise _Refused("common.yaml.alias", event.start_mark.line + 1)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _Refused("common.yaml.too_deep", event.start_mark.line + 1)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        if count >= MAX_EVENTS:
            raise _Refused("common.yaml.too_many", event.start_mark.line + 1, max=f"{MAX_EVENTS:,}")


def upload_text(data: bytes, name: str, error_class: type[SenryokuError] = InputError) -> str:
    """The text of an uploaded YAML file (UTF-8, a BOM allowed), its size checked before
    anything is decoded (an upload may be as large as the server's upload limit)."""
    if len(data) > MAX_BYTES:
        raise error_class("common.yaml.too_large", file=name, max_kb=MAX_BYTES // 1024)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error_class("common.yaml.not_utf8", file=name) from None


def read_text(path: str | Path, error_class: type[SenryokuError] = InputError) -> str:
    """A YAML file's text (UTF-8, a BOM allowed)."""
    p = Path(path)
    try:
        if p.stat().st_size > MAX_BYTES:
            raise error_class("common.yaml.too_large", file=p.name, max_kb=MAX_BYTES // 1024)
        return p.read_text(encoding="utf-8-sig")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise error_class("common.file_not_found", path=str(path)) from None
    except UnicodeDecodeError:
        raise error_class("common.yaml.not_utf8", file=p.name) from None


def read_mapping(
    path: str | Path, error_class: type[SenryokuError] = InputError, text: str | None = None
) -> dict[str, Any]:
    """The data of a YAML file whose top level must be a mapping. ``text`` parses a string
    instead (``path`` then only names it in messages)."""
    name = Path(path).name
    data = parse_text(read_text(path, error_class) if text is None else text, name, error_class)
    if not isinstance(data, dict):
        raise error_class("common.yaml.not_mapping", file=name)
    return data


def load_model(path: str | Path, model: type[Model]) -> Model:
    """A project data file validated by ``model``; a ConfigError names the file and field."""
    data = read_mapping(path, ConfigError)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in err.get("loc") or ()) or "-"
        raise ConfigError(
            "common.yaml.invalid", file=Path(path).name, field=field, detail=err["msg"]
        ) from None


def _tag_of(problem: str) -> str:
    # PyYAML: "could not determine a constructor for the tag 'tag:yaml.org,2002:python/...'"
    if "'" in problem:
        return problem.split("'")[1].replace("tag:yaml.org,2002:", "!!")
    return problem
