"""What the book's tooling and tests need to know about its sources: config, toc, notebooks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
TEMPLATE = CHAPTERS / "_template.ipynb"
COLAB_CELL_TAG = "hide-cell"

_COLAB_CELL = """\
# Colab only: install the course helpers (Colab already has torch, sympy, ...).
import sys

if "google.colab" in sys.modules:
    %pip install -q "torchcourse @ git+{url}@{branch}#subdirectory=code\""""


def load_config(root: Path = ROOT) -> dict[str, Any]:
    """Return the parsed ``_config.yml``."""
    return yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))


def repository(root: Path = ROOT) -> tuple[str, str, str]:
    """Return ``(url, branch, path_to_book)`` from ``_config.yml``, the one place they live."""
    repo = load_config(root)["repository"]
    return repo["url"].rstrip("/"), repo["branch"], (repo.get("path_to_book") or "").strip("/")


def colab_cell_source(url: str, branch: str) -> str:
    """Return the Colab install cell every notebook carries, for a repository URL and branch."""
    if not url.startswith("https://github.com/"):
        raise ValueError(f"repository url must start with https://github.com/, got {url!r}")
    return _COLAB_CELL.format(url=url.rstrip("/"), branch=branch)


def colab_page_url(url: str, branch: str, path_to_book: str, notebook: str) -> str:
    """Return the Colab address of ``notebook`` (a path relative to the book root)."""
    owner_repo = url.rstrip("/").removeprefix("https://github.com/")
    inner = f"{path_to_book}/{notebook}" if path_to_book else notebook
    return f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/{inner}"


def toc_files(root: Path = ROOT) -> list[str]:
    """Return every file named in ``_toc.yml`` (without suffix), root first, in reading order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    found = [toc["root"]]

    def walk(entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            if "file" in entry:
                found.append(entry["file"])
            for key in ("chapters", "sections"):
                walk(entry.get(key, []))

    walk(toc.get("parts", []))
    walk(toc.get("chapters", []))
    return found


def source_of(entry: str, root: Path = ROOT) -> Path:
    """Return the source file of a toc entry (``.ipynb`` or ``.md``); raise if there is none."""
    for suffix in (".ipynb", ".md"):
        path = root / f"{entry}{suffix}"
        if path.exists():
            return path
    raise FileNotFoundError(f"toc entry {entry!r} has no {entry}.ipynb or {entry}.md")


def chapter_notebooks(root: Path = ROOT) -> list[Path]:
    """Return every notebook under ``chapters/`` except drafts and the template (``_*``)."""
    return sorted(
        p
        for p in (root / "chapters").rglob("*.ipynb")
        if not p.name.startswith("_") and ".ipynb_checkpoints" not in p.parts
    )


def read_notebook(path: Path) -> dict[str, Any]:
    """Return a notebook's JSON."""
    return json.loads(path.read_text(encoding="utf-8"))


def cell_source(cell: dict[str, Any]) -> str:
    """Return a cell's source as one string."""
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def build_dir() -> Path:
    """Return the Sphinx build folder the built-artefact tests read: ``$BOOK_BUILD`` or ``_build``."""
    import os

    return Path(os.environ.get("BOOK_BUILD", ROOT / "_build")).resolve()


def toc_notebooks(root: Path = ROOT) -> list[Path]:
    """Return the notebooks the toc lists (its Markdown pages left out), in reading order."""
    paths = (source_of(entry, root) for entry in toc_files(root))
    return [p for p in paths if p.suffix == ".ipynb"]
