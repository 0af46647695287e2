"""The glossary: every term has a Korean equivalent and is linked from the chapters at least once."""

from __future__ import annotations

import re

import pytest
from booktools import ROOT, cell_source, read_notebook, toc_notebooks

GLOSSARY = ROOT / "chapters" / "appendix" / "glossary.md"


def glossary_entries() -> dict[str, str]:
    """Return term -> definition from the ``{glossary}`` block."""
    block = GLOSSARY.read_text(encoding="utf-8").split("```{glossary}", 1)[1].split("```", 1)[0]
    entries, term = {}, None
    for line in block.splitlines():
        if not line.strip() or line.startswith(":"):
            continue
        if not line.startswith(" "):
            term = line.strip()
            entries[term] = ""
        else:
            entries[term] += " " + line.strip()
    return entries


ENTRIES = glossary_entries()
LINKED = {
    m.group(1)
    for path in toc_notebooks()
    for cell in read_notebook(path)["cells"]
    if cell["cell_type"] == "markdown"
    for m in re.finditer(r"\{term\}`(?:[^`<]*<)?([^`>]+)>?`", cell_source(cell))
}


def test_the_glossary_has_the_book_s_core_terms():
    assert len(ENTRIES) >= 50
    for term in ("tensor", "vanishing gradient", "convolution", "optimiser", "checkpoint"):
        assert term in ENTRIES


@pytest.mark.parametrize("term", sorted(ENTRIES))
def test_every_term_has_a_korean_equivalent(term):
    assert re.search(r"Korean: [^.]*[\uac00-\ud7a3]", ENTRIES[term]), f"{term!r} lacks 'Korean: <Hangul>'"


@pytest.mark.parametrize("term", sorted(ENTRIES))
def test_every_term_is_linked_from_a_chapter(term):
    assert term in LINKED, f"no chapter links {{term}}`{term}`; link its first use"


def test_every_link_names_a_glossary_term():
    assert LINKED <= set(ENTRIES), f"links to unknown terms: {sorted(LINKED - set(ENTRIES))}"
