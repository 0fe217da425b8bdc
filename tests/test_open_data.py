"""Open data, feeds and metadata: what reusers, feed readers and link previews get.

Disclosure and footer fields are tested with SYNTHETIC values written by these tests:
the real content states none of them, and the real site must show none.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rectify_site.build.output import read_manifest
from rectify_site.build.pipeline import build_site
from rectify_site.commands import cli
from rectify_site.site.shards import shard_of

from conftest import REPORT_ID, edit
from htmltext import visible_text

ATOM = "{http://www.w3.org/2005/Atom}"
OPTIONAL_LABELS = [
    "索引号",
    "发布机构",
    "成文日期",
    "公开方式",
    "以原文为准",
    "主办单位",
    "ICP备案号",
    "公安备案号",
    "网站标识码",
    "修订记录",
]


def _html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts)


def test_data_folder_lists_every_data_file(built_site: Path) -> None:
    index = json.loads((built_site / "data" / "reports.json").read_text("utf-8"))
    assert (built_site / index["schema"]).is_file()
    [entry] = index["reports"]
    assert entry["id"] == REPORT_ID
    for key in ("json", "csv", "page"):
        assert (built_site / entry[key]).is_file(), entry[key]
    report = json.loads((built_site / entry["json"]).read_text("utf-8"))
    problems = report["figures"]["groups"][0]["figures"][0]
    assert (problems["path"], problems["total"]) == ("problems", 57)
    raw = (built_site / entry["csv"]).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel opens it as UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {"key": "problems.rectified", "value": "48"}.items() <= rows[1].items()
    page = (built_site / "data" / "index.html").read_text("utf-8")
    for href in (f"../{entry['json']}", f"../{entry['csv']}", "report.schema.json"):
        assert f'href="{href}"' in page, href


def test_every_report_page_links_its_data(built_site: Path) -> None:
    for page in sorted((built_site / REPORT_ID).rglob("*.html")):
        html = page.read_text("utf-8")
        assert "data/report.json" in html and "data/figures.csv" in html, page
        assert "report.schema.json" in html, page


def test_every_page_has_description_and_open_graph(built_site: Path) -> None:
    for page in _html_pages(built_site):
        html = page.read_text("utf-8")
        desc = re.search(r'<meta name="description" content="([^"]+)">', html)
        assert desc and len(desc.group(1)) >= 6, page
        for prop in ("og:type", "og:title", "og:description", "og:site_name", "og:locale"):
            assert f'<meta property="{prop}" content="' in html, (page, prop)
    full = (built_site / REPORT_ID / "full.html").read_text("utf-8")
    url = f"https://example.org/rectify/{REPORT_ID}/full.html"
    assert f'<meta property="og:url" content="{url}">' in full
    assert '<meta property="og:type" content="article">' in full
    assert 'content="中共上海市黄浦区委员会关于十二届市委' in full


def test_without_base_url_no_canonical_feed_or_sitemap(tmp_path: Path, content_copy: Path) -> None:
    out = tmp_path / "site"
    result = build_site(content_copy, out, search=False)
    html = (out / REPORT_ID / "full.html").read_text("utf-8")
    assert 'rel="canonical"' not in html and "og:url" not in html and "atom.xml" not in html
    assert not (out / "atom.xml").exists() and not (out / "sitemap.xml").exists()
    assert [d.key for d in result.warnings] == ["base_url.missing"]


def test_default_content_shows_no_optional_official_field(built_site: Path) -> None:
    for page in _html_pages(built_site):
        text = visible_text(page.read_text("utf-8"), "body")
        for label in OPTIONAL_LABELS:
            assert label not in text, (page.name, label)


def _feed(out: Path) -> ET.Element:
    return ET.fromstring((out / "atom.xml").read_bytes())


def test_feed_leaves_out_an_undated_report_with_a_warning(
    tmp_path: Path, content_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    out = tmp_path / "site"
    result = build_site(content_copy, out, base_url="https://example.org/", search=False)
    assert _feed(out).findall(f"{ATOM}entry") == []
    [warning] = [d for d in result.warnings if d.key == "feed.no_date"]
    text = warning.format()
    assert text.startswith(f"{content_copy / REPORT_ID / 'report.yaml'}: warning: published: ")
    assert "SOURCE_DATE_EPOCH" in text


def test_feed_dates_an_entry_from_source_date_epoch(
    tmp_path: Path, content_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    out = tmp_path / "site"
    result = build_site(content_copy, out, base_url="https://example.org/x/", search=False)
    assert not [d for d in result.warnings if d.key == "feed.no_date"]
    [entry] = _feed(out).findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}published") == "2023-11-14T22:13:20+00:00"
    assert entry.find(f"{ATOM}link").get("href") == f"https://example.org/x/{REPORT_ID}/full.html"  # type: ignore[union-attr]
    first = (out / "atom.xml").read_bytes()
    build_site(content_copy, tmp_path / "again", base_url="https://example.org/x/", search=False)
    assert (tmp_path / "again" / "atom.xml").read_bytes() == first  # deterministic


SYNTHETIC_SITE = """
sponsor: 合成测试主办单位（synthetic）
icp: 合成ICP备00000000号
police_record: 合成公网安备00000000000000号
site_code: SYN0000000
"""

SYNTHETIC_REPORT = """
published: 2023-12-01
disclosure:
  index_no: SYN-2023-0001
  publisher: 合成测试发布机构
  written: 2023-11-30
  mode: 主动公开
source_url: https://example.org/synthetic/original.html
corrections:
- date: 2023-12-05
  change: 合成测试：更正一处错字（synthetic）
"""


def test_optional_official_fields_are_shown_when_given(
    tmp_path: Path, content_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    site_yaml = content_copy / "site.yaml"
    site_yaml.write_text(site_yaml.read_text("utf-8") + SYNTHETIC_SITE, "utf-8")
    report_yaml = content_copy / REPORT_ID / "report.yaml"
    report_yaml.write_text(report_yaml.read_text("utf-8") + SYNTHETIC_REPORT, "utf-8")
    out = tmp_path / "site"
    build_site(content_copy, out, base_url="https://example.org/", search=False)

    full = visible_text((out / REPORT_ID / "full.html").read_text("utf-8"))
    for shown in (
        "索引号：SYN-2023-0001",
        "发布机构：合成测试发布机构",
        "成文日期：2023年11月30日",
        "公开方式：主动公开",
        "https://example.org/synthetic/original.html（以原文为准）",
        "修订记录",
        "2023年12月5日：合成测试：更正一处错字（synthetic）",
    ):
        assert shown in full, shown
    assert full.index("修订记录") > full.index("邮政编码")  # at the report's end
    home = visible_text((out / "index.html").read_text("utf-8"), "footer")
    for shown in (
        "主办单位：合成测试主办单位（synthetic）",
        "ICP备案号：合成ICP备00000000号",
        "公安备案号：合成公网安备00000000000000号",
        "网站标识码：SYN0000000",
    ):
        assert shown in home, shown

    [entry] = _feed(out).findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}published") == "2023-12-01T00:00:00+08:00"
    assert entry.findtext(f"{ATOM}updated") == "2023-12-05T00:00:00+08:00"
    content = entry.findtext(f"{ATOM}content") or ""
    assert "修订记录" in content and "更正一处错字" in content
    data = json.loads((out / REPORT_ID / "data" / "report.json").read_text("utf-8"))
    assert data["disclosure"]["index_no"] == "SYN-2023-0001"
    assert data["corrections"][0]["date"] == "2023-12-05"


def test_a_bad_source_url_is_reported_with_its_line(
    content_copy: Path, cli: Callable[..., Any]
) -> None:
    report_yaml = content_copy / REPORT_ID / "report.yaml"
    report_yaml.write_text(
        report_yaml.read_text("utf-8") + "source_url: javascript:alert(1)\n", "utf-8"
    )
    run = cli("check", "--content", content_copy)
    assert run.code == 1
    assert re.search(r"report\.yaml:\d+:\d+: error: source_url: ", run.err), run.err


def test_build_without_pagefind_exits_2_before_writing(
    tmp_path: Path, content_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from rectify_site.build import search

    monkeypatch.setattr(search, "available", lambda: False)
    out = tmp_path / "site"
    code = cli.main(["build", "--content", str(content_copy), "--out", str(out)])
    assert code == 2
    assert "pagefind[extended]" in capsys.readouterr().err
    assert not out.exists()
    assert (
        cli.main(["build", "--content", str(content_copy), "--out", str(out), "--no-search"]) == 0
    )
    assert (out / "index.html").is_file() and not (out / "pagefind").exists()


def test_build_writes_the_search_index(tmp_path: Path, content_copy: Path) -> None:
    out = tmp_path / "site"
    assert cli.main(["build", "--content", str(content_copy), "--out", str(out)]) == 0
    assert (out / "pagefind" / shard_of(REPORT_ID) / "pagefind.js").is_file()
    assert list((out / "pagefind" / shard_of(REPORT_ID)).glob("*.pf_meta"))
    assert not list(out.glob(".pagefind*"))  # no temporary folder left behind
    # the bundle is part of the site the manifest describes, unused interfaces left out
    manifest = read_manifest(out)
    assert f"pagefind/{shard_of(REPORT_ID)}/pagefind-entry.json" in manifest
    assert not list(out.rglob("pagefind-ui.js"))
    edit(content_copy / REPORT_ID / "categories" / "development.yaml", "营商环境", "营商生态")
    assert cli.main(["build", "--content", str(content_copy), "--out", str(out)]) == 0
    assert (out / "pagefind" / shard_of(REPORT_ID) / "pagefind.js").is_file()


def test_search_index_is_deterministic(tmp_path: Path, content_copy: Path) -> None:
    """The same content gives the same Pagefind bundle, so site diffs stay reviewable."""
    bundles = []
    for name in ("one", "two"):
        out = tmp_path / name
        build_site(content_copy, out, search=True, incremental=False)
        bundle = out / "pagefind"
        bundles.append(
            {
                p.relative_to(bundle).as_posix(): p.read_bytes()
                for p in bundle.rglob("*")
                if p.is_file()
            }
        )
    assert bundles[0] == bundles[1]
