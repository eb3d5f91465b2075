"""Is a difference between two systems on one test set more than that test set's noise? Paired
bootstrap resampling (Koehn 2004, "Statistical significance tests for machine translation
evaluation"; Efron & Tibshirani 1993): draw the test items with replacement, score both systems on
the same draw, and read the difference's spread over many draws.

Every metric here is a corpus score of summed per-item sufficient statistics (BLEU: lengths and
n-gram counts; accuracy: correct and count; entity F1: true positives, predicted and gold
entities), so a draw is scored by summing the drawn rows, exactly as the whole test set is scored,
without re-reading any text."""

from __future__ import annotations

from typing import Callable

import numpy as np

from xldistill.errors import XldistillError

Score = Callable[[np.ndarray], float]  # summed statistics of a set of items → its corpus score


def differences_over_draws(statistics_a: np.ndarray, statistics_b: np.ndarray, score: Score, *, samples: int,
                           seed: int) -> np.ndarray:
    """score(A) − score(B) on each of ``samples`` draws of the test items (with replacement), from the
    two systems' per-item statistics ([items, k] each, rows in the same item order)."""
    if len(statistics_a) != len(statistics_b):
        raise XldistillError(f"paired bootstrap: {len(statistics_a)} items for one system, "
                             f"{len(statistics_b)} for the other")
    draws = np.random.default_rng(seed).integers(0, len(statistics_a), size=(samples, len(statistics_a)))
    return np.array([score(statistics_a[draw].sum(axis=0)) - score(statistics_b[draw].sum(axis=0))
                     for draw in draws])


def summarize(differences: np.ndarray) -> dict:
    """The 2.5 and 97.5 percentiles of bootstrap differences, and the share of draws above 0."""
    low, high = np.percentile(differences, [2.5, 97.5])
    return {"ci95": [round(float(low), 2), round(float(high), 2)],
            "share_a_better": round(float(np.mean(differences > 0)), 4)}


def paired_bootstrap(statistics_a: np.ndarray, statistics_b: np.ndarray, score: Score, *, samples: int, seed: int,
                     metric: str) -> tuple[dict, np.ndarray]:
    """``<metric>_a`` and ``<metric>_b`` on the whole test set (rounded to 2 places, as the evaluate
    stages state them), their difference, its 95 % interval over ``samples`` draws, and the share of
    draws in which A scores higher (Koehn: A is better at the 95 % level when that share is at least
    0.95); and the draws' differences themselves, which average over independent test sets (seeds)
    into the mean's own bootstrap."""
    differences = differences_over_draws(statistics_a, statistics_b, score, samples=samples, seed=seed)
    score_a, score_b = round(score(statistics_a.sum(axis=0)), 2), round(score(statistics_b.sum(axis=0)), 2)
    return ({f"{metric}_a": score_a, f"{metric}_b": score_b, "difference": round(score_a - score_b, 2),
             **summarize(differences)}, differences)
