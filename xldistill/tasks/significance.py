"""Paired bootstrap of the classification and NER branches' differences (xldistill.bootstrap):
the per-item statistics of accuracy and of entity-level F1, read from the predictions the evaluate
stages write.

- cls_evaluate: metrics/cls_confusion/<model>.csv, ``actual,predicted`` per German test text.
- ner_evaluate: metrics/ner_predictions/<model>.conll, ``word gold predicted`` per word (the
  conlleval layout), a blank line between sentences.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
from seqeval.metrics.sequence_labeling import get_entities

from xldistill.errors import XldistillError


def accuracy_statistics(gold: list[str], predicted: list[str]) -> np.ndarray:
    """[items, 2]: 1 where the prediction is right, and 1 (the item's count)."""
    return np.asarray([[int(g == p), 1] for g, p in zip(gold, predicted)], dtype=np.int64).reshape(len(gold), 2)


def accuracy_of(statistics: np.ndarray) -> float:
    """Accuracy in percent of summed accuracy statistics."""
    return 100 * statistics[0] / statistics[1]


def entity_statistics(gold: list[list[str]], predicted: list[list[str]]) -> np.ndarray:
    """[sentences, 3]: exactly matched entities, predicted entities, gold entities (seqeval's
    default mode, which reads the corpus as these sentences joined by ``O``)."""
    rows = []
    for gold_tags, predicted_tags in zip(gold, predicted):
        gold_entities, predicted_entities = set(get_entities(gold_tags)), set(get_entities(predicted_tags))
        rows.append([len(gold_entities & predicted_entities), len(predicted_entities), len(gold_entities)])
    return np.asarray(rows, dtype=np.int64).reshape(len(rows), 3)


def f1_of(statistics: np.ndarray) -> float:
    """Micro-averaged entity F1 in percent (seqeval's) of summed entity statistics: 2·TP / (predicted + gold)."""
    found = statistics[1] + statistics[2]
    return 100 * 2 * statistics[0] / found if found else 0.0


def read_confusion(path: Path) -> tuple[list[str], list[str]]:
    """Gold and predicted labels from a cls_evaluate confusion CSV."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    if not rows or rows[0] != ["actual", "predicted"]:
        raise XldistillError(f"{path}:1: expected the header actual,predicted")
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != 2:
            raise XldistillError(f"{path}:{number}: {len(row)} columns, expected actual,predicted")
    return [row[0] for row in rows[1:]], [row[1] for row in rows[1:]]


def conll_predictions(sentences: list[list[str]], gold: list[list[str]], predicted: list[list[str]]) -> str:
    """The text of a ner_evaluate predictions file."""
    return "".join("".join(f"{word} {g} {p}\n" for word, g, p in zip(words, gold_tags, predicted_tags)) + "\n"
                   for words, gold_tags, predicted_tags in zip(sentences, gold, predicted))


def read_conll_predictions(path: Path) -> tuple[list[list[str]], list[list[str]]]:
    """Gold and predicted tags per sentence from a ner_evaluate predictions file."""
    gold, predicted, sentence_gold, sentence_predicted = [], [], [], []
    lines = path.read_text(encoding="utf-8").split("\n")
    for number, line in enumerate([*lines, ""], start=1):  # the blank at the end closes the last sentence
        if not line.strip():
            if sentence_gold:
                gold.append(sentence_gold)
                predicted.append(sentence_predicted)
            sentence_gold, sentence_predicted = [], []
            continue
        fields = line.split()
        if len(fields) != 3:
            raise XldistillError(f"{path}:{number}: {len(fields)} columns, expected word gold predicted")
        sentence_gold.append(fields[1])
        sentence_predicted.append(fields[2])
    return gold, predicted


@dataclass(frozen=True)
class PredictionFiles:
    """Where an evaluate stage writes each model's test predictions (under metrics/), and how they are scored."""
    folder: str
    suffix: str
    read: Callable  # path → (gold, predicted)
    statistics: Callable  # (gold, predicted) → per-item statistics
    score: Callable  # summed statistics → the corpus score
    metric: str


PREDICTIONS = {
    "cls": PredictionFiles("cls_confusion", ".csv", read_confusion, accuracy_statistics, accuracy_of, "accuracy"),
    "ner": PredictionFiles("ner_predictions", ".conll", read_conll_predictions, entity_statistics, f1_of, "f1"),
}


def prediction_statistics(metrics_dir: Path, task: str, models: tuple[str, ...] | None = None) -> dict:
    """Model name → per-item statistics of its predictions in ``metrics_dir`` (every model found, or only
    ``models``; a model with no file is left out), checked to be on one test set: the same gold labels
    in the same order."""
    files = PREDICTIONS[task]
    folder = Path(metrics_dir) / files.folder
    paths = sorted(folder.glob(f"*{files.suffix}")) if models is None else [
        folder / f"{model}{files.suffix}" for model in models if (folder / f"{model}{files.suffix}").exists()]
    out, first_gold, first_path = {}, None, None
    for path in paths:
        gold, predicted = files.read(path)
        if first_gold is None:
            first_gold, first_path = gold, path
        elif gold != first_gold:
            raise XldistillError(f"{path}: its gold labels differ from {first_path}'s (rerun the evaluate stage)")
        out[path.name[:-len(files.suffix)]] = files.statistics(gold, predicted)
    return out
