"""Each KD loss against a value computed by hand (plain math, no torch)."""

import math

import pytest
import torch

from xldistill.training.losses import cross_entropy, hidden_mse, kl_divergence, softmax_mse, word_kd

STUDENT = [1.0, 2.0, 3.0]
TEACHER = [3.0, 2.0, 1.0]
GARBAGE = [50.0, -20.0, 7.0]  # logits at a padded position: must not count


def softmax(xs, t=1.0):
    exps = [math.exp(x / t) for x in xs]
    return [e / sum(exps) for e in exps]


def logits(*rows):
    return torch.tensor([rows], dtype=torch.float32)  # [1, positions, vocab]


def kl_by_hand(s, t, temperature):
    p_t, p_s = softmax(t, temperature), softmax(s, temperature)
    return sum(pt * (math.log(pt) - math.log(ps)) for pt, ps in zip(p_t, p_s))


LABELS = torch.tensor([[2, 0, -100]])  # two real positions, one pad


def test_kl_divergence_with_temperature_squared_and_padding_mask():
    s = logits(STUDENT, TEACHER, GARBAGE)
    t = logits(TEACHER, TEACHER, STUDENT)
    for temperature in (1.0, 2.0, 4.0):
        # position 1: student == teacher, so its divergence is 0; position 2 is padding
        expected = temperature ** 2 * (kl_by_hand(STUDENT, TEACHER, temperature)
                                       + kl_by_hand(TEACHER, TEACHER, temperature)) / 2
        assert kl_divergence(s, t, LABELS, temperature).item() == pytest.approx(expected, rel=1e-5)
    # T² scaling: the unscaled divergence shrinks as T grows, the loss is rescaled by T²
    assert kl_by_hand(STUDENT, TEACHER, 4.0) < kl_by_hand(STUDENT, TEACHER, 1.0)


def test_word_kd_mixes_kd_and_cross_entropy_by_alpha():
    s = logits(STUDENT, TEACHER, GARBAGE)
    t = logits(TEACHER, TEACHER, STUDENT)
    kd = 4.0 * kl_by_hand(STUDENT, TEACHER, 2.0) / 2
    ce = -(math.log(softmax(STUDENT)[2]) + math.log(softmax(TEACHER)[0])) / 2
    for alpha in (0.0, 0.3, 1.0):
        got = word_kd(s, t, LABELS, temperature=2.0, alpha=alpha).item()
        assert got == pytest.approx(alpha * kd + (1 - alpha) * ce, rel=1e-5)
    assert cross_entropy(s, LABELS).item() == pytest.approx(ce, rel=1e-5)


def test_softmax_mse():
    s = logits(STUDENT, GARBAGE)
    t = logits(TEACHER, STUDENT)
    labels = torch.tensor([[1, -100]])
    p_s, p_t = softmax(STUDENT, 2.0), softmax(TEACHER, 2.0)
    expected = sum((a - b) ** 2 for a, b in zip(p_s, p_t)) / 3
    assert softmax_mse(s, t, labels, 2.0).item() == pytest.approx(expected, rel=1e-5)


def test_hidden_mse_through_a_projection_and_mask():
    student = torch.tensor([[[1.0, 2.0], [9.0, 9.0]]])  # width 2, second position padded
    teacher = torch.tensor([[[1.0, 0.0, 4.0], [0.0, 0.0, 0.0]]])  # width 3
    projection = torch.nn.Linear(2, 3, bias=False)
    with torch.no_grad():
        projection.weight.copy_(torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]))
    mask = torch.tensor([[True, False]])
    # W·h = [1, 2, 3]; differences to [1, 0, 4] are [0, 2, -1] → (0 + 4 + 1) / 3
    assert hidden_mse(student, teacher, mask, projection).item() == pytest.approx(5 / 3)
    same_width = torch.tensor([[[1.0, 0.0, 4.0]]])
    assert hidden_mse(same_width, teacher[:, :1], torch.tensor([[True]])).item() == 0.0


def test_topk_kd_with_every_token_is_full_kd():
    from xldistill.training.losses import topk_kl_divergence

    s = logits(STUDENT, TEACHER, GARBAGE)
    t = logits(TEACHER, STUDENT, STUDENT)
    values, ids = t.topk(3, dim=-1)
    for temperature in (1.0, 2.0):
        full = kl_divergence(s, t, LABELS, temperature)
        assert topk_kl_divergence(s, ids, values, LABELS, temperature).item() == pytest.approx(full.item(), rel=1e-5)


def test_topk_kd_renormalised_and_with_a_uniform_tail_by_hand():
    from xldistill.training.losses import topk_kl_divergence

    student, teacher = [1.0, 0.5, -1.0, 2.0], [4.0, 1.0, 0.0, 0.0]  # the teacher's two-token tail is uniform
    s, t = logits(student), logits(teacher)
    labels = torch.tensor([[0]])
    values, ids = t.topk(2, dim=-1)  # tokens 0 and 1
    temperature = 2.0
    p_s = softmax(student, temperature)
    # renormalised: the top 2 only
    q = softmax(teacher[:2], temperature)
    renormalised = temperature ** 2 * sum(qv * (math.log(qv) - math.log(p_s[v])) for v, qv in enumerate(q))
    assert topk_kl_divergence(s, ids, values, labels, temperature).item() == pytest.approx(renormalised, rel=1e-5)
    # with the tail logit (here exactly 0.0, the tail being uniform) it is the full divergence
    tail = torch.tensor([[0.0]])
    full = temperature ** 2 * kl_by_hand(student, teacher, temperature)
    got = topk_kl_divergence(s, ids, values, labels, temperature, tail).item()
    assert got == pytest.approx(full, rel=1e-5)
    assert abs(renormalised - full) > 0.01  # the tail matters


@pytest.mark.parametrize("temperature", [1.0, 2.0])
@pytest.mark.parametrize("with_tail", [False, True])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
def test_stored_word_kd_equals_its_two_terms_in_value_and_gradient(temperature, with_tail, label_smoothing):
    """stored_word_kd takes each log-softmax once over the unmasked logits (one, shared, at
    T = 1); its value and gradient must be those of KD and CE computed apart, for every
    mix from CE alone to KD alone, with padding, smoothing and the tail."""
    from xldistill.training.losses import stored_word_kd, topk_kl_divergence, with_cross_entropy

    generator = torch.Generator().manual_seed(0)
    student = torch.randn(3, 5, 11, generator=generator) * 3
    teacher = torch.randn(3, 5, 11, generator=generator) * 3
    labels = torch.randint(0, 11, (3, 5), generator=generator)
    labels[0, 3:] = labels[2, 1:] = -100  # padded positions, whose garbage logits must not count
    student[0, 3:] = student[2, 1:] = 40.0
    values, ids = teacher.topk(4, dim=-1)
    tail = torch.randn(3, 5, generator=generator) if with_tail else None
    for alpha in (0.0, 0.25, 0.5, 1.0):
        apart_logits = student.clone().requires_grad_()
        kd = topk_kl_divergence(apart_logits, ids, values, labels, temperature, tail)
        apart = with_cross_entropy(kd, apart_logits, labels, alpha=alpha, label_smoothing=label_smoothing)
        apart.backward()
        together_logits = student.clone().requires_grad_()
        together = stored_word_kd(together_logits, ids, values, labels, temperature=temperature, alpha=alpha,
                                  label_smoothing=label_smoothing, teacher_tail_logit=tail)
        together.backward()
        assert together.item() == pytest.approx(apart.item(), rel=1e-5)
        torch.testing.assert_close(together_logits.grad, apart_logits.grad, rtol=1e-5, atol=1e-7)
        assert together_logits.grad[0, 3:].abs().sum() == 0  # padding gets no gradient
