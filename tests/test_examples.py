"""The CI workflows in examples/ are valid YAML and do what the README says they do."""

from __future__ import annotations

from typing import Any

import yaml

from conftest import ROOT

EXAMPLES = ROOT / "examples"


def _load(name: str) -> dict[Any, Any]:
    data = yaml.safe_load((EXAMPLES / name).read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def _runs(steps: list[dict[str, Any]]) -> str:
    return "\n".join(str(s.get("run", "")) for s in steps)


def test_github_workflow_checks_pull_requests_on_content_builds_and_uploads() -> None:
    wf = _load("github-actions.yml")
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "content/**" in on["pull_request"]["paths"]
    (job,) = wf["jobs"].values()
    steps = job["steps"]
    runs = _runs(steps)
    assert "default-jre-headless" in runs
    assert "npm install" in runs and "--ignore-scripts" in runs and "vnu-jar" in runs
    assert "python -m pip install ." in runs  # rectify-site from the checkout (a fork)
    lines = [ln.strip() for ln in runs.splitlines()]
    check = lines.index("rectify-site check --strict --format github")
    build = next(i for i, ln in enumerate(lines) if ln.startswith("rectify-site build"))
    assert check < build
    upload = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    assert len(upload) == 1 and upload[0]["with"]["path"].rstrip("/") == "_site"
    assert steps.index(upload[0]) == len(steps) - 1
    uses = [s["uses"] for s in steps if "uses" in s]
    assert any(u.startswith("actions/checkout@") for u in uses)


def test_gitlab_job_checks_merge_requests_on_content_builds_and_keeps_the_site() -> None:
    ci = _load("gitlab-ci.yml")
    (job,) = [v for k, v in ci.items() if isinstance(v, dict) and "script" in v]
    rules = job["rules"]
    mr = [r for r in rules if "merge_request_event" in r.get("if", "")]
    assert mr and "content/**/*" in mr[0]["changes"]
    setup = "\n".join(job["before_script"])
    assert "default-jre-headless" in setup
    assert "--ignore-scripts" in setup and "vnu-jar" in setup
    assert "python -m pip install ." in setup
    script = job["script"]
    assert script[0].startswith("rectify-site check --strict")
    assert any(s.startswith("rectify-site build") for s in script[1:])
    assert [p.rstrip("/") for p in job["artifacts"]["paths"]] == ["_site"]


def test_readme_links_both_examples() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    for name in ("github-actions.yml", "gitlab-ci.yml"):
        assert f"(examples/{name})" in readme
        assert (EXAMPLES / name).is_file()
