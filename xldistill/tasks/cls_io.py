"""What the classification stages share: the data folders, and train → save → metrics."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from xldistill.data.labelled import SET_FILES, LabelledSet, check_labels, read_tsv, write_tsv
from xldistill.data.textio import write_text_atomic
from xldistill.errors import CorpusError
from xldistill.tasks.classification import finish_training, train_classifier

CLS_DATA = Path("data/cls")
TRANSFER = Path("data/cls_transfer")


def read_labels(folder: Path = CLS_DATA) -> list[str]:
    return json.loads((folder / "labels.json").read_text())


def read_set(name: str, folder: Path = CLS_DATA) -> LabelledSet | None:
    """A set of data/cls by its name in SET_FILES; None when the source has none (optional sets)."""
    path = folder / SET_FILES[name]
    return read_tsv(path) if path.exists() else None


def label_ids(labelled: LabelledSet, labels: list[str], where: str) -> list[int]:
    check_labels(labelled, labels, where)
    index = {label: i for i, label in enumerate(labels)}
    return [index[label] for label in labelled.labels]


def write_transfer(out: Path, split: str, texts: list[str], labels: list[str], logits: np.ndarray,
                   routes: list[str]) -> None:
    """``<split>.tsv`` (hard label, German text), ``<split>.logits.npy`` (the teacher's logits,
    float32, one row per line) and ``<split>.route`` (parallel / translate_train / direct)."""
    write_tsv(out / f"{split}.tsv", LabelledSet(texts, labels))
    np.save(out / f"{split}.logits.npy", logits.astype(np.float32))
    write_text_atomic(out / f"{split}.route", "".join(f"{r}\n" for r in routes))


def read_transfer(split: str, labels: list[str], folder: Path = TRANSFER) -> tuple[list[str], list[int], torch.Tensor]:
    labelled = read_tsv(folder / f"{split}.tsv")
    logits = torch.from_numpy(np.load(folder / f"{split}.logits.npy"))
    if logits.shape != (len(labelled), len(labels)):
        raise CorpusError(f"{folder}/{split}.logits.npy has shape {tuple(logits.shape)}, expected "
                          f"({len(labelled)}, {len(labels)}); rerun the transfer stage")
    return labelled.texts, label_ids(labelled, labels, str(folder / f"{split}.tsv")), logits


def train_and_save(model, tokenizer, train: tuple[list, list], dev: tuple[list, list], cfg: dict, *, seed: int,
                   name: str, out_dir: Path, teacher_logits: torch.Tensor | None = None, loss_fn=None,
                   identity: dict | None = None) -> dict:
    """The shared tail of every classifier stage: train (resuming from models/.work/<name>),
    save the HF folder atomically, return its metrics."""
    work_dir = Path("models/.work") / name
    result = train_classifier(model, tokenizer, *train, *dev, cfg, teacher_logits=teacher_logits, seed=seed,
                              work_dir=work_dir, curve_path=Path("metrics/curves") / f"{name}.csv", name=name,
                              loss_fn=loss_fn, identity=identity)
    return finish_training(model, tokenizer, result, out_dir=out_dir, work_dir=work_dir, score="dev_accuracy",
                           counted="texts", train_items=len(train[0]))
