"""The built book the tests read: $BOOK_BUILD (set by `make test`) or _build."""

from __future__ import annotations

from pathlib import Path

import pytest
from booktools import build_dir


@pytest.fixture(scope="session")
def html_dir() -> Path:
    html = build_dir() / "html"
    if not (html / "index.html").exists():
        pytest.fail(f"no built book at {html}; run `make book` (or `make test`, which builds it)")
    return html
