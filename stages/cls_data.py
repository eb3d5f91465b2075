"""cls_data stage: labelled text for the classification branch → data/cls/ and metrics/cls_data.json.

English labelled train and dev (the only labels any model trains on, apart from the
supervised upper bound), German labelled test (and dev / train for the upper bound):
the built-in opinion sentences of the grammar (classify.builtin, disjoint from every
sentence of data/raw), local TSV / JSONL files (classify.local) or a Hugging Face
dataset (classify.hf). labels.json fixes the label order every classifier uses.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from xldistill.cli import run_stage
from xldistill.data.labelled import (BUILTIN_TASKS, SET_FILES, LabelledSet, builtin_sets, carve_dev, check_labels,
                                     read_hf, read_set, relabel, write_tsv)
from xldistill.data.textio import atomic_dir, folded_sentences, write_json_atomic
from xldistill.errors import ParamsError
from xldistill.params import load_params

RAW = Path("data/raw")
OUT_DIR = Path("data/cls")
METRICS = Path("metrics/cls_data.json")
REQUIRED = ("train", "test")


def local_sets(cfg: dict) -> dict[str, LabelledSet]:
    for name in REQUIRED:
        if not cfg[name]:
            raise ParamsError(f"params.yaml: 'classify.local.{name}' must be set when classify.source is local")
    return {name: read_set(cfg[name], cfg["format"], text_field=cfg["text_field"], label_field=cfg["label_field"])
            for name in SET_FILES if cfg[name]}


def hf_sets(cfg: dict) -> dict[str, LabelledSet]:
    if not cfg["name"]:
        raise ParamsError("params.yaml: 'classify.hf.name' must be set when classify.source is hf")
    fields = {"text_field": cfg["text_field"], "label_field": cfg["label_field"], "revision": cfg["revision"]}
    source = {"name": cfg["name"], "config": cfg["config"]}
    target = {"name": cfg["target_name"] or cfg["name"], "config": cfg["target_config"]}
    wanted = {"train": (source, cfg["train_split"]), "dev": (source, cfg["dev_split"]),
              "test": (target, cfg["test_split"]), "target_dev": (target, cfg["target_dev_split"]),
              "target_train": (target, cfg["target_train_split"])}
    return {name: read_hf(where["name"], split, config=where["config"], **fields)
            for name, (where, split) in wanted.items() if split}


def where(cfg: dict, name: str) -> str:
    """The file (local) or the params key (hf, builtin) a set came from, for error messages."""
    if cfg["source"] == "local":
        return cfg["local"][name]
    return f"classify.{cfg['source']}.{name}"


def main() -> None:
    params = load_params()
    cfg = params["classify"]
    if cfg["source"] == "builtin":
        sets = builtin_sets(seed=params["seed"], task=cfg["task"], exclude=folded_sentences(RAW), **cfg["builtin"])
        labels = list(BUILTIN_TASKS[cfg["task"]])
    else:
        sets = local_sets(cfg["local"]) if cfg["source"] == "local" else hf_sets(cfg["hf"])
        mapping = {entry["from"]: entry["to"] for entry in cfg["label_map"]}
        sets = {name: relabel(s, mapping, where(cfg, name)) for name, s in sets.items()}
        labels = sorted(set(sets["train"].labels))  # the English train set defines the labels
    for name, labelled in sets.items():
        check_labels(labelled, labels, where(cfg, name))
    carved = [name for train, name in (("train", "dev"), ("target_train", "target_dev"))
              if carve_dev(sets, train, name, cfg["dev_size"], params["seed"], "classify.dev_size")]
    with atomic_dir(OUT_DIR) as out:
        for name, labelled in sets.items():
            write_tsv(out / SET_FILES[name], labelled)
        (out / "labels.json").write_text(json.dumps(labels))
    metrics = {"source": cfg["source"], "task": cfg["task"] if cfg["source"] == "builtin" else None,
               "labels": labels, "carved_from_train": carved,
               "texts": {name: len(s) for name, s in sets.items()},
               "label_counts": {name: dict(sorted(Counter(s.labels).items())) for name, s in sets.items()}}
    write_json_atomic(METRICS, metrics)
    print(f"cls_data: {metrics['texts']} ({', '.join(labels)}) → {OUT_DIR}")


if __name__ == "__main__":
    run_stage("cls_data", main)
