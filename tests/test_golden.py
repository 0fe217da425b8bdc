"""The golden site: the default report's built HTML, committed under tests/golden/site/.

A build of content/ must equal it byte for byte, so any change to what readers get shows
up as a reviewable diff of HTML (pelican's functional tests are the model). After a
deliberate change to templates or content, regenerate it and read the diff:

    python tests/test_golden.py
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "site"
OPTIONS = {"base_url": "https://example.org/rectify/", "search": False, "compress": False}


def build(out: Path) -> dict[str, bytes]:
    """Build the real content as the golden site was built; its HTML pages by path."""
    import os

    from rectify_site.build.pipeline import build_site

    os.environ.pop("SOURCE_DATE_EPOCH", None)
    build_site(ROOT / "content", out, templates=ROOT / "templates", incremental=False, **OPTIONS)
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.html"))}


def test_a_build_equals_the_golden_site(tmp_path: Path) -> None:
    built = build(tmp_path / "_site")
    golden = {p.relative_to(GOLDEN).as_posix(): p.read_bytes() for p in GOLDEN.rglob("*.html")}
    assert sorted(built) == sorted(golden), "pages added or removed: regenerate (see above)"
    changed = [rel for rel in built if built[rel] != golden[rel]]
    assert not changed, f"pages differ from tests/golden/site: {changed}; regenerate if meant"


def regenerate() -> None:
    import tempfile

    sys.path.insert(0, str(ROOT / "src"))
    with tempfile.TemporaryDirectory() as tmp:
        pages = build(Path(tmp) / "_site")
    shutil.rmtree(GOLDEN, ignore_errors=True)
    for rel, data in pages.items():
        path = GOLDEN / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    print(f"wrote {len(pages)} pages into {GOLDEN.relative_to(ROOT)}")


if __name__ == "__main__":
    regenerate()
