"""ner_teacher stage: the English tagger → models/ner-teacher/ and metrics/ner_teacher.json.

ner.teacher.init: scratch (a transformer encoder on the pipeline's SentencePiece
vocabulary) or a Hugging Face name / folder fine-tuned through
AutoModelForTokenClassification (labels on first sub-words). Trained on English tags
only, early stopping on English dev entity F1.
"""

from __future__ import annotations

from pathlib import Path

from xldistill.cli import run_stage
from xldistill.data.textio import write_json_atomic
from xldistill.params import load_params
from xldistill.tasks.classification import classifier_tokenizer
from xldistill.tasks.ner_io import as_ids, read_labels, read_set, train_and_save
from xldistill.tasks.tagging import build_tagger, load_pretrained_tagger
from xldistill.training.trainer import seed_everything

TOKENIZER = Path("models/tokenizer")
OUT_MODEL = Path("models/ner-teacher")
METRICS = Path("metrics/ner_teacher.json")


def main() -> None:
    params = load_params()
    cfg = params["ner"]["teacher"]
    labels = read_labels()
    seed_everything(params["seed"])
    if cfg["init"] == "scratch":
        tokenizer = classifier_tokenizer(TOKENIZER, cfg["model"]["max_positions"])
        model = build_tagger(tokenizer, cfg["model"], labels)
    else:
        model, tokenizer = load_pretrained_tagger(cfg["init"], labels)
    metrics = train_and_save(model, tokenizer, labels, as_ids(read_set("train"), labels, "data/ner/train.src.conll"),
                             as_ids(read_set("dev"), labels, "data/ner/dev.src.conll"), cfg["train"],
                             seed=params["seed"], name="ner-teacher", out_dir=OUT_MODEL)
    metrics["init"] = cfg["init"]
    write_json_atomic(METRICS, metrics)
    print(f"ner_teacher: English dev F1 {metrics['best_dev_f1']} ({metrics['params']:,} parameters)")


if __name__ == "__main__":
    run_stage("ner_teacher", main)
