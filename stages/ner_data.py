"""ner_data stage: word-tagged text for the NER branch → data/ner/ and metrics/ner_data.json.

English tagged train and dev (the only tags any model trains on, apart from the
supervised upper bound), German tagged test (and dev / train for the upper bound):
sentences of the grammar with their entity spans (ner.builtin, disjoint from every
sentence of data/raw; also pairs with gold entity alignments that score the aligner), or
CoNLL / GermEval files (ner.local). labels.json fixes the BIO label order of every tagger.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from xldistill.cli import run_stage
from xldistill.data.labelled import carve_dev
from xldistill.data.tagged import (ALIGNMENT_FILE, SET_FILES, TaggedSet, bio_labels, builtin_sets, check_types,
                                   entity_types, map_types, read_tagged, spans, write_alignment, write_conll)
from xldistill.data.textio import atomic_dir, folded_sentences, write_json_atomic
from xldistill.errors import ParamsError
from xldistill.params import load_params

RAW = Path("data/raw")
OUT_DIR = Path("data/ner")
METRICS = Path("metrics/ner_data.json")
REQUIRED = ("train", "test")


def local_sets(cfg: dict) -> dict[str, TaggedSet]:
    for name in REQUIRED:
        if not cfg[name]:
            raise ParamsError(f"params.yaml: 'ner.local.{name}' must be set when ner.source is local")
    formats = {"train": cfg["source_format"], "dev": cfg["source_format"]}
    return {name: read_tagged(cfg[name], formats.get(name, cfg["target_format"]), scheme=cfg["scheme"])
            for name in SET_FILES if cfg[name]}


def main() -> None:
    params = load_params()
    cfg = params["ner"]
    alignment = []
    if cfg["source"] == "builtin":
        sets, alignment = builtin_sets(seed=params["seed"], exclude=folded_sentences(RAW), **cfg["builtin"])
    else:
        mapping = {entry["from"]: entry["to"] for entry in cfg["type_map"]}
        sets = {name: map_types(tagged, mapping) for name, tagged in local_sets(cfg["local"]).items()}
    types = entity_types(sets["train"].tags)  # the English train set defines the types
    for name, tagged in sets.items():
        check_types(tagged, types, cfg["local"][name] if cfg["source"] == "local" else f"ner.builtin.{name}")
    carved = [name for train, name in (("train", "dev"), ("target_train", "target_dev"))
              if carve_dev(sets, train, name, cfg["dev_size"], params["seed"], "ner.dev_size")]
    with atomic_dir(OUT_DIR) as out:
        for name, tagged in sets.items():
            write_conll(out / SET_FILES[name], tagged)
        if alignment:
            write_alignment(out / ALIGNMENT_FILE, alignment)
        (out / "labels.json").write_text(json.dumps(bio_labels(types)))
    metrics = {"source": cfg["source"], "types": types, "carved_from_train": carved,
               "sentences": {name: len(s) for name, s in sets.items()},
               "entities": {name: dict(sorted(Counter(kind for tags in s.tags for kind, _, _ in spans(tags)).items()))
                            for name, s in sets.items()},
               "alignment_pairs": len(alignment)}
    write_json_atomic(METRICS, metrics)
    print(f"ner_data: {metrics['sentences']} ({', '.join(types)}) → {OUT_DIR}")


if __name__ == "__main__":
    run_stage("ner_data", main)
