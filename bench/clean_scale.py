"""Wall time and peak memory of the download and clean stages on a large built-in corpus.

    python bench/clean_scale.py --train-size 1000000

Runs both stages as subprocesses in a temporary copy of the project (so the
working tree's data/ is untouched) and writes bench/results/clean_scale.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[1]


# Runs a stage and reports that process's own peak RSS (KiB on Linux) on its last line.
MEASURED = ("import resource, runpy, sys; runpy.run_module('stages.{stage}', run_name='__main__'); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")


def run_stage(project: Path, stage: str) -> dict:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", MEASURED.format(stage=stage)], cwd=project,
                            check=True, capture_output=True, text=True)
    wall = time.perf_counter() - start
    print(result.stdout.rstrip().rsplit("\n", 1)[0], file=sys.stderr)
    peak_kib = int(result.stdout.strip().splitlines()[-1])
    return {"wall_s": round(wall, 1), "peak_rss_mib": round(peak_kib / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-size", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=PROJECT / "bench" / "results" / "clean_scale.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        for name in ("stages", "xldistill", "params.yaml"):
            source = PROJECT / name
            (shutil.copytree if source.is_dir() else shutil.copy)(source, project / name)
        params = yaml.safe_load((project / "params.yaml").read_text())
        params["corpus"]["builtin"]["train_size"] = args.train_size
        (project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
        results = {"train_size": args.train_size,
                   "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
                   "download": run_stage(project, "download"),
                   "clean": run_stage(project, "clean")}
        results["clean_metrics"] = json.loads((project / "metrics" / "clean.json").read_text())["noise"]
    print(f"{'stage':<10} {'wall s':>8} {'peak RSS MiB':>13}")
    for stage in ("download", "clean"):
        print(f"{stage:<10} {results[stage]['wall_s']:>8} {results[stage]['peak_rss_mib']:>13}")
    print(f"noise precision {results['clean_metrics']['precision']}, recall {results['clean_metrics']['recall']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
