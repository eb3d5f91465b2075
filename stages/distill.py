"""distill stage: the student, trained from the teacher → models/student/.

distill.mode: `seq` trains on the teacher's translations (data/distill, Kim &
Rush 2016) with cross-entropy; `word` on the references with alpha·KD(T) +
(1−alpha)·CE against the teacher's distributions (Hinton et al. 2015);
`seq+word` does both. The temperature T is the top-level `temp` param.
"""

from __future__ import annotations

import sys
from pathlib import Path

from transformers import MarianTokenizer

from xldistill.cli import run_stage
from xldistill.distill import HiddenProjection, distillation_loss, shrink_from_teacher, size_warning
from xldistill.models import build_marian, load_marian
from xldistill.params import load_params
from xldistill.stage_io import read_split, train_and_save
from xldistill.textio import write_json_atomic
from xldistill.trainer import cross_entropy, seed_everything

AUGMENTED = Path("data/augmented")
DISTILL = Path("data/distill")
TOKENIZER = Path("models/tokenizer")
TEACHER = Path("models/teacher")
OUT_MODEL = Path("models/student")
METRICS = Path("metrics/distill.json")


def main() -> None:
    params = load_params()
    cfg, temperature = params["distill"], params["temp"]
    seed_everything(params["seed"])
    tokenizer = MarianTokenizer.from_pretrained(str(TOKENIZER))
    teacher = load_marian(TEACHER)
    student = build_marian(tokenizer, cfg["model"], max_positions=cfg["model"]["max_positions"])
    warning = size_warning(student, teacher)
    if warning:
        print(f"distill: {warning}", file=sys.stderr)
    copied = shrink_from_teacher(student, teacher) if cfg["init"] == "teacher" else None

    label_smoothing = cfg["train"]["label_smoothing"]
    hidden = None
    if cfg["hidden"]["weight"] > 0:
        pairs = list(zip(cfg["hidden"]["student_layers"], cfg["hidden"]["teacher_layers"]))
        hidden = HiddenProjection(pairs, student.config.d_model, teacher.config.d_model)
    if cfg["mode"] == "seq" and hidden is None:
        loss_fn, frozen = cross_entropy(label_smoothing), ()
    else:
        loss_fn = distillation_loss(teacher, kind=cfg["loss"], temperature=temperature, alpha=cfg["alpha"],
                                    label_smoothing=label_smoothing, hidden=hidden,
                                    hidden_weight=cfg["hidden"]["weight"])
        frozen = (teacher,)
    data = DISTILL if cfg["mode"] in ("seq", "seq+word") else AUGMENTED
    metrics = train_and_save(student, tokenizer, read_split(data, "train"), train_cfg=cfg["train"],
                             seed=params["seed"], name="student", out_dir=OUT_MODEL, beam=cfg["beam"],
                             max_length=cfg["max_length"], loss_fn=loss_fn, frozen_modules=frozen,
                             trained_modules=(hidden,) if hidden is not None else (),
                             identity={key: cfg[key] for key in ("mode", "loss", "alpha", "hidden", "init")}
                             | {"temp": temperature})
    metrics.update(mode=cfg["mode"], temp=temperature, alpha=cfg["alpha"], init=cfg["init"])
    if copied:
        metrics["copied_layers"] = copied
    write_json_atomic(METRICS, metrics)
    print(f"distill: student test BLEU {metrics['test']['bleu']} ({metrics['params']:,} parameters)")


if __name__ == "__main__":
    run_stage("distill", main)
