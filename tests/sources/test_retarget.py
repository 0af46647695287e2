"""`make retarget URL=...` points the config and every install cell at a fork, consistently."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from booktools import ROOT, cell_source, colab_cell_source, read_notebook, repository

sys.path.insert(0, str(ROOT / "tools"))
from retarget import retarget  # noqa: E402


@pytest.fixture()
def book_copy(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "_config.yml", tmp_path / "_config.yml")
    shutil.copytree(ROOT / "chapters", tmp_path / "chapters")
    return tmp_path


def test_retarget_rewrites_config_and_every_colab_cell(book_copy):
    changed = retarget("https://github.com/alice/torch-book.git", "teaching", root=book_copy)
    assert repository(book_copy) == ("https://github.com/alice/torch-book", "teaching", "")
    expected = colab_cell_source("https://github.com/alice/torch-book", "teaching")
    notebooks = sorted((book_copy / "chapters").rglob("*.ipynb"))
    assert len(changed) == 1 + len(notebooks)
    for path in notebooks:
        first_code = next(c for c in read_notebook(path)["cells"] if c["cell_type"] == "code")
        assert cell_source(first_code) == expected, path


def test_retarget_refuses_what_is_not_a_github_repository(book_copy):
    before = (book_copy / "_config.yml").read_text()
    with pytest.raises(SystemExit, match="https://github.com/OWNER/REPO"):
        retarget("http://example.org/x", root=book_copy)
    assert (book_copy / "_config.yml").read_text() == before
