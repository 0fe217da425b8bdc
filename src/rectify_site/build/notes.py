"""What a build leaves for the next one: its notes, one typed record kept in the cache.

The cache (cache.py) keeps them as JSON beside its own state and knows nothing of what
they say; this record is their one reader and writer. ``from_json`` checks the shape
field by field: anything else (a cache edited by hand, half written, from elsewhere) is
no notes at all, and the build that finds it trusts nothing of the last one (a cold
build, as for any other malformed state).

Standard library only, so that a build that finds nothing changed reads them before
pydantic or Jinja is imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rectify_site.errors import Diagnostic

FIELDS = ("warnings", "reports", "indexed", "shards", "templates", "name")
"""The notes' fields, as their JSON keys."""

WARNING_FIELDS = frozenset({"path", "line", "col", "severity", "field", "key", "params"})


@dataclass(frozen=True)
class Notes:
    """The notes of one build; an empty record stands for no last build."""

    warnings: tuple[Diagnostic, ...] = ()
    """Every warning the build printed: a build that finds nothing changed prints them again."""
    reports: int = 0
    """How many reports the site shows, for the summary of a build that changed nothing."""
    indexed: bool = False
    """Whether the search index follows the pages (a build without search leaves it stale)."""
    shards: dict[str, str] = field(default_factory=dict)
    """Search shard -> the digest of its pages when it was last indexed (search.py)."""
    templates: dict[str, list[str]] = field(default_factory=dict)
    """A template file's hash -> the templates it names (render.template_closures), so
    that a template is parsed again only when it changed."""
    name: str = ""
    """The site's name (site.yaml's, else from the reports' kinds): the next build renders
    with it before its reports have loaded (stream.py)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "warnings": [_warning_record(w) for w in self.warnings],
            "reports": self.reports,
            "indexed": self.indexed,
            "shards": dict(self.shards),
            "templates": {k: list(v) for k, v in self.templates.items()},
            "name": self.name,
        }

    @classmethod
    def from_json(cls, data: Any) -> Notes | None:
        """The notes saved as ``data``; an empty record for {} (no last build); None for
        any other shape."""
        if data == {}:
            return cls()
        if not isinstance(data, dict) or set(data) != set(FIELDS):
            return None
        warnings = data["warnings"]
        reports, indexed, shards, templates, name = (data[k] for k in FIELDS[1:])
        if not (
            isinstance(warnings, list)
            and all(_is_warning(w) for w in warnings)
            and _is_int(reports)
            and isinstance(indexed, bool)
            and isinstance(shards, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in shards.items())
            and isinstance(templates, dict)
            and all(isinstance(k, str) and _is_strs(v) for k, v in templates.items())
            and isinstance(name, str)
        ):
            return None
        return cls(
            warnings=tuple(_warning_from(w) for w in warnings),
            reports=reports,
            indexed=indexed,
            shards=dict(shards),
            templates={k: list(v) for k, v in templates.items()},
            name=name,
        )


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_strs(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def _warning_record(d: Diagnostic) -> dict[str, Any]:
    return {
        "path": d.path,
        "line": d.line,
        "col": d.col,
        "severity": d.severity,
        "field": d.field,
        "key": d.key,
        "params": [[k, list(v) if isinstance(v, tuple) else v] for k, v in d.params],
    }


def _is_warning(rec: Any) -> bool:
    def opt_int(v: Any) -> bool:
        return v is None or _is_int(v)

    return (
        isinstance(rec, dict)
        and set(rec) == WARNING_FIELDS
        and isinstance(rec["path"], str)
        and opt_int(rec["line"])
        and opt_int(rec["col"])
        and rec["severity"] in ("error", "warning")
        and isinstance(rec["field"], str)
        and isinstance(rec["key"], str)
        and isinstance(rec["params"], list)
        and all(
            isinstance(kv, list) and len(kv) == 2 and isinstance(kv[0], str) for kv in rec["params"]
        )
    )


def _warning_from(rec: dict[str, Any]) -> Diagnostic:
    """A saved warning (its shape checked by ``_is_warning``)."""
    params = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in rec["params"])
    return Diagnostic(
        path=rec["path"],
        line=rec["line"],
        col=rec["col"],
        severity=rec["severity"],
        field=rec["field"],
        key=rec["key"],
        params=params,
    )
