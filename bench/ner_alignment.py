"""Which word aligner carries entity tags best: ibm1, attention and eflomal, side by side
on the built-in corpus's gold entity alignments.

    python bench/ner_alignment.py [--project .] [--repeats 2]

Reads a project that ran `dvc repro ner_data` (data/ner/alignment.jsonl: pairs with
gold entity alignments), `clean` (data/clean: the parallel pairs every aligner sees
beside them, ner.project.parallel_lines of them) and `teacher` (models/teacher: the
attention aligner's cross-attention). Each aligner runs --repeats times on the same
input: the table says whether its links were the same every time. eflomal is skipped
when the package is not installed (pip install -e ".[align]").
Writes bench/results/ner_alignment.json.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import PROJECT, RESULTS, report  # noqa: E402
from xldistill.data.tagged import read_alignment, split_words  # noqa: E402
from xldistill.data.textio import read_lines  # noqa: E402
from xldistill.params import load_params  # noqa: E402
from xldistill.tasks.projection import align, alignment_quality  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=PROJECT)
    parser.add_argument("--aligners", nargs="+", default=["ibm1", "attention", "eflomal"])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULTS / "ner_alignment.json")
    args = parser.parse_args()
    params = load_params(args.project / "params.yaml")
    cfg = params["ner"]["project"]
    torch.set_num_threads(2)
    records = read_alignment(args.project / "data" / "ner" / "alignment.jsonl")
    english = [split_words(line) for line in read_lines(args.project / "data/clean/train.src")[:cfg["parallel_lines"]]]
    german = [split_words(line) for line in read_lines(args.project / "data/clean/train.tgt")[:cfg["parallel_lines"]]]
    english += [r["en"] for r in records]
    german += [r["de"] for r in records]
    rows = []
    for aligner in args.aligners:
        if aligner == "eflomal" and importlib.util.find_spec("eflomal") is None:
            print("eflomal: not installed, skipped", file=sys.stderr)
            continue
        models = {}
        if aligner == "attention":
            from transformers import MarianTokenizer

            from xldistill.translation.models import load_marian
            folder = args.project / "models" / "teacher"
            models = {"model": load_marian(folder), "tokenizer": MarianTokenizer.from_pretrained(folder)}
        runs, seconds = [], []
        for _ in range(args.repeats):
            started = time.perf_counter()
            runs.append(align(aligner, english, german, **models)[-len(records):])
            seconds.append(time.perf_counter() - started)
        quality = [alignment_quality(records, links, cfg["max_gap"]) for links in runs]
        rows.append({"aligner": aligner, **quality[0], "pairs_aligned": len(english),
                     "seconds": round(min(seconds), 1), "same_links_every_run": all(r == runs[0] for r in runs),
                     "projection_f1_spread": round(max(q["projection_f1"] for q in quality)
                                                   - min(q["projection_f1"] for q in quality), 2)})
    report(rows, args.out, parallel_lines=cfg["parallel_lines"], gold_pairs=len(records), repeats=args.repeats)


if __name__ == "__main__":
    main()
