"""Every citation resolves: keys cited in the chapters and by the activation catalog are in the .bib."""

from __future__ import annotations

import re
from collections import Counter

from booktools import ROOT, cell_source, chapter_notebooks, read_notebook

BIB = ROOT / "assets" / "references.bib"


def bib_keys() -> list[str]:
    return re.findall(r"^@\w+\{([^,\s]+),", BIB.read_text(encoding="utf-8"), flags=re.M)


def cited_keys() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    sources = [(p, p.read_text(encoding="utf-8")) for p in (ROOT / "chapters").rglob("*.md")]
    sources += [(p, "\n".join(cell_source(c) for c in read_notebook(p)["cells"]))
                for p in chapter_notebooks()]
    for path, text in sources:
        for group in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", text):
            for key in group.split(","):
                found.setdefault(key.strip(), set()).add(str(path.relative_to(ROOT)))
    return found


def test_bibliography_keys_are_unique():
    duplicates = [k for k, n in Counter(bib_keys()).items() if n > 1]
    assert not duplicates, f"keys defined twice in references.bib: {duplicates}"


def test_every_cited_key_is_in_the_bibliography():
    missing = {k: sorted(v) for k, v in cited_keys().items() if k not in set(bib_keys())}
    assert not missing, f"cited but not in assets/references.bib: {missing}"


def test_every_catalog_reference_is_in_the_bibliography():
    import torchcourse as tc

    missing = {a.key: a.reference for a in tc.CATALOG.values() if a.reference not in set(bib_keys())}
    assert not missing, f"catalog entries whose paper is not in references.bib: {missing}"
