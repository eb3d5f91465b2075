"""What the NER stages share: the data folders, and train → save → metrics."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from xldistill.data.tagged import SET_FILES, TaggedSet, read_conll, write_conll
from xldistill.data.textio import write_text_atomic
from xldistill.errors import CorpusError
from xldistill.tasks.classification import finish_training
from xldistill.tasks.tagging import tag_ids, train_tagger

NER_DATA = Path("data/ner")
TRANSFER = Path("data/ner_transfer")
SOFT_FLOOR = 1e-6  # soft targets become log-probabilities for the KD loss; a zero would be −inf


def read_labels(folder: Path = NER_DATA) -> list[str]:
    return json.loads((folder / "labels.json").read_text())


def read_set(name: str, folder: Path = NER_DATA) -> TaggedSet | None:
    """A set of data/ner by its name in SET_FILES; None when the source has none (optional sets)."""
    path = folder / SET_FILES[name]
    return read_conll(path) if path.exists() else None


def as_ids(tagged: TaggedSet, labels: list[str], where: str) -> tuple[list, list]:
    return tagged.sentences, tag_ids(tagged.tags, labels, where)


def write_transfer(out: Path, split: str, tagged: TaggedSet, soft: list[np.ndarray], routes: list[str]) -> None:
    """``<split>.conll`` (projected hard tags), ``<split>.soft.npy`` (the projected teacher
    distribution, one row per word of every sentence in order, float32) and ``<split>.route``."""
    write_conll(out / f"{split}.conll", tagged)
    np.save(out / f"{split}.soft.npy", np.concatenate(soft).astype(np.float32))
    write_text_atomic(out / f"{split}.route", "".join(f"{r}\n" for r in routes))


def read_transfer(split: str, labels: list[str], folder: Path = TRANSFER) -> tuple[tuple[list, list], list[np.ndarray]]:
    """(words, tag ids) per sentence and the per-word teacher log-probabilities."""
    tagged = read_conll(folder / f"{split}.conll")
    soft = np.load(folder / f"{split}.soft.npy")
    words = sum(len(s) for s in tagged.sentences)
    if soft.shape != (words, len(labels)):
        raise CorpusError(f"{folder}/{split}.soft.npy has shape {soft.shape}, expected ({words}, {len(labels)}); "
                          "rerun the ner_project stage")
    bounds = np.cumsum([0] + [len(s) for s in tagged.sentences])
    log_probs = np.log(np.maximum(soft, SOFT_FLOOR))
    return as_ids(tagged, labels, str(folder / f"{split}.conll")), [log_probs[a:b] for a, b in
                                                                     zip(bounds[:-1], bounds[1:])]


def train_and_save(model, tokenizer, labels: list[str], train: tuple[list, list], dev: tuple[list, list],
                   cfg: dict, *, seed: int, name: str, out_dir: Path, teacher_log_probs=None, loss_fn=None,
                   identity: dict | None = None) -> dict:
    """The shared tail of every tagger stage: train (resuming from models/.work/<name>),
    save the HF folder atomically, return its metrics."""
    work_dir = Path("models/.work") / name
    result = train_tagger(model, tokenizer, labels, train, dev, cfg, teacher_log_probs=teacher_log_probs, seed=seed,
                          work_dir=work_dir, curve_path=Path("metrics/curves") / f"{name}.csv", name=name,
                          loss_fn=loss_fn, identity=identity)
    return finish_training(model, tokenizer, result, out_dir=out_dir, work_dir=work_dir, score="dev_f1",
                           counted="sentences", train_items=len(train[0]))
