"""The student's training data, its initialisation and the distillation loss the trainer is given."""

from __future__ import annotations

from pathlib import Path

import torch
from transformers import MarianMTModel

from xldistill.training import losses
from xldistill.errors import XldistillError
from xldistill.translation.logit_store import LogitStore
from xldistill.translation.models import count_parameters
from xldistill.translation.stage_io import read_split
from xldistill.training.trainer import LossFn

AUGMENTED = Path("data/augmented")  # the references (plus back-translations): word-level KD and the baseline
DISTILL = Path("data/distill")      # the teacher's translations of the same sources: sequence-level KD
FORWARD = Path("data/forward")      # the teacher's translations of source-side monolingual text


def forward_lines(n_parallel: int, n_available: int, share: float) -> int:
    """Forward-translated lines so that they make up ``share`` of the student's data, at most all there are."""
    return min(n_available, round(n_parallel * share / (1 - share)))


def student_training_pairs(mode: str, forward_share: float) -> tuple[tuple[list, list], dict]:
    """The student's training pairs: the parallel data (references for `word`, the
    teacher's translations for `seq` and `seq+word`) followed by the forward-translated
    monolingual text. The teacher_logits stage and the distill stage both call this,
    so that the store and the student see the same lines in the same order."""
    src, tgt = read_split(DISTILL if mode in ("seq", "seq+word") else AUGMENTED, "train")
    forward_src, forward_tgt = read_split(FORWARD, "train") if forward_share > 0 else ([], [])
    n_forward = forward_lines(len(src), len(forward_src), forward_share)
    counts = {"parallel": len(src), "forward_translated": n_forward, "forward_available": len(forward_src)}
    return (src + forward_src[:n_forward], tgt + forward_tgt[:n_forward]), counts


def size_warning(student: MarianMTModel, teacher: MarianMTModel) -> str | None:
    """A student that is not smaller than its teacher is allowed (a user may want
    self-distillation) but almost always a mistake in params.yaml."""
    n_student, n_teacher = count_parameters(student), count_parameters(teacher)
    if n_student < n_teacher:
        return None
    return (f"warning: the student ({n_student:,} parameters, distill.model) is not smaller than "
            f"the teacher ({n_teacher:,}, teacher.model)")


def every_kth_layer(n_teacher: int, n_student: int) -> list[int]:
    """Teacher layers a student of ``n_student`` layers copies: every k-th,
    k = n_teacher / n_student, ending at the teacher's last layer."""
    if n_student > n_teacher:
        raise XldistillError(f"a student with {n_student} layers cannot copy from a teacher with {n_teacher}")
    step = n_teacher / n_student
    return [round((i + 1) * step) - 1 for i in range(n_student)]


def shrink_from_teacher(student: MarianMTModel, teacher: MarianMTModel) -> dict:
    """"Shrink and fine-tune" (Shleifer & Rush 2020): copy the embeddings and
    every k-th encoder and decoder layer of the teacher. Needs equal widths."""
    if student.config.d_model != teacher.config.d_model:
        raise XldistillError(f"distill.init: teacher needs distill.model.d_model == teacher width "
                             f"({teacher.config.d_model}), got {student.config.d_model}; use init: scratch")
    if student.config.vocab_size != teacher.config.vocab_size:
        raise XldistillError("distill.init: teacher and student vocabularies differ")
    student.model.shared.load_state_dict(teacher.model.shared.state_dict())
    student.final_logits_bias.copy_(teacher.final_logits_bias)
    copied = {}
    for part in ("encoder", "decoder"):
        student_layers = getattr(student.model, part).layers
        teacher_layers = getattr(teacher.model, part).layers
        chosen = every_kth_layer(len(teacher_layers), len(student_layers))
        for i, j in enumerate(chosen):
            student_layers[i].load_state_dict(teacher_layers[j].state_dict())
        copied[part] = chosen
    return copied


class HiddenProjection(torch.nn.Module):
    """Learned maps from chosen student decoder layers to teacher decoder layers."""

    def __init__(self, pairs: list[tuple[int, int]], student_width: int, teacher_width: int):
        super().__init__()
        self.pairs = pairs
        self.maps = torch.nn.ModuleList(
            torch.nn.Linear(student_width, teacher_width, bias=False) if student_width != teacher_width
            else torch.nn.Identity() for _ in pairs)


def stored_distillation_loss(store: LogitStore, *, temperature: float, alpha: float,
                             label_smoothing: float, tail: bool = True) -> LossFn:
    """alpha·KD + (1−alpha)·CE with KD against the stored top-k teacher logits (and,
    with ``tail``, the uniform tail that stands for the rest): one student forward
    per step, no teacher."""

    def loss_fn(model: MarianMTModel, batch: dict) -> torch.Tensor:
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                       decoder_input_ids=batch["decoder_input_ids"]).logits
        labels = batch["labels"]
        top_ids, top_logits, tail_logit = store.lookup(batch["index"], labels.shape[1], labels.device)
        return losses.stored_word_kd(logits, top_ids, top_logits, labels, temperature=temperature, alpha=alpha,
                                     label_smoothing=label_smoothing, teacher_tail_logit=tail_logit if tail else None)

    return loss_fn


def distillation_loss(teacher: MarianMTModel, *, kind: str, temperature: float, alpha: float,
                      label_smoothing: float, hidden: HiddenProjection | None = None,
                      hidden_weight: float = 0.0) -> LossFn:
    """alpha·KD + (1−alpha)·CE on the batch's targets (references, or the
    teacher's own translations in sequence-level KD), plus an optional
    hidden-state MSE term. The teacher runs frozen, in eval mode."""
    teacher.eval()
    for parameter in teacher.parameters():
        parameter.requires_grad_(False)

    def loss_fn(model: MarianMTModel, batch: dict) -> torch.Tensor:
        inputs = dict(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                      decoder_input_ids=batch["decoder_input_ids"], output_hidden_states=hidden is not None)
        student_out = model(**inputs)
        with torch.no_grad():
            teacher_out = teacher(**inputs)
        labels = batch["labels"]
        if kind == "kl":
            loss = losses.word_kd(student_out.logits, teacher_out.logits, labels, temperature=temperature,
                                  alpha=alpha, label_smoothing=label_smoothing)
        else:
            kd = losses.softmax_mse(student_out.logits, teacher_out.logits, labels, temperature)
            loss = alpha * kd + (1 - alpha) * losses.cross_entropy(student_out.logits, labels, label_smoothing)
        if hidden is not None and hidden_weight > 0:
            mask = labels != losses.IGNORE
            for (s_layer, t_layer), projection in zip(hidden.pairs, hidden.maps):
                loss = loss + hidden_weight * losses.hidden_mse(
                    student_out.decoder_hidden_states[s_layer], teacher_out.decoder_hidden_states[t_layer],
                    mask, projection)
        return loss

    return loss_fn
