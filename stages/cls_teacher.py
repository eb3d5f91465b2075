"""cls_teacher stage: the English classifier → models/cls-teacher/ and metrics/cls_teacher.json.

classify.teacher.init: scratch (a transformer encoder on the pipeline's SentencePiece
vocabulary) or a Hugging Face name / folder fine-tuned through
AutoModelForSequenceClassification. Trained on English labels only, early stopping
on English dev accuracy.
"""

from __future__ import annotations

from pathlib import Path

from xldistill.cli import run_stage
from xldistill.data.textio import write_json_atomic
from xldistill.params import load_params
from xldistill.tasks.classification import build_classifier, classifier_tokenizer, load_pretrained
from xldistill.tasks.cls_io import label_ids, read_labels, read_set, train_and_save
from xldistill.training.trainer import seed_everything

TOKENIZER = Path("models/tokenizer")
OUT_MODEL = Path("models/cls-teacher")
METRICS = Path("metrics/cls_teacher.json")


def main() -> None:
    params = load_params()
    cfg = params["classify"]["teacher"]
    labels = read_labels()
    train, dev = read_set("train"), read_set("dev")
    seed_everything(params["seed"])
    if cfg["init"] == "scratch":
        tokenizer = classifier_tokenizer(TOKENIZER, cfg["model"]["max_positions"])
        model = build_classifier(tokenizer, cfg["model"], labels)
    else:
        model, tokenizer = load_pretrained(cfg["init"], labels)
    metrics = train_and_save(model, tokenizer, (train.texts, label_ids(train, labels, "data/cls/train.src.tsv")),
                             (dev.texts, label_ids(dev, labels, "data/cls/dev.src.tsv")), cfg["train"],
                             seed=params["seed"], name="cls-teacher", out_dir=OUT_MODEL)
    metrics["init"] = cfg["init"]
    write_json_atomic(METRICS, metrics)
    print(f"cls_teacher: English dev accuracy {metrics['best_dev_accuracy']} ({metrics['params']:,} parameters)")


if __name__ == "__main__":
    run_stage("cls_teacher", main)
