"""distill stage: the student, trained from the teacher → models/student/.

distill.mode: `seq` trains on the teacher's translations (data/distill, Kim &
Rush 2016) with cross-entropy; `word` on the references with alpha·KD(T) +
(1−alpha)·CE against the teacher's distributions (Hinton et al. 2015);
`seq+word` does both. The temperature T is the top-level `temp` param.
`distill.forward_share` of the lines are the teacher's translations of
source-side monolingual text (data/forward), which the baseline never sees.
Word-level KD reads the teacher's top-k logits from data/logits
(`teacher_logits: stored`, with the uniform tail that stands for the other
tokens; `stored_topk`, the top-k renormalised) or runs the teacher every step
(`live`, needed for the mse loss and hidden-state distillation).
"""

from __future__ import annotations

import sys
from pathlib import Path

from transformers import MarianTokenizer

from xldistill.cli import run_stage
from xldistill.translation.distill import (HiddenProjection, distillation_loss, shrink_from_teacher, size_warning,
                               stored_distillation_loss, student_training_pairs)
from xldistill.errors import ParamsError
from xldistill.translation.logit_store import LogitStore
from xldistill.translation.models import build_marian, load_marian
from xldistill.params import load_params
from xldistill.translation.stage_io import train_and_save
from xldistill.data.textio import write_json_atomic
from xldistill.translation.task import cross_entropy
from xldistill.training.trainer import seed_everything

LOGITS = Path("data/logits")
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
    train_pairs, counts = student_training_pairs(cfg["mode"], cfg["forward_share"])
    hidden = None
    if cfg["hidden"]["weight"] > 0:
        layer_pairs = list(zip(cfg["hidden"]["student_layers"], cfg["hidden"]["teacher_layers"]))
        hidden = HiddenProjection(layer_pairs, student.config.d_model, teacher.config.d_model)
    stored = cfg["mode"] != "seq" and cfg["teacher_logits"] != "live"
    if stored and (hidden is not None or cfg["loss"] != "kl"):
        raise ParamsError("params.yaml: 'distill.teacher_logits' stored holds the teacher's top-k logits only; "
                          "distill.loss mse and distill.hidden need the live teacher (teacher_logits: live)")
    store = LogitStore(LOGITS) if stored else None
    if cfg["mode"] == "seq" and hidden is None:
        loss_fn, frozen = cross_entropy(label_smoothing), ()
    elif stored:
        store.check_matches(tokenizer, train_pairs, cfg["model"]["max_positions"])
        loss_fn, frozen = stored_distillation_loss(store, temperature=temperature, alpha=cfg["alpha"],
                                                   label_smoothing=label_smoothing,
                                                   tail=cfg["teacher_logits"] == "stored"), ()
    else:
        loss_fn = distillation_loss(teacher, kind=cfg["loss"], temperature=temperature, alpha=cfg["alpha"],
                                    label_smoothing=label_smoothing, hidden=hidden,
                                    hidden_weight=cfg["hidden"]["weight"])
        frozen = (teacher,)
    metrics = train_and_save(student, tokenizer, train_pairs, train_cfg=cfg["train"],
                             seed=params["seed"], name="student", out_dir=OUT_MODEL, beam=cfg["beam"],
                             max_length=cfg["max_length"], loss_fn=loss_fn, frozen_modules=frozen,
                             trained_modules=(hidden,) if hidden is not None else (),
                             identity={key: cfg[key] for key in ("mode", "loss", "alpha", "hidden", "init",
                                                                 "teacher_logits")}
                             | {"temp": temperature, "store": store.digest() if stored else None})
    metrics.update(mode=cfg["mode"], temp=temperature, alpha=cfg["alpha"], init=cfg["init"],
                   teacher_logits=(f"{cfg['teacher_logits']} top-{store.meta['k']}" if stored else "live"), training_lines=counts)
    if copied:
        metrics["copied_layers"] = copied
    write_json_atomic(METRICS, metrics)
    print(f"distill: student test BLEU {metrics['test']['bleu']} ({metrics['params']:,} parameters)")


if __name__ == "__main__":
    run_stage("distill", main)
