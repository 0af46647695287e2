"""Shared set-up of the book-level tests: the tools/ folder is importable as a module path."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
