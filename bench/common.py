"""What the benchmark scripts share: the machine they ran on, a table, a JSON file."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path

import pandas as pd

PROJECT = Path(__file__).resolve().parents[1]
RESULTS = PROJECT / "bench" / "results"


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
