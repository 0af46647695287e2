"""Execute every notebook of the book on a CUDA GPU and report time and failures per notebook.

    python tools/gpu_check.py [--report FILE] [NOTEBOOK ...]     (what `make gpu-check` runs)

Without a CUDA GPU it says so and exits 0 (nothing to check). With ``--allow-cpu`` it runs anyway,
on the CPU, which is how the runner itself is tested. A notebook fails if a cell raises, if it
writes to stderr, or (on a GPU) if its import cell did not report ``cuda`` as the device.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbclient
import nbformat

from booktools import ROOT, toc_notebooks

DEVICE_LINE = "computing on: "


@dataclass(frozen=True)
class NotebookRun:
    """The outcome of executing one notebook."""

    path: str
    seconds: float
    error: str  # empty when the notebook ran cleanly
    device: str  # what the notebook printed after "computing on: ", or "?"


def _outputs_text(notebook: nbformat.NotebookNode, kind: str) -> list[str]:
    return [
        out.get("text", "")
        for cell in notebook.cells
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream" and out.get("name") == kind
    ]


def run_notebook(path: Path, timeout: int = 600) -> NotebookRun:
    """Execute ``path`` in an empty temporary folder and return what happened."""
    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    error = ""
    with tempfile.TemporaryDirectory() as workdir:
        try:
            nbclient.NotebookClient(
                notebook, timeout=timeout, kernel_name="python3",
                resources={"metadata": {"path": workdir}},
            ).execute()
        except Exception as exc:  # any failure of any cell is reported, not raised
            error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1][:300]}"
    seconds = time.perf_counter() - start
    stderr = "".join(_outputs_text(notebook, "stderr")).strip()
    if stderr and not error:
        error = f"stderr: {stderr.splitlines()[0][:300]}"
    device = "?"
    for text in _outputs_text(notebook, "stdout"):
        if DEVICE_LINE in text:
            device = text.split(DEVICE_LINE, 1)[1].split()[0]
            break
    return NotebookRun(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path),
                       seconds, error, device)



def report(runs: list[NotebookRun], expect_device: str) -> str:
    """Return a Markdown table of the runs, flagging notebooks that did not run on ``expect_device``."""
    lines = ["| notebook | seconds | device | result |", "|---|---:|---|---|"]
    for run in runs:
        result = run.error or ("ok" if run.device.startswith(expect_device) or run.device == "?"
                               else f"ran on {run.device}, expected {expect_device}")
        lines.append(f"| {run.path} | {run.seconds:.1f} | {run.device} | {result} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the check; return the exit status (0 when every notebook ran cleanly or there is no GPU)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook in the toc")
    parser.add_argument("--report", type=Path, help="also write the Markdown table to this file")
    parser.add_argument("--allow-cpu", action="store_true", help="run even without a CUDA GPU")
    args = parser.parse_args(argv)
    import torch

    if torch.cuda.is_available():
        expect = "cuda"
        print(f"GPU: {torch.cuda.get_device_name(0)}; torch {torch.__version__}")
    elif args.allow_cpu:
        expect = "cpu"
        print("no CUDA GPU; running on the CPU because --allow-cpu was given")
    else:
        print("no CUDA GPU here (torch.cuda.is_available() is False): nothing to check")
        return 0
    paths = [p.resolve() for p in args.notebooks] or toc_notebooks()
    runs = []
    for path in paths:
        run = run_notebook(path)
        print(f"{run.seconds:6.1f} s  {run.device:5s}  {run.error or 'ok'}  {run.path}", flush=True)
        runs.append(run)
    table = report(runs, expect)
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(table + "\n", encoding="utf-8")
    failed = [r for r in runs if r.error or not (r.device.startswith(expect) or r.device == "?")]
    print(f"{len(runs) - len(failed)} of {len(runs)} notebooks ran cleanly on {expect}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
