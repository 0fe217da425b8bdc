#!/usr/bin/env python3
"""Build content/ into _site/, exactly like ``rectify-site build`` (extra flags pass through)."""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "src"))
os.chdir(HERE)  # content/ and _site/ are the project's, wherever this is run from

from rectify_site.__main__ import start  # noqa: E402 - after the path is set

if __name__ == "__main__":
    start(["build", *sys.argv[1:]])
