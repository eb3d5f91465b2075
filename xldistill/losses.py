"""Knowledge-distillation losses as pure functions of logits / hidden states.

Shapes: logits [batch, length, vocab]; labels [batch, length] with -100 on
padding; hidden states [batch, length, width]. Every loss averages over the
non-pad target positions only, so padding never dilutes or adds to it.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

IGNORE = -100


def _positions(labels: torch.Tensor) -> torch.Tensor:
    return labels != IGNORE


def cross_entropy(student_logits: torch.Tensor, labels: torch.Tensor, label_smoothing: float = 0.0) -> torch.Tensor:
    """CE = −(1/N) Σ_positions log p_s(y) over the N non-pad positions."""
    return F.cross_entropy(student_logits.flatten(0, 1).float(), labels.flatten(),
                           ignore_index=IGNORE, label_smoothing=label_smoothing)


def kl_divergence(student_logits: torch.Tensor, teacher_logits: torch.Tensor, labels: torch.Tensor,
                  temperature: float) -> torch.Tensor:
    """Word-level KD (Hinton et al. 2015):

        KD = T² · (1/N) Σ_positions Σ_v p_t(v) · (log p_t(v) − log p_s(v)),
        p_t = softmax(t / T),  p_s = softmax(s / T).

    The T² keeps the gradient scale comparable across temperatures."""
    mask = _positions(labels)
    log_p_s = F.log_softmax(student_logits[mask].float() / temperature, dim=-1)
    log_p_t = F.log_softmax(teacher_logits[mask].float() / temperature, dim=-1)
    per_position = (log_p_t.exp() * (log_p_t - log_p_s)).sum(-1)
    return per_position.mean() * temperature ** 2


def word_kd(student_logits: torch.Tensor, teacher_logits: torch.Tensor, labels: torch.Tensor, *,
            temperature: float, alpha: float, label_smoothing: float = 0.0) -> torch.Tensor:
    """loss = alpha · KD + (1 − alpha) · CE(reference)."""
    kd = kl_divergence(student_logits, teacher_logits, labels, temperature)
    if alpha == 1.0:
        return kd
    return alpha * kd + (1 - alpha) * cross_entropy(student_logits, labels, label_smoothing)


def softmax_mse(student_logits: torch.Tensor, teacher_logits: torch.Tensor, labels: torch.Tensor,
                temperature: float) -> torch.Tensor:
    """MSE between the softmax distributions:

        (1/N) Σ_positions (1/V) Σ_v (softmax(s/T)(v) − softmax(t/T)(v))²."""
    mask = _positions(labels)
    p_s = F.softmax(student_logits[mask].float() / temperature, dim=-1)
    p_t = F.softmax(teacher_logits[mask].float() / temperature, dim=-1)
    return ((p_s - p_t) ** 2).mean()


def hidden_mse(student_hidden: torch.Tensor, teacher_hidden: torch.Tensor, mask: torch.Tensor,
               projection: torch.nn.Module | None = None) -> torch.Tensor:
    """Hidden-state MSE through a learned projection W (identity when widths match):

        (1/N) Σ_positions (1/D) ‖W·h_s − h_t‖²   over the N positions where mask is true."""
    projected = projection(student_hidden) if projection is not None else student_hidden
    return ((projected[mask].float() - teacher_hidden[mask].float()) ** 2).mean()
