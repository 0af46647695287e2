"""Checks of the committed sources: notebook hygiene, structure, config and toc agreement."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest
from booktools import (
    COLAB_CELL_TAG,
    ROOT,
    TEMPLATE,
    cell_source,
    chapter_notebooks,
    colab_cell_source,
    read_notebook,
    repository,
    source_of,
    toc_files,
)

ALL_NOTEBOOKS = chapter_notebooks() + [TEMPLATE]
# Numbered chapters (chapters/NN_*.ipynb or chapters/NN_*/NN_*.ipynb) follow the full template.
CHAPTERS = [p for p in chapter_notebooks() if re.match(r"\d\d_", p.name) and "appendix" not in p.parts]
ALLOWED_TAGS = {
    "hide-cell", "hide-input", "hide-output", "remove-cell", "remove-input", "remove-output",
    "remove-stderr", "raises-exception", "skip-execution", "solution",
}
REQUIRED_H2 = ["## Learning objectives", "## Summary", "## Exercises", "## Further reading"]


def ids(paths):
    return [str(p.relative_to(ROOT)) for p in paths]


def markdown_headings(nb) -> list[tuple[int, str]]:
    """(cell index, heading line) for every Markdown heading outside code fences."""
    found = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        fenced = False
        for line in cell_source(cell).splitlines():
            if line.lstrip().startswith(("```", "~~~", ":::")):
                fenced = not fenced
            elif not fenced and re.match(r"#{1,6} ", line):
                found.append((i, line.strip()))
    return found


def test_there_are_chapters_to_check():
    assert CHAPTERS, "no numbered chapter notebooks found under chapters/"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=ids(ALL_NOTEBOOKS))
def test_no_committed_outputs(path):
    nb = read_notebook(path)
    dirty = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"
             and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not dirty, f"code cells {dirty} carry outputs or execution counts; clear them before committing"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=ids(ALL_NOTEBOOKS))
def test_kernelspec_is_python3(path):
    spec = read_notebook(path)["metadata"].get("kernelspec", {})
    assert spec.get("name") == "python3", f"kernelspec is {spec.get('name')!r}; the build and Colab expect 'python3'"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=ids(ALL_NOTEBOOKS))
def test_one_h1_and_it_comes_first(path):
    nb = read_notebook(path)
    headings = markdown_headings(nb)
    h1 = [h for h in headings if h[1].startswith("# ")]
    assert len(h1) == 1, f"expected exactly one H1, found {[h for _, h in h1]}"
    first = cell_source(nb["cells"][0]).lstrip()
    assert nb["cells"][0]["cell_type"] == "markdown" and first.startswith("# "), "the first cell must start with the H1"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=ids(ALL_NOTEBOOKS))
def test_heading_levels_do_not_skip(path):
    levels = [len(h.split(" ")[0]) for _, h in markdown_headings(read_notebook(path))]
    jumps = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
    assert not jumps, f"heading levels skip a level: {jumps}"


@pytest.mark.parametrize("path", CHAPTERS + [TEMPLATE], ids=ids(CHAPTERS + [TEMPLATE]))
def test_required_sections_in_order(path):
    h2 = [h for _, h in markdown_headings(read_notebook(path)) if h.startswith("## ")]
    assert h2 and h2[0] == REQUIRED_H2[0], f"the first section must be '{REQUIRED_H2[0]}', got {h2[:1]}"
    assert h2[-3:] == REQUIRED_H2[1:], f"the last sections must be {REQUIRED_H2[1:]}, got {h2[-3:]}"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=ids(ALL_NOTEBOOKS))
def test_colab_cell_is_the_first_code_cell_and_matches_config(path):
    url, branch, _ = repository()
    expected = colab_cell_source(url, branch)
    code_cells = [c for c in read_notebook(path)["cells"] if c["cell_type"] == "code"]
    assert code_cells, "the notebook has no code cells"
    first = code_cells[0]
    assert cell_source(first) == expected, (
        "the first code cell must be the Colab install cell generated from _config.yml "
        "(run `make retarget URL=...` to rewrite it):\n" + expected
    )
    assert COLAB_CELL_TAG in first["metadata"].get("tags", []), f"the Colab cell must be tagged {COLAB_CELL_TAG}"
    others = [c for c in code_cells[1:] if "google.colab" in cell_source(c)]
    assert not others, "only the Colab cell may refer to google.colab"


@pytest.mark.parametrize("path", CHAPTERS + [TEMPLATE], ids=ids(CHAPTERS + [TEMPLATE]))
def test_import_cell_seeds_and_picks_the_device(path):
    code_cells = [cell_source(c) for c in read_notebook(path)["cells"] if c["cell_type"] == "code"]
    imports = code_cells[1]
    # The last line is what tools/gpu_check.py reads to confirm that a notebook ran on the GPU.
    for line in ("import torchcourse as tc", "tc.set_seed(0)", "device = tc.get_device()",
                 'print(f"computing on: {device}")'):
        assert line in imports, f"the import cell (second code cell) must contain `{line}`"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=ids(ALL_NOTEBOOKS))
def test_only_known_tags(path):
    tags = {t for c in read_notebook(path)["cells"] for t in c["metadata"].get("tags", [])}
    assert tags <= ALLOWED_TAGS, f"unknown cell tags {sorted(tags - ALLOWED_TAGS)}; allowed: {sorted(ALLOWED_TAGS)}"


@pytest.mark.parametrize("path", CHAPTERS + [TEMPLATE], ids=ids(CHAPTERS + [TEMPLATE]))
def test_exercises_have_gated_solutions_that_execute(path):
    cells = read_notebook(path)["cells"]
    text = [cell_source(c) for c in cells]
    labels = [m for t in text for m in re.findall(r"```\{exercise\}\s*\n:label: (\S+)", t)]
    minimum = 1 if path == TEMPLATE else 4
    assert len(labels) >= minimum, f"expected at least {minimum} exercises, found {labels}"
    for label in labels:
        starts = [i for i, t in enumerate(text) if re.search(r"\{solution-start\} " + re.escape(label) + r"\s", t)]
        assert len(starts) == 1, f"exercise {label} needs exactly one gated solution"
        end = next((i for i in range(starts[0], len(cells)) if "{solution-end}" in text[i]), None)
        assert end is not None, f"the solution of {label} is not closed with solution-end"
        block = cells[starts[0]:end + 1]
        assert any(c["cell_type"] == "code" for c in block), f"the solution of {label} has no code cell"
        untagged = [i for i, c in zip(range(starts[0], end + 1), block)
                    if "solution" not in c["metadata"].get("tags", [])]
        assert not untagged, f"cells {untagged} of the solution of {label} lack the 'solution' tag"


def string_literals(code: str) -> list[str]:
    """Every string constant in a code cell (IPython magics are first turned into Python)."""
    from IPython.core.inputtransformer2 import TransformerManager

    tree = ast.parse(TransformerManager().transform_cell(code))
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def repository_files() -> set[str]:
    """Paths (relative to the root) of every file that a clone of the repository has."""
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return set(out.split())


def names_a_repository_file(literal: str, notebook: Path, files: set[str]) -> bool:
    """True if a string looks like a path into the repository, as seen from the root or the notebook."""
    s = literal.strip()
    if s.startswith(("./", "../")):
        return True
    if not s or "\n" in s or " " in s:
        return False
    here = notebook.parent.relative_to(ROOT)
    candidates = {s, str(here / s)}
    basenames = {Path(f).name for f in files}
    return bool(candidates & files) or ("." in s[1:] and s in basenames)


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=ids(ALL_NOTEBOOKS))
def test_no_repository_relative_file_reads(path):
    """Colab fetches one notebook, not the repository: code must not name files of the repo."""
    files = repository_files()
    bad = [s for cell in read_notebook(path)["cells"] if cell["cell_type"] == "code"
           for s in string_literals(cell_source(cell)) if names_a_repository_file(s, path, files)]
    assert not bad, f"code refers to repository files {bad}; generate data or write it to a temporary folder"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=ids(ALL_NOTEBOOKS))
def test_markdown_images_are_not_repository_files(path):
    bad = []
    for cell in read_notebook(path)["cells"]:
        if cell["cell_type"] == "markdown":
            src = cell_source(cell)
            bad += [m for m in re.findall(r"!\[[^\]]*\]\(([^)\s]+)", src) if not m.startswith("http")]
            bad += [m for m in re.findall(r"<img[^>]+src=\"([^\"]+)\"", src) if not m.startswith("http")]
    assert not bad, f"images {bad} would be missing on Colab; draw them with code instead"


def test_every_toc_entry_exists():
    missing = []
    for entry in toc_files():
        try:
            source_of(entry)
        except FileNotFoundError as err:
            missing.append(str(err))
    assert not missing, missing


def test_every_chapter_notebook_is_in_the_toc():
    listed = {str(source_of(e).relative_to(ROOT)) for e in toc_files()}
    orphans = [n for n in ids(chapter_notebooks()) if n not in listed]
    assert not orphans, f"notebooks not in _toc.yml (add them, or prefix drafts with '_'): {orphans}"


def test_config_pins_what_the_colab_links_need():
    from booktools import load_config

    config = load_config()
    url, branch, _ = repository()
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url), f"repository.url {url!r} is not a GitHub repository"
    assert branch, "repository.branch must be set (the theme's default is 'master')"
    assert config["launch_buttons"]["colab_url"] == "https://colab.research.google.com"
    assert config["sphinx"]["recursive_update"] is True
    assert config["execute"]["allow_errors"] is False
    assert config["only_build_toc_files"] is True
