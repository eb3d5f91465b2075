"""What the benchmark scripts share: the machine they ran on, a table, a JSON file, a clone of the project."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

PROJECT = Path(__file__).resolve().parents[1]
RESULTS = PROJECT / "bench" / "results"
SHARED_CORPORA = PROJECT.parent / "shared" / "corpora"
# Clones commit their runs (dvc exp run needs a clean commit); an identity for machines without one.
GIT_ENV = {"GIT_AUTHOR_NAME": "xldistill-bench", "GIT_AUTHOR_EMAIL": "bench@localhost",
           "GIT_COMMITTER_NAME": "xldistill-bench", "GIT_COMMITTER_EMAIL": "bench@localhost", **os.environ}


def machine() -> str:
    """CPU model and core count (and the GPU, when there is one), for absolute figures."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    described = f"{cpu}, {os.cpu_count()} cores"
    import torch

    if torch.cuda.is_available():
        described += f", {torch.cuda.get_device_name()}"
    return described


def report(rows: list[dict], out: Path, **header) -> pd.DataFrame:
    """Print ``rows`` as a markdown table and write them, with ``header``, as JSON."""
    table = pd.DataFrame(rows)
    print(table.to_markdown(index=False))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": machine(), **header, "rows": rows}, indent=2) + "\n")
    return table


def clone_with_corpora(project: Path, corpora: dict[str, Path]) -> None:
    """A clone of the committed project at ``project`` (an existing one is reused), with each corpus folder
    ``corpora[name_in_project]`` brought into it by `dvc add` (so `download` depends on it; never into this repo)."""
    missing = [str(folder) for folder in corpora.values() if not folder.is_dir()]
    if missing:
        raise SystemExit(f"not found: {', '.join(missing)} (../shared/corpora: ../shared/README.md)")
    if not (project / ".git").exists():
        subprocess.run(["git", "clone", "-q", str(PROJECT), str(project)], check=True)
    for name, folder in corpora.items():
        if not (project / name).exists():
            subprocess.run(["dvc", "add", "-q", str(folder.resolve()), "-o", name], cwd=project, check=True,
                           env=GIT_ENV)


def run_stages(project: Path, stages: list[str]) -> dict[str, float]:
    """Run stage scripts in ``project`` in order (``"cls_student kd"``: script and argument), without DVC;
    the wall-clock seconds of each."""
    seconds = {}
    for stage in stages:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", f"stages.{stage.split()[0]}", *stage.split()[1:]], cwd=project,
                       check=True)
        seconds[stage] = round(time.perf_counter() - started, 1)
        print(f"{stage}: {seconds[stage]} s", file=sys.stderr)
    return seconds
