"""Which from-scratch encoder for the classifiers: BERT (first-token state) against
ModernBERT (mean of the token states), side by side in one run.

    python bench/cls_encoder.py [--steps 400] [--sizes teacher student]

Each arch is trained with the trainer on the built-in English opinion sets (the
defaults' sizes and seed) at the teacher's and the student's size from params.yaml,
for the same steps; prints the best English dev accuracy, the zero-shot accuracy on
German text (the German side of the train pairs), parameters and training texts/s.
Writes bench/results/cls_encoder.json.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import PROJECT, RESULTS, report  # noqa: E402
from xldistill.data.labelled import BUILTIN_TASKS, builtin_sets  # noqa: E402
from xldistill.params import load_params  # noqa: E402
from xldistill.tasks.classification import (build_classifier, classifier_tokenizer, predict_logits,  # noqa: E402
                                            train_classifier)
from xldistill.training.trainer import seed_everything  # noqa: E402
from xldistill.translation.models import count_parameters  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--sizes", nargs="+", default=["teacher", "student"], choices=["teacher", "student"])
    parser.add_argument("--archs", nargs="+", default=["bert", "modernbert"])
    parser.add_argument("--tokenizer", type=Path, default=PROJECT / "models" / "tokenizer",
                        help="a Marian tokenizer folder (run `dvc repro vocab` first)")
    parser.add_argument("--params", type=Path, default=PROJECT / "params.yaml", help="(tests: a tiny one)")
    parser.add_argument("--out", type=Path, default=RESULTS / "cls_encoder.json")
    args = parser.parse_args()
    params = load_params(args.params)
    cfg = params["classify"]
    labels = list(BUILTIN_TASKS[cfg["task"]])
    sets = builtin_sets(seed=params["seed"], task=cfg["task"], exclude=set(), **cfg["builtin"])
    ids = {name: [labels.index(label) for label in s.labels] for name, s in sets.items()}
    rows = []
    for size in args.sizes:
        for arch in args.archs:
            model_cfg = dict(cfg[size]["model"], arch=arch)
            tokenizer = classifier_tokenizer(args.tokenizer, model_cfg["max_positions"])
            train_cfg = dict(cfg[size]["train"], max_steps=args.steps, eval_every=max(args.steps // 4, 1),
                             patience=10 ** 6, checkpoint_every=10 ** 6)
            seed_everything(params["seed"])
            model = build_classifier(tokenizer, model_cfg, labels)
            with tempfile.TemporaryDirectory() as work:
                result = train_classifier(model, tokenizer, sets["train"].texts, ids["train"], sets["dev"].texts,
                                          ids["dev"], train_cfg, seed=params["seed"], work_dir=Path(work),
                                          name=f"{size}-{arch}")
            german = predict_logits(model, tokenizer, sets["target_train"].texts[:1000]).argmax(-1)
            rows.append({"size": size, "arch": arch, "steps": args.steps, "params": count_parameters(model),
                         "english_dev_accuracy": result.best_dev_score, "best_step": result.best_step,
                         "german_accuracy_zero_shot": round(100 * float(
                             (german == torch.tensor(ids["target_train"][:1000])).float().mean()), 2),
                         "train_texts_per_s": result.items_per_s})
    report(rows, args.out, steps=args.steps, sets={name: len(s) for name, s in sets.items()})


if __name__ == "__main__":
    main()
