"""The instructors' guide's generated blocks (objectives, exercises) agree with the chapters."""

from __future__ import annotations

import course_kit
import nbformat
import pytest
from booktools import toc_notebooks


def test_the_guide_is_in_step_with_the_chapters():
    assert course_kit.main(["--check"]) == 0, "run: .venv/bin/python tools/course_kit.py"


def test_a_stale_guide_is_detected():
    current = course_kit.GUIDE.read_text(encoding="utf-8")
    first_bullet = next(line for line in current.splitlines() if line.startswith("- "))
    stale = current.replace(first_bullet + "\n", "", 1)
    assert course_kit.render(stale) == current != stale


def test_every_exercise_label_is_listed():
    text = course_kit.exercises_block()
    for path in toc_notebooks():
        for cell in nbformat.read(path, 4).cells:
            for line in cell.source.splitlines():
                if line.startswith(":label: ") and "-ex-" in line:
                    assert f"{{ref}}`{line.removeprefix(':label: ')}`" in text


def test_missing_markers_are_reported():
    with pytest.raises(ValueError, match="lacks the markers"):
        course_kit.render("# A guide without markers\n")
