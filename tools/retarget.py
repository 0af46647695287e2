"""Point the book at another repository: ``python tools/retarget.py https://github.com/<you>/<repo> [branch]``.

Rewrites ``repository.url`` (and ``branch``) in ``_config.yml`` and the Colab install cell in every
notebook under ``chapters/`` (the template included), so the Colab buttons and the install cells
agree; ``tests/test_sources.py`` checks that they do.
"""

from __future__ import annotations

import json
import re
import sys

from pathlib import Path

from booktools import ROOT, cell_source, colab_cell_source, read_notebook, repository

_URL = re.compile(r"^https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


def retarget(url: str, branch: str | None = None, root: Path = ROOT) -> list[str]:
    """Rewrite the config and every notebook's Colab cell under ``root``; return the files changed."""
    url = url.rstrip("/").removesuffix(".git")
    if not _URL.match(url):
        raise SystemExit(f"URL must look like https://github.com/OWNER/REPO, got {url!r}")
    old_url, old_branch, _ = repository(root)
    branch = branch or old_branch
    old_cell = colab_cell_source(old_url, old_branch)
    new_cell = colab_cell_source(url, branch)

    config = root / "_config.yml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(  url: ).*$", lambda m: m.group(1) + url, text, count=1)
    text = re.sub(r"(?m)^(  branch: ).*$", lambda m: m.group(1) + branch, text, count=1)
    config.write_text(text, encoding="utf-8")
    changed = ["_config.yml"]

    for path in sorted((root / "chapters").rglob("*.ipynb")):
        nb = read_notebook(path)
        hits = 0
        for cell in nb["cells"]:
            if cell["cell_type"] == "code" and cell_source(cell) == old_cell:
                cell["source"] = new_cell.splitlines(keepends=True)
                hits += 1
        if hits:
            path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            changed.append(str(path.relative_to(root)))
    return changed


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        raise SystemExit(__doc__)
    for name in retarget(*sys.argv[1:]):
        print("updated", name)
