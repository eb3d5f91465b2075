"""Is a BLEU difference between two systems more than the test set's noise? Paired bootstrap
resampling over test sentences (Koehn 2004, "Statistical significance tests for machine translation
evaluation"): draw the test set's sentences with replacement, score both systems on the same draw,
and read the difference's spread over many draws.

Each draw is scored from sacrebleu's sufficient statistics (lengths, n-gram matches and totals per
sentence), summed over the drawn sentences: that is corpus BLEU of the draw, exactly as sacrebleu
scores a whole test set, without tokenizing anything again."""

from __future__ import annotations

import numpy as np
from sacrebleu.metrics import BLEU

from xldistill.errors import XldistillError

ORDER = 4  # sacrebleu's default n-gram order
SMOOTH = "exp"  # sacrebleu's default smoothing for corpus BLEU


def sentence_statistics(hypotheses: list[str], references: list[str]) -> np.ndarray:
    """[sentences, 2 + 2·ORDER]: hypothesis length, reference length, n-gram matches, n-gram totals.
    Summed over any set of sentences they give that set's corpus BLEU."""
    if len(hypotheses) != len(references):
        raise XldistillError(f"{len(hypotheses)} hypotheses for {len(references)} references")
    bleu = BLEU(effective_order=True)  # only the per-sentence score uses it, not the statistics
    rows = []
    for hypothesis, reference in zip(hypotheses, references):
        scored = bleu.sentence_score(hypothesis, [reference])
        rows.append([scored.sys_len, scored.ref_len, *scored.counts, *scored.totals])
    return np.asarray(rows, dtype=np.int64).reshape(len(rows), 2 + 2 * ORDER)


def bleu_of(statistics: np.ndarray) -> float:
    """Corpus BLEU of summed sentence statistics."""
    return BLEU.compute_bleu(correct=statistics[2:2 + ORDER].tolist(), total=statistics[2 + ORDER:].tolist(),
                             sys_len=int(statistics[0]), ref_len=int(statistics[1]),
                             smooth_method=SMOOTH).score


def differences_over_draws(statistics_a: np.ndarray, statistics_b: np.ndarray, *, samples: int,
                           seed: int) -> np.ndarray:
    """BLEU(A) − BLEU(B) on each of ``samples`` draws of the test sentences (with replacement), from the
    two systems' sentence statistics."""
    draws = np.random.default_rng(seed).integers(0, len(statistics_a), size=(samples, len(statistics_a)))
    return np.array([bleu_of(statistics_a[draw].sum(axis=0)) - bleu_of(statistics_b[draw].sum(axis=0))
                     for draw in draws])


def summarize(differences: np.ndarray) -> dict:
    """The 2.5 and 97.5 percentiles of bootstrap differences, and the share of draws above 0."""
    low, high = np.percentile(differences, [2.5, 97.5])
    return {"ci95": [round(float(low), 2), round(float(high), 2)],
            "share_a_better": round(float(np.mean(differences > 0)), 4)}


def paired_bootstrap(hypotheses_a: list[str], hypotheses_b: list[str], references: list[str], *,
                     samples: int, seed: int) -> tuple[dict, np.ndarray]:
    """BLEU of A and of B on the whole test set, A − B, the 2.5 and 97.5 percentiles of A − B over
    ``samples`` draws, and the share of draws in which A scores higher than B (Koehn: A is better at
    the 95 % level when that share is at least 0.95); and the draws' differences themselves, which
    average over independent test sets (seeds) into the mean's own bootstrap."""
    a, b = sentence_statistics(hypotheses_a, references), sentence_statistics(hypotheses_b, references)
    differences = differences_over_draws(a, b, samples=samples, seed=seed)
    bleu_a, bleu_b = round(bleu_of(a.sum(axis=0)), 2), round(bleu_of(b.sum(axis=0)), 2)
    # the difference of the rounded scores, as metrics/evaluate.json states it
    return ({"bleu_a": bleu_a, "bleu_b": bleu_b, "difference": round(bleu_a - bleu_b, 2), **summarize(differences)},
            differences)
