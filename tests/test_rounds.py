"""The round as a whole: each unit's problems and measures, and what the round adds up to.

A synthetic collection of three rounds (tests/support/generate.py ``rounds_collection``:
the second a 巡察; units that declare both kinds, problems only, measures only, neither,
a total with no done count; one unit's 回头看 in the third round) is built once. Every
number on the round pages is checked against sums this test makes from the content's
YAML, the way an editor reads it; the CSV and JSON against the page.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from rectify_site.build.pipeline import build_site
from rectify_site.errors import ContentError
from rectify_site.load.collection import load_collection
from rectify_site.site.urls import issuer_slug, round_slug

from conftest import REPORT_ID, SIDEWAYS, TEMPLATES, Run, axe_violations, edit, serve_folder
from support import generate

KINDS = ("problem", "measure")
UNSTATED = "未说明"


@pytest.fixture(scope="module")
def rounds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[Any]]:
    """The synthetic rounds' content, its built site, and (round, kind, report ids)."""
    root = tmp_path_factory.mktemp("rounds")
    content = root / "content"
    written = generate.rounds_collection(content)
    out = root / "_site"
    build_site(content, out, templates=TEMPLATES, search=False, compress=False)
    return content, out, written


# --- what the content says, read as an editor reads it --------------------------------


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text("utf-8"))


def _listed(folder: Path, role: str) -> list[str | None]:
    """The status of every node of ``role`` in the report's node files."""
    found: list[str | None] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("role") == role:
                found.append(node.get("status"))
            for child in node.get("children", []):
                walk(child)

    for path in sorted(folder.rglob("*.yaml")):
        if path.name not in ("report.yaml", "figures.yaml"):
            walk(_load(path))
    return found


def expected(folder: Path) -> dict[str, tuple[int | None, int | None]]:
    """(total, done) of each kind, from figures.yaml and the listed nodes; None: not stated."""
    figures = _load(folder / "figures.yaml")
    done_keys = {k for k, s in figures["statuses"].items() if s["done"]}
    out: dict[str, tuple[int | None, int | None]] = {}
    for kind in KINDS:
        total: int | None = None
        done: int | None = None
        known = True
        for group in figures["groups"]:
            for f in group["figures"]:
                if (f.get("of") or f.get("counts")) != kind or f.get("part_of"):
                    continue
                if f.get("counts"):  # derived from the listed nodes
                    statuses = _listed(folder, kind)
                    t, d = len(statuses), sum(s in done_keys for s in statuses)
                else:
                    t = f["total"]
                    given = [n for k, n in f.get("by_status", {}).items() if k in done_keys]
                    d = sum(given) if given else None
                total = (total or 0) + t
                if d is None:
                    known = False
                else:
                    done = (done or 0) + d
        out[kind] = (total, done if known and total is not None else None)
    return out


def rate(done: int, total: int) -> str:
    value = (Decimal(100) * done / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return format(value, "f")


# --- what the page shows -------------------------------------------------------------


class _Table(HTMLParser):
    """The rows of the page's table.standings: [header text, six cells] (colspans expanded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.section = ""
        self.rows: dict[str, list[list[str]]] = {"tbody": [], "tfoot": []}
        self.cell: list[str] | None = None
        self.span = 1
        self.inside = False
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table" and "standings" in (a.get("class") or ""):
            self.inside = True
        if not self.inside:
            return
        if tag in ("tbody", "tfoot", "thead"):
            self.section = tag
        elif tag == "tr" and self.section in self.rows:
            self.rows[self.section].append([])
        elif tag in ("td", "th") and self.section in self.rows:
            self.cell, self.span = [], int(a.get("colspan") or 1)
        elif tag in ("svg", "span") and "when" in (a.get("class") or ""):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.inside = False
        if tag == "span" and self.skip:
            self.skip -= 1
        if tag in ("td", "th") and self.cell is not None and self.section in self.rows:
            text = "".join(self.cell).strip()
            self.rows[self.section][-1].extend([text] * self.span)
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None and not self.skip:
            self.cell.append(data)


def table_of(html: str) -> dict[str, list[list[str]]]:
    parser = _Table()
    parser.feed(html)
    return parser.rows


def shown(total: int | None, done: int | None) -> list[str]:
    """The three cells a kind shows, as the page prints them (the rate's * aside)."""
    if total is None:
        return [UNSTATED] * 3
    if done is None:
        return [str(total), UNSTATED, UNSTATED]
    return [str(total), str(done), "?"]  # the rate is checked on its own


def _page(site: Path, name: str, suffix: str = "") -> str:
    return (site / "rounds" / f"{round_slug(name)}{suffix}.html").read_text("utf-8")


# --- the tests ----------------------------------------------------------------------------


def test_the_collection_is_three_rounds_of_5_to_12_units_one_of_them_a_xuncha(
    rounds: tuple[Path, Path, list[Any]],
) -> None:
    content, _, written = rounds
    assert len(written) == 3 and [k for _, k, _ in written].count("巡察") == 1
    assert all(5 <= len(ids) <= 12 for _, _, ids in written)
    every = [expected(content / rid) for _, _, ids in written for rid in ids]
    assert any(e["problem"][0] is not None and e["measure"][0] is None for e in every)
    assert any(e["problem"][0] is None and e["measure"][0] is not None for e in every)
    assert any(e["problem"][0] is None and e["measure"][0] is None for e in every)
    issuers = [_load(content / rid / "report.yaml")["issuer"] for _, _, i in written for rid in i]
    twice = [i for i in set(issuers) if issuers.count(i) > 1]
    assert len(twice) == 1, "one unit comes back in a later round (its 回头看)"
    for path in content.rglob("*.yaml"):
        assert path.read_text("utf-8").startswith(generate.MARK), path


def test_each_round_page_shows_every_unit_as_its_content_states_it(
    rounds: tuple[Path, Path, list[Any]],
) -> None:
    content, site, written = rounds
    for name, _, ids in written:
        body = table_of(_page(site, name))["tbody"]
        assert len(body) == len(ids), name
        by_unit = {row[0]: row[1:] for row in body}
        for rid in ids:
            issuer = _load(content / rid / "report.yaml")["issuer"]
            e = expected(content / rid)
            cells = by_unit[issuer]
            for i, kind in enumerate(KINDS):
                got, want = cells[3 * i : 3 * i + 3], shown(*e[kind])
                assert got[:2] == want[:2], (name, issuer, kind)
                total, done = e[kind]
                if total and done is not None:
                    assert got[2].rstrip("*").endswith("%")
                else:
                    assert got[2] == want[2], (name, issuer, kind)


def test_the_totals_add_only_the_units_that_state_them_and_say_how_many(
    rounds: tuple[Path, Path, list[Any]],
) -> None:
    content, site, written = rounds
    for name, _, ids in written:
        foot = table_of(_page(site, name))["tfoot"]
        states = {kind: [expected(content / rid)[kind] for rid in ids] for kind in KINDS}
        if name == written[0][0]:  # the first round leaves units out of both sums
            assert all(None in s for s in states["problem"][5:6] + states["measure"][5:6])
        sums = {}
        for kind in KINDS:
            counted = [(t, d) for t, d in states[kind] if t is not None and d is not None]
            total, done = sum(t for t, _ in counted), sum(d for _, d in counted)
            sums[kind] = (len(counted), total, done)
        same = [t is not None and d is not None for t, d in states["problem"]] == [
            t is not None and d is not None for t, d in states["measure"]
        ]
        if same:
            (row,) = foot
            n = sums["problem"][0]
            assert row[0] == f"合计（{len(ids)} 个单位中的 {n} 个）"
            rows = {"problem": row, "measure": row}
        else:
            labels = {"problem": "具体问题合计", "measure": "整改措施合计"}
            rows = {}
            for kind in KINDS:
                n = sums[kind][0]
                (row,) = [r for r in foot if r[0].startswith(labels[kind])]
                assert row[0] == f"{labels[kind]}（{len(ids)} 个单位中的 {n} 个）", name
                rows[kind] = row
        for i, kind in enumerate(KINDS):
            n, total, done = sums[kind]
            cells = rows[kind][1 + 3 * i : 4 + 3 * i]
            assert cells == [str(total), str(done), f"{rate(done, total)}%"], (name, kind)


def test_a_unit_that_declares_nothing_shows_unstated_never_0(
    rounds: tuple[Path, Path, list[Any]],
) -> None:
    content, site, written = rounds
    name, _, ids = written[0]
    neither = [
        rid for rid in ids if all(v == (None, None) for v in expected(content / rid).values())
    ]
    (rid,) = neither
    issuer = _load(content / rid / "report.yaml")["issuer"]
    (row,) = [r for r in table_of(_page(site, name))["tbody"] if r[0] == issuer]
    assert row[1:] == [UNSTATED] * 6
    # a tally labelled 具体问题 but not declared (no of): not matched by its label
    measures_only = next(
        rid
        for rid in ids
        if expected(content / rid)["problem"] == (None, None)
        and expected(content / rid)["measure"][0] is not None
    )
    labels = [
        f["label"]
        for g in _load(content / measures_only / "figures.yaml")["groups"]
        for f in g["figures"]
    ]
    assert "具体问题" in labels
    issuer = _load(content / measures_only / "report.yaml")["issuer"]
    (row,) = [r for r in table_of(_page(site, name))["tbody"] if r[0] == issuer]
    assert row[1:4] == [UNSTATED] * 3


def test_sorted_pages_order_the_same_rows_by_rate(rounds: tuple[Path, Path, list[Any]]) -> None:
    _, site, written = rounds
    for name, _, _ids in written:
        listed = table_of(_page(site, name))["tbody"]
        for i, kind in enumerate(KINDS):
            rows = table_of(_page(site, name, f"-by-{kind}"))["tbody"]
            assert sorted(map(tuple, rows)) == sorted(map(tuple, listed))
            rates = [r[3 + 3 * i] for r in rows]
            known = [Decimal(r.rstrip("*").rstrip("%")) for r in rates if r.rstrip("*")[-1:] == "%"]
            assert known == sorted(known, reverse=True), (name, kind)
            unknown = [r for r in rates if not r.rstrip("*").endswith("%")]
            assert rates[len(known) :] == unknown, "units that state none come last"
        html = _page(site, name)
        for kind in KINDS:
            assert f'href="{round_slug(name)}-by-{kind}.html"' in html


def test_the_csv_parses_and_matches_the_page(rounds: tuple[Path, Path, list[Any]]) -> None:
    _, site, written = rounds
    schema = json.loads((site / "data" / "table.schema.json").read_text("utf-8"))
    import jsonschema

    for name, _, ids in written:
        raw = (site / "data" / "rounds" / f"{round_slug(name)}.csv").read_bytes()
        assert raw.startswith("\ufeff".encode())
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        assert [r["report"] for r in rows] == ids_in_page_order(site, name, rows)
        page = {r[0]: r[1:] for r in table_of(_page(site, name))["tbody"]}
        for r in rows:
            cells = page[r["issuer"]]
            for i, prefix in enumerate(("problems", "measures")):
                for j, col in enumerate(("total", "done")):
                    value = r[f"{prefix}_{col}"]
                    assert (value or UNSTATED) == cells[3 * i + j], (name, r["issuer"], col)
                rate_cell = cells[3 * i + 2].rstrip("*")
                value = r[f"{prefix}_rate"]
                assert (f"{value}%" if value else rate_cell) == rate_cell
        data = json.loads((site / "data" / "rounds" / f"{round_slug(name)}.json").read_text())
        jsonschema.validate(data, schema)
        assert [row["report"] for row in data["rows"]] == [r["report"] for r in rows]
        assert len(ids) == len(rows)


def ids_in_page_order(site: Path, name: str, rows: list[dict[str, str]]) -> list[str]:
    """The CSV's reports in the order the round's page lists their units."""
    order = [r[0] for r in table_of(_page(site, name))["tbody"]]
    by_issuer = {r["issuer"]: r["report"] for r in rows}
    return [by_issuer[i] for i in order]


def test_a_unit_over_two_rounds_shows_both_reports_side_by_side(
    rounds: tuple[Path, Path, list[Any]],
) -> None:
    content, site, written = rounds
    first, last = written[0][2][0], written[2][2][0]
    issuer = _load(content / first / "report.yaml")["issuer"]
    assert _load(content / last / "report.yaml")["issuer"] == issuer
    html = (site / "issuers" / f"{issuer_slug(issuer)}.html").read_text("utf-8")
    body = table_of(html)["tbody"]
    assert {r[0] for r in body} == {written[0][0], written[2][0]}
    for rid, rname in ((first, written[0][0]), (last, written[2][0])):
        (row,) = [r for r in body if r[0] == rname]
        e = expected(content / rid)
        assert row[1:3] == shown(*e["problem"])[:2] and row[4:6] == shown(*e["measure"])[:2]
    assert table_of(html)["tfoot"] == [], "a unit's rounds are never added up"
    data = site / "data" / "issuers" / f"{issuer_slug(issuer)}.csv"
    assert len(list(csv.reader(io.StringIO(data.read_text("utf-8-sig"))))) == 3


def test_a_xuncha_round_says_xuncha(rounds: tuple[Path, Path, list[Any]]) -> None:
    _, site, written = rounds
    (name,) = [n for n, k, _ in written if k == "巡察"]
    for suffix in ("", "-by-problem", "-by-measure"):
        html = _page(site, name, suffix)
        main = html[html.index("<h1>") : html.index("</main>")]
        assert "本轮巡察" in main and "巡视" not in main, suffix


def test_the_data_page_lists_every_rounds_tables(rounds: tuple[Path, Path, list[Any]]) -> None:
    _, site, written = rounds
    html = (site / "data" / "index.html").read_text("utf-8")
    index = json.loads((site / "data" / "reports.json").read_text("utf-8"))
    for name, _, _ in written:
        for ext in ("csv", "json"):
            assert f"rounds/{round_slug(name)}.{ext}" in html
            assert (site / "data" / "rounds" / f"{round_slug(name)}.{ext}").is_file()
        assert any(t["name"] == name and t["table"] == "round" for t in index["tables"])
    assert "table.schema.json" in html


# --- checks --------------------------------------------------------------------------------


def test_a_unit_twice_in_one_round_is_an_error_at_its_issuer_line(
    rounds: tuple[Path, Path, list[Any]], tmp_path: Path, cli: Callable[..., Run]
) -> None:
    content = tmp_path / "content"
    shutil.copytree(rounds[0], content)
    first = rounds[2][0][2][0]
    shutil.copytree(content / first, content / "zz-again")
    run = cli("check", "--content", content, "--no-html-check")
    assert run.code == 1
    lines = [ln for ln in run.err.splitlines() if ": error: " in ln]
    (line,) = lines
    issuer_line = 1 + next(
        i
        for i, ln in enumerate((content / "zz-again" / "report.yaml").read_text().splitlines())
        if ln.startswith("issuer:")
    )
    assert line.startswith(f"{content / 'zz-again' / 'report.yaml'}:{issuer_line}:")
    assert f"已有一份通报（{first}）" in line and "同一单位在同一轮次只能有一份通报" in line
    assert "Traceback" not in run.err


def test_part_of_naming_no_tally_is_an_error_at_its_line(content_copy: Path) -> None:
    figures = content_copy / REPORT_ID / "figures.yaml"
    edit(figures, "part_of: problems", "part_of: problemz")
    with pytest.raises(ContentError) as info:
        load_collection(content_copy)
    (d,) = [d for d in info.value.diagnostics if d.severity == "error"]
    line = 1 + figures.read_text("utf-8").splitlines().index("    part_of: problemz")
    assert (d.path, d.line, d.field) == (str(figures), line, "common.problems.part_of")
    assert "problemz" in d.message()


# --- the default site ------------------------------------------------------------------


def test_the_default_round_page_shows_its_one_report_and_claims_no_sum(built_site: Path) -> None:
    html = _page(built_site, "十二届市委第二轮巡视")
    t = table_of(html)
    assert t["tbody"] == [["中共上海市黄浦区委员会", "57", "48", "84.2%*", "134", "120", "89.6%*"]]
    assert t["tfoot"] == []
    assert "个单位中的" not in html
    data = built_site / "data" / "rounds" / f"{round_slug('十二届市委第二轮巡视')}.csv"
    (row,) = csv.DictReader(io.StringIO(data.read_text("utf-8-sig")))
    assert (row["problems_total"], row["problems_done"]) == ("57", "48")
    assert (row["measures_total"], row["measures_done"]) == ("134", "120")


# --- in a browser ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rounds_url(rounds: tuple[Path, Path, list[Any]]) -> Iterator[str]:
    with serve_folder(rounds[1]) as url:
        yield url


@pytest.mark.browser
@pytest.mark.slow
def test_round_pages_pass_axe_and_never_scroll_sideways_at_375_px(
    browser: Any, rounds: tuple[Path, Path, list[Any]], rounds_url: str
) -> None:
    _, site, written = rounds
    pages = sorted(p.relative_to(site).as_posix() for p in (site / "rounds").glob("round-*.html"))
    issuer = _load(rounds[0] / written[2][2][0] / "report.yaml")["issuer"]
    pages.append(f"issuers/{issuer_slug(issuer)}.html")
    assert len(pages) == 3 * 3 + 1
    found: dict[str, Any] = {}
    for width in (375, 1280):
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        for rel in pages:
            page.goto(rounds_url + rel)
            if violations := axe_violations(page):
                found[f"{rel} at {width}"] = violations
            if width == 375 and page.evaluate(SIDEWAYS):
                found[f"{rel} at 375"] = "scrolls sideways"
            # the bars are drawn without JavaScript, one a stated rate
            assert page.locator("table.standings svg.bar").count() > 0, rel
        context.close()
    assert found == {}
