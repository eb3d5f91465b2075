"""ner_student stage, three ways (python -m stages.ner_student kd|hard|supervised):

- kd → models/ner-student: the German tagger on the projected data with
  alpha · T² · KL(projected teacher ‖ student at T) + (1 − alpha) · CE(projected tag),
  T = ner.student.temperature (the branch's own: `temp` is the translation and classification students');
- hard → models/ner-student-hard: the same tagger, the same data, projected hard tags only;
- supervised → models/ner-supervised: the same tagger on German gold tags, the upper bound
  (only where the source has German train tags).
Students early-stop on held-out projected data, the upper bound on German dev.
Metrics: metrics/ner_student[_hard|_supervised].json.
"""

from __future__ import annotations

import sys
from pathlib import Path

from xldistill.cli import run_stage
from xldistill.data.textio import atomic_dir, write_json_atomic
from xldistill.errors import XldistillError
from xldistill.params import load_params
from xldistill.tasks.classification import classifier_tokenizer
from xldistill.tasks.ner_io import as_ids, read_labels, read_set, read_transfer, train_and_save
from xldistill.tasks.tagging import build_tagger, distillation_loss
from xldistill.training.trainer import seed_everything, write_curve

TOKENIZER = Path("models/tokenizer")
KINDS = {  # kind: (model folder, metrics file)
    "kd": ("models/ner-student", "metrics/ner_student.json"),
    "hard": ("models/ner-student-hard", "metrics/ner_student_hard.json"),
    "supervised": ("models/ner-supervised", "metrics/ner_supervised.json"),
}


def main() -> None:
    kind = sys.argv[1] if len(sys.argv) > 1 else ""
    if kind not in KINDS:
        raise XldistillError(f"usage: python -m stages.ner_student {'|'.join(KINDS)} (got {kind!r})")
    out_model, metrics_path = (Path(p) for p in KINDS[kind])
    params = load_params()
    cfg = params["ner"]["student"]
    labels = read_labels()
    name = out_model.name
    teacher_log_probs, loss_fn, identity = None, None, None
    if kind == "supervised":
        train, dev = read_set("target_train"), read_set("target_dev")
        if train is None or dev is None:  # own data without German train tags: no upper bound
            with atomic_dir(out_model) as out:
                (out / "SKIPPED").write_text("the NER source has no German train and dev tags\n")
            write_curve(Path("metrics/curves") / f"{name}.csv", [], "dev_f1")
            write_json_atomic(metrics_path, {"skipped": "no German train and dev tags"})
            print("ner_student supervised: skipped (no German train and dev tags)")
            return
        train_data = as_ids(train, labels, "data/ner/train.tgt.conll")
        dev_data = as_ids(dev, labels, "data/ner/dev.tgt.conll")
    else:
        train_data, teacher_log_probs = read_transfer("train", labels)
        dev_data, _ = read_transfer("dev", labels)
        if kind == "kd":
            loss_fn = distillation_loss(temperature=cfg["temperature"], alpha=cfg["alpha"],
                                        label_smoothing=cfg["train"]["label_smoothing"])
            identity = {"temperature": cfg["temperature"], "alpha": cfg["alpha"]}
        else:
            teacher_log_probs = None  # hard tags only
    seed_everything(params["seed"])
    tokenizer = classifier_tokenizer(TOKENIZER, cfg["model"]["max_positions"])
    model = build_tagger(tokenizer, cfg["model"], labels)
    metrics = train_and_save(model, tokenizer, labels, train_data, dev_data, cfg["train"], seed=params["seed"],
                             name=name, out_dir=out_model, teacher_log_probs=teacher_log_probs, loss_fn=loss_fn,
                             identity=identity)
    metrics["kind"] = kind
    if kind == "kd":
        metrics.update(temperature=cfg["temperature"], alpha=cfg["alpha"])
    write_json_atomic(metrics_path, metrics)
    print(f"ner_student {kind}: dev F1 {metrics['best_dev_f1']} ({metrics['params']:,} parameters)")


if __name__ == "__main__":
    run_stage("ner_student", main)
