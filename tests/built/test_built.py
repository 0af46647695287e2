"""Checks of the built HTML book: execution, time budget, Colab links, links, clean outputs."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from booktools import build_dir, colab_page_url, repository, source_of, toc_files

NOTEBOOK_BUDGET_S = 60.0
TOC = toc_files()
NOTEBOOK_ENTRIES = [e for e in TOC if source_of(e).suffix == ".ipynb"]
# What a leaked object repr looks like in an output (the pages must show values, not objects).
REPR_PATTERNS = [r"<matplotlib\.", r"<Figure size", r"<torch\._C\.", r"\[<matplotlib", r"\bText\(\d",
                 r"object at 0x[0-9a-f]+", r"<IPython\.core", r"<Axes:",
                 r"\|\s*(---|—)\s*\|"]  # the last one: a Markdown table left unrendered


def page(html_dir: Path, entry: str) -> BeautifulSoup:
    return BeautifulSoup((html_dir / f"{entry}.html").read_text(encoding="utf-8"), "html.parser")


def test_every_toc_page_was_built(html_dir):
    missing = [e for e in TOC if not (html_dir / f"{e}.html").exists()]
    assert not missing, f"pages missing from the build: {missing}"


def test_no_execution_error_reports(html_dir):
    reports = sorted((html_dir / "reports").rglob("*.log")) if (html_dir / "reports").exists() else []
    assert not reports, "notebooks failed to execute:\n" + "\n".join(
        f"--- {r.name}\n{r.read_text()[-1500:]}" for r in reports)


def execution_table(html_dir: Path) -> dict[str, tuple[float, str]]:
    """{document: (run time in s, status)} read from the {nb-exec-table} on the status page."""
    soup = page(html_dir, "chapters/appendix/status")
    table = soup.find("table")
    assert table is not None, "the execution report page has no table"
    header = [th.get_text(strip=True) for th in table.find_all("th")]
    rows = {}
    for tr in table.find("tbody").find_all("tr"):
        cells = dict(zip(header, [td.get_text(strip=True) for td in tr.find_all("td")]))
        rows[cells["Document"]] = (float(cells["Run Time (s)"]), cells["Status"])
    return rows


def test_execution_report_lists_every_notebook_as_passed(html_dir):
    table = execution_table(html_dir)
    for entry in NOTEBOOK_ENTRIES:
        assert entry in table, f"{entry} is not in the execution report {sorted(table)}"
        assert table[entry][1] == "✅", f"{entry} did not execute cleanly: {table[entry][1]}"


@pytest.mark.parametrize("entry", NOTEBOOK_ENTRIES)
def test_notebook_runs_within_budget(html_dir, entry):
    seconds, _ = execution_table(html_dir)[entry]
    assert seconds <= NOTEBOOK_BUDGET_S, f"{entry} took {seconds:.1f} s (budget {NOTEBOOK_BUDGET_S:.0f} s)"


@pytest.mark.parametrize("entry", NOTEBOOK_ENTRIES)
def test_notebook_page_links_to_colab_at_its_ipynb(html_dir, entry):
    url, branch, path_to_book = repository()
    expected = colab_page_url(url, branch, path_to_book, f"{entry}.ipynb")
    links = {a["href"] for a in page(html_dir, entry).find_all("a", href=True) if "colab.research" in a["href"]}
    assert links == {expected}, f"Colab links {links}, expected exactly {expected}"


def test_no_page_links_colab_to_markdown(html_dir):
    bad = [str(p.relative_to(html_dir)) for p in html_dir.rglob("*.html")
           if re.search(r"colab\.research\.google\.com/[^\"']+\.md[\"']", p.read_text(encoding="utf-8"))]
    assert not bad, f"Colab cannot open .md files, but these pages link one: {bad}"


def html_pages(html_dir: Path) -> list[Path]:
    skip = {"_static", "_sources", "_images", "reports", "_sphinx_design_static"}
    return [p for p in html_dir.rglob("*.html") if not skip & set(p.relative_to(html_dir).parts)]


def test_internal_links_and_anchors_resolve(html_dir):
    ids_cache: dict[Path, set[str]] = {}

    def ids_of(path: Path) -> set[str]:
        if path not in ids_cache:
            soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
            ids_cache[path] = {t["id"] for t in soup.find_all(id=True)} | {
                t["name"] for t in soup.find_all("a", attrs={"name": True})}
        return ids_cache[path]

    broken = []
    for src in html_pages(html_dir):
        soup = BeautifulSoup(src.read_text(encoding="utf-8"), "html.parser")
        for tag, attr in (("a", "href"), ("img", "src"), ("link", "href"), ("script", "src")):
            for node in soup.find_all(tag, attrs={attr: True}):
                ref = node[attr]
                parts = urlsplit(ref)
                if parts.scheme or ref.startswith(("//", "mailto:", "javascript:")) or "{{" in ref:
                    continue
                target = (src.parent / unquote(parts.path)).resolve() if parts.path else src
                if target.is_dir():
                    target = target / "index.html"
                if not target.exists():
                    broken.append(f"{src.relative_to(html_dir)}: {ref} (no such file)")
                elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in ids_of(target):
                    broken.append(f"{src.relative_to(html_dir)}: {ref} (no such anchor)")
    assert not broken, "broken internal links:\n" + "\n".join(broken)


@pytest.mark.parametrize("entry", NOTEBOOK_ENTRIES)
def test_outputs_show_no_object_reprs_warnings_or_tracebacks(html_dir, entry):
    soup = page(html_dir, entry)
    problems = []
    for cell in soup.select("div.cell"):
        deliberate = "tag_raises-exception" in cell.get("class", [])
        for out in cell.select("div.cell_output"):
            text = out.get_text("\n")
            problems += [f"object repr {m.group(0)!r}" for p in REPR_PATTERNS for m in re.finditer(p, text)]
            if not deliberate:
                if out.select(".stderr, .traceback, .output.error"):
                    problems.append(f"stderr or traceback output: {text[:200]!r}")
                # the warnings module's own format, "file.py:12: UserWarning: ...", not a page
                # that prints a warning it captured on purpose
                if "Traceback (most recent call last)" in text or re.search(r"\.py:\d+: \w*Warning:", text):
                    problems.append(f"traceback or warning text: {text[:200]!r}")
    assert not problems, f"{entry}: " + "\n".join(problems)


def test_glued_numbers_are_finite(html_dir):
    files = sorted((build_dir() / "jupyter_execute").rglob("*.glue.json"))
    assert files, "no glue records found; the chapters glue their numbers into the prose"
    values = {}
    for path in files:
        for key, bundle in json.loads(path.read_text()).items():
            values[f"{path.name}:{key}"] = bundle.get("data", {}).get("text/plain", "")
    bad = {k: v for k, v in values.items() if re.fullmatch(r"-?(nan|inf)|tensor\(.*(nan|inf).*", v.strip())}
    assert not bad, f"glued values that are not finite numbers: {bad}"
    numeric = [float(v) for v in values.values() if re.fullmatch(r"-?\d+(\.\d*)?(e-?\d+)?", v.strip())]
    assert all(math.isfinite(v) for v in numeric)


CHAPTER_ENTRIES = [e for e in NOTEBOOK_ENTRIES if re.search(r"/\d\d_[^/]+$", e)]


@pytest.mark.parametrize("entry", CHAPTER_ENTRIES)
def test_chapter_pages_show_figures(html_dir, entry):
    """Every chapter draws pictures; none at all means the kernel had no inline backend."""
    images = page(html_dir, entry).select("div.cell_output img")
    assert images, f"{entry} shows no figures (was MPLBACKEND set to a non-inline backend?)"


def test_figures_carry_no_build_date(html_dir):
    """SVG figures without a timestamp are identical from one build to the next."""
    shown = {(p.parent / img["src"]).resolve() for p in html_pages(html_dir)
             for img in BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").find_all("img", src=True)
             if img["src"].endswith(".svg") and "://" not in img["src"]}
    assert shown, "no SVG figures found in the built pages"
    dated = [p.name for p in shown if "<dc:date>" in p.read_text(encoding="utf-8")]
    assert not dated, f"SVG figures with a creation date (use tc.use_book_style()): {dated}"
