"""clean stage: data/raw/ → data/clean/ and metrics/clean.json.

Train lines pass the rule filters in params.yaml (`clean`); dev and test are
normalized but never filtered, and their overlap with train is reported; mono
(target side) and mono_src (source side, → data/mono_src/) get the one-sided
rules, and mono_src also loses every line whose source occurs in train, dev or
test, so that the teacher's forward translations never leak an evaluation
sentence to the student. On the builtin corpus the removed lines are scored
against the injected noise labels (precision, recall).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from xldistill.data.cleaning import clean_mono, clean_parallel, normalized, score_against_labels
from xldistill.cli import run_stage
from xldistill.errors import CorpusError
from xldistill.params import load_params
from xldistill.data.textio import atomic_dir, dedup_key, read_lines, write_json_atomic, write_lines

IN_DIR = Path("data/raw")
OUT_DIR = Path("data/clean")
MONO_SRC_DIR = Path("data/mono_src")  # apart from data/clean, which every model stage depends on
METRICS = Path("metrics/clean.json")


def read_series(path: Path) -> pd.Series:
    return pd.Series(read_lines(path), dtype=object)


def overlap_with_train(train_src: pd.Series, other_src: pd.Series) -> int:
    """Lines of a held-out split whose folded source also occurs in train."""
    train_keys = set(train_src.map(dedup_key))
    return int(other_src.map(dedup_key).isin(train_keys).sum())


def main() -> None:
    params = load_params()
    cfg, corpus = params["clean"], params["corpus"]
    src_lang, tgt_lang = corpus["src_lang"], corpus["tgt_lang"]
    raw_src, raw_tgt = read_series(IN_DIR / "train.src"), read_series(IN_DIR / "train.tgt")
    if len(raw_src) != len(raw_tgt):
        raise CorpusError(f"{IN_DIR}/train.src has {len(raw_src)} lines but train.tgt has {len(raw_tgt)}")
    if len(raw_src) == 0:
        raise CorpusError(f"{IN_DIR}/train.src is empty: nothing to clean")
    frame, kept, removed = clean_parallel(raw_src, raw_tgt, cfg, src_lang=src_lang,
                                          tgt_lang=tgt_lang, seed=params["seed"])
    if not kept.any():
        worst = max(removed, key=removed.get)
        raise CorpusError(f"cleaning removed every train line; rule '{worst}' removed the most "
                          f"({removed[worst]} of {len(frame)}); relax clean.{worst} in params.yaml")
    train = frame[kept]
    mono_text, mono_kept, mono_removed = clean_mono(read_series(IN_DIR / "mono.tgt"), cfg, lang=tgt_lang)
    held_out = {split: normalized(read_series(IN_DIR / f"{split}.src")) for split in ("dev", "test")}
    mono_src_text, mono_src_kept, mono_src_removed = clean_mono(read_series(IN_DIR / "mono.src"), cfg,
                                                                lang=src_lang)
    parallel_keys = set(pd.concat([train["src"], *held_out.values()]).map(dedup_key))
    in_parallel = mono_src_text.map(dedup_key).isin(parallel_keys).to_numpy() & mono_src_kept
    mono_src_removed["in_parallel"] = int(in_parallel.sum())
    mono_src_kept &= ~in_parallel
    metrics = {
        "train": {"lines_in": len(frame), "lines_kept": int(kept.sum()), "removed": removed},
        "mono": {"lines_in": len(mono_text), "lines_kept": int(mono_kept.sum()), "removed": mono_removed},
        "mono_src": {"lines_in": len(mono_src_text), "lines_kept": int(mono_src_kept.sum()),
                     "removed": mono_src_removed},
        "overlap_with_train": {},
    }
    with atomic_dir(OUT_DIR) as out:
        write_lines(out / "train.src", train["src"])
        write_lines(out / "train.tgt", train["tgt"])
        for split, src in held_out.items():
            write_lines(out / f"{split}.src", src)
            write_lines(out / f"{split}.tgt", normalized(read_series(IN_DIR / f"{split}.tgt")))
            metrics["overlap_with_train"][split] = overlap_with_train(train["src"], src)
        write_lines(out / "mono.tgt", mono_text[mono_kept])
    with atomic_dir(MONO_SRC_DIR) as out:
        write_lines(out / "mono.src", mono_src_text[mono_src_kept])
    labels_file = IN_DIR / "train.noise"
    if labels_file.exists():
        metrics["noise"] = score_against_labels(kept, read_lines(labels_file))
    write_json_atomic(METRICS, metrics)
    print(f"clean: kept {metrics['train']['lines_kept']} of {len(frame)} train lines; removed {removed}")
    for split, overlapping in metrics["overlap_with_train"].items():
        if overlapping:
            print(f"clean: warning: {overlapping} of the {split} sources also occur in train "
                  f"(case and punctuation folded); {split} scores will be optimistic", file=sys.stderr)
    if "noise" in metrics:
        print(f"clean: against the injected noise: precision {metrics['noise']['precision']}, "
              f"recall {metrics['noise']['recall']}")


if __name__ == "__main__":
    run_stage("clean", main)
