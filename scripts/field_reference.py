"""Write ``docs/fields.md``, the field reference, from the content models' ``Field(...)``.

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

TARGET = ROOT / "docs" / "fields.md"


def main() -> int:
    text = field_reference()
    if TARGET.is_file() and TARGET.read_text("utf-8") == text:
        print(f"{TARGET.relative_to(ROOT)} is current")
        return 0
    TARGET.write_text(text, "utf-8", newline="\n")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
