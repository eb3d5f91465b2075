"""ner_project stage: German training data for the student taggers, without any German tag
→ data/ner_transfer/ and metrics/ner_project.json.

Routes (ner.project):
- parallel: the English tagger tags the English side of the first parallel_lines cleaned
  pairs; word alignments carry its tags and per-word distributions to the German side;
- translate_train: the translation teacher (CTranslate2) translates the English tagged
  set; the alignment carries its gold tags (and the teacher's distributions) to the
  translation.
All pairs are aligned in one run (ner.project.aligner), the built-in corpus's pairs with
gold entity alignments among them, which score the aligner (metrics: alignment). The
projection rule (xldistill/tasks/projection.py) repairs a gap of up to max_gap words and
drops a sentence whose entity does not project cleanly; the metrics count each rule.
dev_lines projected sentences are held out for the students' early stopping.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import numpy as np
import torch

from xldistill.cli import run_stage
from xldistill.data.tagged import ALIGNMENT_FILE, TaggedSet, read_alignment, split_words
from xldistill.data.textio import atomic_dir, read_lines, write_json_atomic
from xldistill.errors import XldistillError
from xldistill.params import load_params
from xldistill.tasks.ner_io import NER_DATA, TRANSFER, read_labels, read_set, write_transfer
from xldistill.tasks.projection import align, alignment_quality, project
from xldistill.tasks.tagging import decode, load_tagger, predict_word_logits
from xldistill.translation.engines import CTranslate2Engine

CLEAN = Path("data/clean")
TEACHER = Path("models/ner-teacher")
TRANSLATION_TEACHER = Path("models/teacher")  # the attention aligner's cross-attention
TRANSLATION_TEACHER_CT2 = Path("models/teacher-ct2")  # translate-train
METRICS = Path("metrics/ner_project.json")


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(-1, keepdims=True))
    return shifted / shifted.sum(-1, keepdims=True)


def aligner_models(aligner: str) -> dict:
    if aligner != "attention":
        return {}
    from transformers import MarianTokenizer

    from xldistill.translation.models import load_marian
    return {"model": load_marian(TRANSLATION_TEACHER), "tokenizer": MarianTokenizer.from_pretrained(TRANSLATION_TEACHER)}


def main() -> None:
    params = load_params()
    cfg = params["ner"]["project"]
    labels = read_labels()
    torch.set_num_threads(2)
    teacher, tokenizer = load_tagger(TEACHER)
    english = [split_words(line) for line in read_lines(CLEAN / "train.src")[:cfg["parallel_lines"]]]
    german = [split_words(line) for line in read_lines(CLEAN / "train.tgt")[:cfg["parallel_lines"]]]
    logits = predict_word_logits(teacher, tokenizer, english)
    english_tags, english_probs = decode(logits, labels), [softmax(x) for x in logits]
    routes = ["parallel"] * len(english)
    metrics = {}
    if cfg["translate_train"]:
        train = read_set("train")
        engine = CTranslate2Engine(TRANSLATION_TEACHER_CT2, threads=2)
        translated = engine.translate([" ".join(words) for words in train.sentences], beam=cfg["beam"],
                                      max_length=cfg["max_length"])
        english += train.sentences
        german += [split_words(line) for line in translated]
        english_tags += train.tags  # gold: the translation keeps them, through the alignment
        english_probs += [softmax(x) for x in predict_word_logits(teacher, tokenizer, train.sentences)]
        routes += ["translate_train"] * len(train)
    gold_path = NER_DATA / ALIGNMENT_FILE
    records = read_alignment(gold_path) if gold_path.exists() else []
    links = align(cfg["aligner"], english + [r["en"] for r in records], german + [r["de"] for r in records],
                  **aligner_models(cfg["aligner"]))
    if records:
        metrics["alignment"] = {"aligner": cfg["aligner"], **alignment_quality(records, links[len(english):],
                                                                              cfg["max_gap"])}
    kept, rules = [], Counter()
    for i in range(len(english)):
        tags, soft, rule = project(english_tags[i], english_probs[i], links[i], len(german[i]), labels,
                                   cfg["max_gap"])
        rules[f"{routes[i]}:{rule}"] += 1
        if tags is not None and german[i]:
            kept.append((german[i], tags, soft, routes[i]))
    if len(kept) <= cfg["dev_lines"]:
        raise XldistillError(f"params.yaml: ner.project keeps {len(kept)} projected German sentences, not more "
                             f"than dev_lines ({cfg['dev_lines']}); raise parallel_lines or enable translate_train")
    random.Random(params["seed"]).shuffle(kept)
    with atomic_dir(TRANSFER) as out:
        for split, part in (("dev", kept[:cfg["dev_lines"]]), ("train", kept[cfg["dev_lines"]:])):
            write_transfer(out, split, TaggedSet([k[0] for k in part], [k[1] for k in part]), [k[2] for k in part],
                           [k[3] for k in part])
    soft = np.concatenate([k[2] for k in kept])
    hard = np.array([labels.index(t) for k in kept for t in k[1]])
    # how much the soft targets say beyond the hard tags: KD has nothing to add where they are one-hot
    metrics["soft_targets"] = {"mean_max_prob": round(float(soft.max(1).mean()), 4),
                               "argmax_differs_from_tag": round(100 * float((soft.argmax(1) != hard).mean()), 2)}
    metrics.update(aligner=cfg["aligner"], sentences=dict(Counter(routes)), projection=dict(sorted(rules.items())),
                   kept=len(kept), dev_lines=cfg["dev_lines"],
                   projected_entities=dict(sorted(Counter(t[2:] for k in kept for t in k[1]
                                                          if t.startswith("B-")).items())))
    write_json_atomic(METRICS, metrics)
    print(f"ner_project: {len(kept)} of {len(english)} German sentences kept → {TRANSFER}")


if __name__ == "__main__":
    run_stage("ner_project", main)
