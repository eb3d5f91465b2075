"""Knowledge-distillation losses as pure functions of logits / hidden states.

Shapes: logits [batch, length, vocab]; labels [batch, length] with -100 on
padding; hidden states [batch, length, width]. Every loss averages over the
non-pad target positions only, so padding never dilutes or adds to it.
"""

from __future__ import annotations

import math

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


def topk_kl_divergence(student_logits: torch.Tensor, teacher_top_ids: torch.Tensor,
                       teacher_top_logits: torch.Tensor, labels: torch.Tensor, temperature: float,
                       teacher_tail_logit: torch.Tensor | None = None) -> torch.Tensor:
    """Word-level KD against a stored teacher: its top-k logits ([batch, length, k] ids
    and values) and, optionally, one logit that stands for each of the other V − k
    tokens ([batch, length]; the uniform tail that reproduces their total mass at T = 1):

        KD = T² · (1/N) Σ_positions Σ_v q_t(v) · (log q_t(v) − log p_s(v)),  p_s = softmax(s / T),
        q_t = softmax over the k logits / T, and the tail logit / T for each other token;
        without a tail logit, q_t is the top-k renormalised (the tail gets no mass).

    With k = V both are ``kl_divergence`` exactly. Why the tail: a teacher trained
    with label smoothing spreads about 10 % of its mass over the whole vocabulary,
    and at T = 2 that tail outweighs its top 8; renormalised top-k then teaches
    the student a much sharper distribution than the teacher's."""
    mask = _positions(labels)
    log_p_s = F.log_softmax(student_logits[mask].float() / temperature, dim=-1)
    tail = teacher_tail_logit[mask] if teacher_tail_logit is not None else None
    log_p_s_sum = log_p_s.sum(-1) if tail is not None else None
    per_position = _topk_kl_per_position(log_p_s.gather(-1, teacher_top_ids[mask]), log_p_s_sum, log_p_s.shape[-1],
                                         teacher_top_logits[mask], tail, temperature)
    return per_position.mean() * temperature ** 2


def _topk_kl_per_position(log_p_s_top: torch.Tensor, log_p_s_sum: torch.Tensor | None, vocab_size: int,
                          teacher_top_logits: torch.Tensor, teacher_tail_logit: torch.Tensor | None,
                          temperature: float) -> torch.Tensor:
    """``topk_kl_divergence`` per position ([N]) from what it needs of the student: its
    log-probabilities of the teacher's top k ([N, k]) and, for the tail, their sum over
    the whole vocabulary ([N])."""
    top = teacher_top_logits.float() / temperature
    n_tail = vocab_size - top.shape[-1]
    if teacher_tail_logit is None or n_tail == 0:
        log_q_top = F.log_softmax(top, dim=-1)
        return (log_q_top.exp() * (log_q_top - log_p_s_top)).sum(-1)
    log_n_tail = math.log(n_tail)
    tail = teacher_tail_logit.float() / temperature
    # normaliser over the k logits and n_tail copies of the tail logit
    log_z = torch.logsumexp(torch.cat([top, tail[:, None] + log_n_tail], dim=-1), dim=-1, keepdim=True)
    log_q_top = top - log_z
    log_q_each_tail = tail - log_z[:, 0]
    mean_log_p_s_tail = (log_p_s_sum - log_p_s_top.sum(-1)) / n_tail
    return ((log_q_top.exp() * (log_q_top - log_p_s_top)).sum(-1)
            + n_tail * log_q_each_tail.exp() * (log_q_each_tail - mean_log_p_s_tail))


def stored_word_kd(student_logits: torch.Tensor, teacher_top_ids: torch.Tensor, teacher_top_logits: torch.Tensor,
                   labels: torch.Tensor, *, temperature: float, alpha: float, label_smoothing: float = 0.0,
                   teacher_tail_logit: torch.Tensor | None = None) -> torch.Tensor:
    """loss = alpha · KD + (1 − alpha) · CE(reference), KD as in ``topk_kl_divergence``.

    Each log-softmax over the vocabulary is taken once, over the unmasked logits, and
    only the gathered values and per-position sums are masked: a masked copy of the
    logits for each term made the stored-KD step 1.41× a plain step on Multi30k's
    4,000-token vocabulary (bench/stored_kd_cost.py). At T = 1 both terms read the same
    log-probabilities, so they share one log-softmax and one gather (reference and top k);
    at any other T, KD takes a second log-softmax over s / T.
    CE with label smoothing ε is PyTorch's: −(1 − ε)·log p(y) − (ε / V)·Σ_v log p(v)."""
    mask = _positions(labels).flatten()
    logits = student_logits.flatten(0, 1).float()
    vocab_size = logits.shape[-1]
    reference = labels.clamp(min=0).flatten()[:, None]
    top_ids = teacher_top_ids.flatten(0, 1)
    tail = teacher_tail_logit.flatten()[mask] if teacher_tail_logit is not None else None
    shared = temperature == 1.0
    log_p = F.log_softmax(logits, dim=-1) if alpha < 1 or shared else None
    log_p_kd = log_p if shared else F.log_softmax(logits / temperature, dim=-1) if alpha > 0 else None
    if shared:
        picked = log_p.gather(-1, torch.cat([reference, top_ids], dim=-1))[mask]
        log_p_reference, log_p_top = picked[:, 0], picked[:, 1:]
    else:
        log_p_reference = log_p.gather(-1, reference)[mask][:, 0] if log_p is not None else None
        log_p_top = log_p_kd.gather(-1, top_ids)[mask] if log_p_kd is not None else None
    # Σ_v log p(v): smoothed CE needs it, and at T = 1 the tail term too
    log_p_sum = log_p.sum(-1)[mask] if (alpha < 1 and label_smoothing > 0) or (shared and tail is not None) else None
    if alpha > 0:
        log_p_kd_sum = log_p_sum if shared else log_p_kd.sum(-1)[mask] if tail is not None else None
        kd = _topk_kl_per_position(log_p_top, log_p_kd_sum, vocab_size, teacher_top_logits.flatten(0, 1)[mask],
                                   tail, temperature).mean() * temperature ** 2
        if alpha == 1.0:
            return kd
    ce_per_position = -(1 - label_smoothing) * log_p_reference
    if label_smoothing > 0:
        ce_per_position = ce_per_position - label_smoothing / vocab_size * log_p_sum
    if alpha == 0.0:
        return ce_per_position.mean()
    return alpha * kd + (1 - alpha) * ce_per_position.mean()


def with_cross_entropy(kd: torch.Tensor, student_logits: torch.Tensor, labels: torch.Tensor, *,
                       alpha: float, label_smoothing: float = 0.0) -> torch.Tensor:
    """loss = alpha · KD + (1 − alpha) · CE(reference)."""
    if alpha == 1.0:
        return kd
    return alpha * kd + (1 - alpha) * cross_entropy(student_logits, labels, label_smoothing)


def word_kd(student_logits: torch.Tensor, teacher_logits: torch.Tensor, labels: torch.Tensor, *,
            temperature: float, alpha: float, label_smoothing: float = 0.0) -> torch.Tensor:
    """loss = alpha · KD + (1 − alpha) · CE(reference)."""
    kd = kl_divergence(student_logits, teacher_logits, labels, temperature)
    return with_cross_entropy(kd, student_logits, labels, alpha=alpha, label_smoothing=label_smoothing)


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
