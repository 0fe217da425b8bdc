"""Write ``docs/fields.md``, the field reference, from the content models' ``Field(...)``,
and the generated lists of ``docs/编写指南.md`` (the Chinese guide: fields and messages).

Run it after changing a field's title, description or examples in
``src/rectify_site/model/content.py`` (and ``rectify-site schema`` for ``schemas/``);
``tests/test_field_help.py`` fails while the checked-in file is not current.

    .venv/bin/python scripts/field_reference.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from rectify_site.editor.field_reference import field_reference  # noqa: E402
from rectify_site.editor.guide import GUIDE, refresh_guide  # noqa: E402

TARGET = ROOT / "docs" / "fields.md"
GUIDE_PATH = ROOT / "docs" / GUIDE


def _write(path: Path, text: str) -> None:
    if path.is_file() and path.read_text("utf-8") == text:
        print(f"{path.relative_to(ROOT)} is current")
        return
    path.write_text(text, "utf-8", newline="\n")
    print(f"wrote {path.relative_to(ROOT)}")


def main() -> int:
    _write(TARGET, field_reference())
    _write(GUIDE_PATH, refresh_guide(GUIDE_PATH.read_text("utf-8")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
