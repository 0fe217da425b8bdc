"""Score the importer's parsers against the corpus (tests/support/corpus.py).

Statistics: a stated figure is right when its value, unit and label (one of those the
corpus accepts) and qualifier are; a count by status when its value, unit, status words,
done and the value of its total are; a stated rate when the tally carries it. A figure
the parser declares that the corpus does not state is invented. Inspection: each date
stated (start, end, feedback) right, each date given that the text does not state
(invented), the teams as a list, the round (none where none is named).
``benchmarks/import_accuracy.py`` prints these; tests/test_import_corpus.py asserts them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rectify_site.importing import inspection, stated

from . import corpus


@dataclass
class Tally:
    right: int = 0
    total: int = 0
    invented: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.right / self.total if self.total else 1.0


def _value(v: Any) -> Decimal:
    return Decimal(str(v))


def _describe(f: stated.Stated) -> str:
    n = f.number
    q = n.qualifier or ""
    if f.kind in ("status", "remainder"):
        owner = f.owner.number.value if f.owner else "?"
        return f"{n.value}{n.unit} {f.status}({'done' if f.done else 'not done'}) of {owner}"
    if f.kind == "rate":
        return f"rate {n.value}% of {f.owner.number.value if f.owner else '?'}"
    return f"{n.value}{n.unit} {f.label} {q}".strip()


def _matches(exp: dict[str, Any], got: stated.Stated) -> bool:
    n = got.number
    if _value(exp["value"]) != Decimal(n.value) or exp["unit"] != n.unit:
        return False
    if "status" in exp:
        return (
            got.kind in ("status", "remainder")
            and got.status == exp["status"]
            and got.done == exp["done"]
            and got.owner is not None
            and Decimal(got.owner.number.value) == _value(exp["of"])
        )
    if got.kind != "value":
        return False
    labels = [exp["label"], *exp.get("also", [])]
    if got.label not in labels or (exp.get("qualifier") or None) != n.qualifier:
        return False
    rate = exp.get("rate")
    if rate is None:
        return got.rate is None
    return got.rate is not None and _value(rate) == Decimal(got.rate.number.value)


def score_statistics() -> dict[str, dict[str, Tally]]:
    """By ``form`` and by ``script`` (and ``all``): figures right of stated, invented."""
    out: dict[str, dict[str, Tally]] = {"form": defaultdict(Tally), "script": defaultdict(Tally)}
    for entry in corpus.statistics():
        parsed = stated.parse(entry["text"])
        got = [f for f in parsed.figures if f.kind != "rate"]
        used: set[int] = set()
        keys = [("form", entry["form"]), ("script", entry["script"]), ("script", "all")]
        for exp in entry["figures"]:
            hit = next((i for i, g in enumerate(got) if i not in used and _matches(exp, g)), None)
            for kind, key in keys:
                out[kind][key].total += 1
            if hit is not None:
                used.add(hit)
                for kind, key in keys:
                    out[kind][key].right += 1
            else:
                miss = f"{entry['id']}: {exp} -> {[_describe(g) for g in got]}"
                for kind, key in keys:
                    out[kind][key].misses.append(miss)
        stated_values = {(_value(e["value"]), e["unit"]) for e in entry["figures"]}
        for i, g in enumerate(got):
            if i in used:
                continue
            if (Decimal(g.number.value), g.number.unit) not in stated_values:
                for kind, key in keys:
                    out[kind][key].invented += 1
                    out[kind][key].misses.append(f"{entry['id']}: invented {_describe(g)}")
        expected_warnings = set(entry.get("warn", []))
        given = {k for k, _ in parsed.warnings if k in ("rate", "status")}
        for kind_of_warning in expected_warnings ^ given:
            label = "missing" if kind_of_warning in expected_warnings else "false"
            for kind, key in keys:
                out[kind][key].misses.append(f"{entry['id']}: {label} warning {kind_of_warning}")
                out[kind][key].total += 1 if label == "missing" else 0
                out[kind][key].invented += 1 if label == "false" else 0
        for _warning in expected_warnings & given:
            for kind, key in keys:
                out[kind][key].total += 1
                out[kind][key].right += 1
    return out


def score_inspection() -> dict[str, dict[str, Tally]]:
    """Dates, teams and round, by form and by script."""
    out: dict[str, dict[str, Tally]] = {
        "dates": defaultdict(Tally),
        "teams": defaultdict(Tally),
        "round": defaultdict(Tally),
    }
    for entry in corpus.inspection():
        found = inspection.read(entry.get("title") or "", entry["text"])
        keys = [entry["form"], entry["script"], "all"]
        for name in ("start", "end", "feedback"):
            want = entry.get(name)
            got = getattr(found, name)
            got_s = got.isoformat() if hasattr(got, "isoformat") else got
            for key in keys:
                tally = out["dates"][key]
                if want is not None:
                    tally.total += 1
                    if got_s == want:
                        tally.right += 1
                    else:
                        tally.misses.append(f"{entry['id']}: {name} {want} -> {got_s}")
                elif got is not None:
                    tally.invented += 1
                    tally.misses.append(f"{entry['id']}: invented {name} {got_s}")
        for what, want, got in (
            ("teams", entry.get("teams", []), found.teams),
            ("round", entry.get("round"), found.round),
        ):
            if what == "round" and "round" not in entry:
                continue
            for key in keys:
                tally = out[what][key]
                tally.total += 1
                if want == got:
                    tally.right += 1
                else:
                    tally.misses.append(f"{entry['id']}: {what} {want} -> {got}")
    return out
