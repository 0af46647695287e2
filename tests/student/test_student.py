"""The student edition (``make student``): solutions gone, everything else intact, and it runs.

``STUDENT_DIR`` names an edition written by ``tools/student_edition.py``; without it the tests
write one into a temporary folder.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import nbclient
import nbformat
import pytest
import student_edition as se
from booktools import ROOT, cell_source, toc_notebooks

SOURCES = toc_notebooks()
WITH_SOLUTIONS = [p for p in SOURCES if any(se.is_solution(c) for c in nbformat.read(p, 4).cells)]


@pytest.fixture(scope="session")
def student_dir(tmp_path_factory) -> Path:
    if "STUDENT_DIR" in os.environ:
        return Path(os.environ["STUDENT_DIR"])
    out = tmp_path_factory.mktemp("student")
    se.write_student_edition(out)
    return out


def _ids(paths):
    return [str(p.relative_to(ROOT)) for p in paths]


def test_the_edition_has_every_toc_notebook(student_dir):
    found = sorted(p.relative_to(student_dir) for p in student_dir.rglob("*.ipynb"))
    assert found == sorted(p.relative_to(ROOT) for p in SOURCES)
    assert len(WITH_SOLUTIONS) >= 1


@pytest.mark.parametrize("source", SOURCES, ids=_ids(SOURCES))
def test_no_solution_remains_and_nothing_else_is_lost(source, student_dir):
    original = nbformat.read(source, 4)
    student = nbformat.read(student_dir / source.relative_to(ROOT), 4)
    text = "\n".join(cell_source(c) for c in student.cells)
    assert not any(se.is_solution(c) for c in student.cells)
    assert "solution-start" not in text and "solution-end" not in text
    for cell in original.cells:
        if se.is_solution(cell) and cell.cell_type == "code":
            assert cell_source(cell).strip() not in text, "solution code leaked into the edition"
    kept = [c for c in student.cells if cell_source(c) != se.WORK_HERE]
    assert [cell_source(c) for c in kept] == [
        cell_source(c) for c in original.cells if not se.is_solution(c)
    ]
    exercises = sum(se.is_exercise(c) for c in original.cells)
    assert sum(cell_source(c) == se.WORK_HERE for c in student.cells) == exercises


def test_removal_of_a_synthetic_notebook():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("```{exercise}\n:label: t-ex-1\nDo it.\n```", id="a"),
        nbformat.v4.new_markdown_cell("```{solution-start} t-ex-1\n```", id="b"),
        nbformat.v4.new_code_cell("secret = 42", id="c"),
        nbformat.v4.new_markdown_cell("```{solution-end}\n```", id="d"),
        nbformat.v4.new_markdown_cell("## Further reading", id="e"),
    ]
    for cell in nb.cells[1:4]:
        cell.metadata["tags"] = ["solution"]
    student = se.student_notebook(nb)
    assert [cell_source(c) for c in student.cells] == [
        cell_source(nb.cells[0]), se.WORK_HERE, "## Further reading"
    ]
    assert len(nb.cells) == 5  # the source notebook is left untouched


def test_refuses_to_write_over_the_sources():
    with pytest.raises(ValueError, match="overwrite the book's sources"):
        se.write_student_edition(ROOT)


@pytest.mark.parametrize("source", WITH_SOLUTIONS, ids=_ids(WITH_SOLUTIONS))
def test_student_notebook_executes_without_the_solutions(source, student_dir):
    notebook = nbformat.read(student_dir / source.relative_to(ROOT), 4)
    with tempfile.TemporaryDirectory() as workdir:
        nbclient.NotebookClient(
            notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": workdir}}
        ).execute()
