"""Write a synthetic collection of rectification reports, for benchmarks and tests.

    python benchmarks/generate.py --reports 1000 --out /tmp/corpus [--seed 0]

The command only: the generator is tests/support/generate.py, which the tests use too.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from support.generate import main

if __name__ == "__main__":
    sys.exit(main())
