"""cls_student stage, three ways (python -m stages.cls_student kd|hard|supervised):

- kd → models/cls-student: the German student on the transfer data with
  alpha · T² · KL(teacher ‖ student at T = temp) + (1 − alpha) · CE(hard label);
- hard → models/cls-student-hard: the same student, the same data, hard labels only
  (is distillation worth it?);
- supervised → models/cls-supervised: the same student on German gold labels, the
  upper bound (only where the source has German train labels).
Students early-stop on the held-out transfer data, the upper bound on German dev.
Metrics: metrics/cls_student[_hard|_supervised].json.
"""

from __future__ import annotations

import sys
from pathlib import Path

from xldistill.cli import run_stage
from xldistill.data.textio import atomic_dir, write_json_atomic
from xldistill.errors import XldistillError
from xldistill.params import load_params
from xldistill.tasks.classification import build_classifier, classifier_tokenizer, distillation_loss
from xldistill.tasks.cls_io import label_ids, read_labels, read_set, read_transfer, train_and_save
from xldistill.training.trainer import seed_everything, write_curve

TOKENIZER = Path("models/tokenizer")
KINDS = {  # kind: (model folder, metrics file)
    "kd": ("models/cls-student", "metrics/cls_student.json"),
    "hard": ("models/cls-student-hard", "metrics/cls_student_hard.json"),
    "supervised": ("models/cls-supervised", "metrics/cls_supervised.json"),
}


def main() -> None:
    kind = sys.argv[1] if len(sys.argv) > 1 else ""
    if kind not in KINDS:
        raise XldistillError(f"usage: python -m stages.cls_student {'|'.join(KINDS)} (got {kind!r})")
    out_model, metrics_path = (Path(p) for p in KINDS[kind])
    params = load_params()
    cfg = params["classify"]["student"]
    labels = read_labels()
    name = out_model.name
    if kind == "supervised":
        train, dev = read_set("target_train"), read_set("target_dev")
        if train is None or dev is None:  # own data without German train labels: no upper bound
            with atomic_dir(out_model) as out:
                (out / "SKIPPED").write_text("the classification source has no German train and dev labels\n")
            write_curve(Path("metrics/curves") / f"{name}.csv", [], "dev_accuracy")
            write_json_atomic(metrics_path, {"skipped": "no German train and dev labels"})
            print("cls_student supervised: skipped (no German train and dev labels)")
            return
        train_data = (train.texts, label_ids(train, labels, "data/cls/train.tgt.tsv"))
        dev_data = (dev.texts, label_ids(dev, labels, "data/cls/dev.tgt.tsv"))
        teacher_logits, loss_fn, identity = None, None, None
    else:
        *train_data, teacher_logits = read_transfer("train", labels)
        dev_texts, dev_labels, _ = read_transfer("dev", labels)
        dev_data = (dev_texts, dev_labels)
        loss_fn, identity = None, None
        if kind == "kd":
            loss_fn = distillation_loss(temperature=params["temp"], alpha=cfg["alpha"],
                                        label_smoothing=cfg["train"]["label_smoothing"])
            identity = {"temp": params["temp"], "alpha": cfg["alpha"]}
        else:
            teacher_logits = None  # hard labels only
    seed_everything(params["seed"])
    tokenizer = classifier_tokenizer(TOKENIZER, cfg["model"]["max_positions"])
    model = build_classifier(tokenizer, cfg["model"], labels)
    metrics = train_and_save(model, tokenizer, tuple(train_data), dev_data, cfg["train"], seed=params["seed"],
                             name=name, out_dir=out_model, teacher_logits=teacher_logits, loss_fn=loss_fn,
                             identity=identity)
    metrics["kind"] = kind
    if kind == "kd":
        metrics.update(temperature=params["temp"], alpha=cfg["alpha"])
    write_json_atomic(metrics_path, metrics)
    print(f"cls_student {kind}: dev accuracy {metrics['best_dev_accuracy']} ({metrics['params']:,} parameters)")


if __name__ == "__main__":
    run_stage("cls_student", main)
