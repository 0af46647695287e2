"""`torchcourse` installs from a git URL of the repository, as the Colab cell installs it.

A fresh virtual environment stands in for a Colab runtime: it sees the scientific stack of the
book's .venv (Colab has torch, numpy and matplotlib preinstalled) through a .pth file, and nothing
of the editable ``torchcourse``. The install line is the Colab cell's own, with the GitHub URL
swapped for this clone's ``file://`` URL. What is tested is the committed ``main``.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

from booktools import ROOT, colab_cell_source, repository


def run(*args: str, **kw) -> str:
    result = subprocess.run(args, capture_output=True, text=True, **kw)
    assert result.returncode == 0, f"{shlex.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_colab_install_line_installs_the_package_from_git(tmp_path):
    url, branch, _ = repository()
    cell = colab_cell_source(url, branch)
    spec = re.search(r'%pip install -q "([^"]+)"', cell).group(1)
    local_spec = spec.replace(f"git+{url}", f"git+file://{ROOT}")
    assert local_spec != spec and local_spec.endswith("#subdirectory=code")
    has_branch = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", "--quiet",
                                 f"refs/heads/{branch}"], capture_output=True).returncode == 0
    if not has_branch:  # e.g. a detached checkout in CI: install the commit that is checked out
        head = run("git", "-C", str(ROOT), "rev-parse", "HEAD").strip()
        local_spec = local_spec.replace(f"@{branch}#", f"@{head}#")

    env_dir = tmp_path / "colab-like"
    venv.create(env_dir, with_pip=True, upgrade_deps=True)  # Colab runs a current pip
    python = env_dir / "bin" / "python"
    site = Path(run(str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip())
    (site / "preinstalled_stack.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    run(str(python), "-m", "pip", "install", "-q", "--no-deps", "--ignore-installed", local_spec)

    probe = """
import importlib.metadata as md, re, sys
import torchcourse as tc
print(tc.__file__)
print(md.version("torchcourse") == tc.__version__)
missing = [r for r in md.requires("torchcourse") or [] if "extra ==" not in r
           and md.distribution(re.split(r"[ ;<>=!\\[]", r)[0]) is None]
print(missing)
tc.set_seed(0)
print(tc.get_device("cpu"))
"""
    lines = run(str(python), "-c", probe, cwd=tmp_path).splitlines()
    assert lines[0].startswith(str(site)), f"torchcourse was imported from {lines[0]}, not the fresh environment"
    assert lines[1:] == ["True", "[]", "cpu"]
    assert sys.executable != str(python)
