"""cls_transfer stage: German training data for the students, without any German label
→ data/cls_transfer/ and metrics/cls_transfer.json.

Routes (classify.transfer):
- parallel (Xu & Yang 2017): the teacher's logits on the English side of the first
  parallel_lines cleaned pairs become the targets of their German side;
- translate_train: the translation teacher (CTranslate2) translates the English labelled
  set, sentence by sentence; each translation keeps its English label and gets the teacher's logits;
- direct: a multilingual teacher labels the German side of the parallel pairs itself.
Every line gets a hard label (the gold English label where one exists, else the teacher's
argmax) and the teacher's logits at temperature 1. dev_lines are held out (shuffled with
the seed) for the students' early stopping: German gold labels are never used.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import numpy as np
import torch

from xldistill.cli import run_stage
from xldistill.data.textio import atomic_dir, read_lines, write_json_atomic
from xldistill.errors import XldistillError
from xldistill.params import load_params
from xldistill.tasks.classification import load_classifier, predict_logits
from xldistill.tasks.cls_io import TRANSFER, label_ids, read_labels, read_set, write_transfer
from xldistill.translation.engines import CTranslate2Engine
from xldistill.translation.segments import translate_texts

CLEAN = Path("data/clean")
TEACHER = Path("models/cls-teacher")
TRANSLATION_TEACHER = Path("models/teacher-ct2")
METRICS = Path("metrics/cls_transfer.json")


def main() -> None:
    params = load_params()
    cfg = params["classify"]["transfer"]
    labels = read_labels()
    torch.set_num_threads(2)
    teacher, tokenizer = load_classifier(TEACHER)
    texts, hard, logits, routes = [], [], [], []

    def add(route: str, german: list[str], teacher_logits: torch.Tensor, gold: list[int] | None = None) -> None:
        texts.extend(german)
        hard.extend(gold if gold is not None else teacher_logits.argmax(-1).tolist())
        logits.append(teacher_logits.numpy())
        routes.extend([route] * len(german))

    english, german = read_lines(CLEAN / "train.src"), read_lines(CLEAN / "train.tgt")
    english, german = english[:cfg["parallel_lines"]], german[:cfg["parallel_lines"]]
    if english:
        add("parallel", german, predict_logits(teacher, tokenizer, english))
    metrics = {}
    if cfg["translate_train"]:
        train = read_set("train")
        engine = CTranslate2Engine(TRANSLATION_TEACHER, threads=2)
        translated = translate_texts(engine, train.texts, lang=params["corpus"]["src_lang"], beam=cfg["beam"],
                                     max_length=cfg["max_length"])
        teacher_logits = predict_logits(teacher, tokenizer, train.texts)
        gold = label_ids(train, labels, "data/cls/train.src.tsv")
        metrics["teacher_agrees_with_english_train_labels"] = round(
            100 * float((teacher_logits.argmax(-1) == torch.tensor(gold)).float().mean()), 2)
        add("translate_train", translated, teacher_logits, gold)
    if cfg["direct"] and german:
        add("direct", german, predict_logits(teacher, tokenizer, german))
    if len(texts) <= cfg["dev_lines"]:
        raise XldistillError(f"params.yaml: classify.transfer gives {len(texts)} German lines, not more than "
                             f"dev_lines ({cfg['dev_lines']}); raise parallel_lines or enable translate_train")
    order = list(range(len(texts)))
    random.Random(params["seed"]).shuffle(order)
    all_logits = np.concatenate(logits)
    with atomic_dir(TRANSFER) as out:
        for split, index in (("dev", order[:cfg["dev_lines"]]), ("train", order[cfg["dev_lines"]:])):
            write_transfer(out, split, [texts[i] for i in index], [labels[hard[i]] for i in index],
                           all_logits[index], [routes[i] for i in index])
    metrics.update(lines=dict(Counter(routes)), dev_lines=cfg["dev_lines"],
                   hard_label_counts=dict(sorted(Counter(labels[h] for h in hard).items())))
    write_json_atomic(METRICS, metrics)
    print(f"cls_transfer: {metrics['lines']} German lines → {TRANSFER}")


if __name__ == "__main__":
    run_stage("cls_transfer", main)
