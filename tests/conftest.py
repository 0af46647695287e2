"""Shared set-up of the book-level tests: tools/ is importable, and the built book is a fixture."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

from booktools import build_dir  # noqa: E402


@pytest.fixture(scope="session")
def html_dir() -> Path:
    html = build_dir() / "html"
    if not (html / "index.html").exists():
        pytest.fail(f"no built book at {html}; run `make book` (or `make test`, which builds it)")
    return html
