"""The GPU pass runner (tools/gpu_check.py): says so without a GPU, and reports failures."""

from __future__ import annotations

import subprocess
import sys

import gpu_check
import nbformat
import pytest
import torch
from booktools import ROOT


def _notebook(path, *sources):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(s, id=f"c{i}") for i, s in enumerate(sources)]
    nbformat.write(nb, path)
    return path


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_without_a_gpu_it_says_so_and_exits_0():
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "gpu_check.py")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    assert "no CUDA GPU here" in done.stdout


def test_reports_time_device_and_failures(tmp_path, capsys):
    good = _notebook(tmp_path / "good.ipynb", 'print("computing on: cpu")')
    bad = _notebook(tmp_path / "bad.ipynb", "1 / 0")
    noisy = _notebook(tmp_path / "noisy.ipynb", "import sys; sys.stderr.write('oops\\n')")
    status = gpu_check.main(["--allow-cpu", "--report", str(tmp_path / "r.md"),
                             str(good), str(bad), str(noisy)])
    table = (tmp_path / "r.md").read_text()
    assert status == 1
    assert "| cpu | ok |" in table
    assert "ZeroDivisionError" in table and "stderr: oops" in table
    assert "1 of 3 notebooks ran cleanly" in capsys.readouterr().out


def test_a_clean_run_exits_0(tmp_path):
    good = _notebook(tmp_path / "good.ipynb", 'print("computing on: cpu")')
    assert gpu_check.main(["--allow-cpu", str(good)]) == 0


def test_a_notebook_that_fell_back_to_the_cpu_fails_on_a_gpu():
    run = gpu_check.NotebookRun("x.ipynb", 1.0, "", "cpu")
    assert "ran on cpu, expected cuda" in gpu_check.report([run], "cuda")
