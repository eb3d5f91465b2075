"""Is a BLEU difference between two systems more than the test set's noise? Paired bootstrap
resampling over test sentences (xldistill.bootstrap, Koehn 2004).

Each draw is scored from sacrebleu's sufficient statistics (lengths, n-gram matches and totals per
sentence), summed over the drawn sentences: that is corpus BLEU of the draw, exactly as sacrebleu
scores a whole test set, without tokenizing anything again."""

from __future__ import annotations

import numpy as np
from sacrebleu.metrics import BLEU

from xldistill import bootstrap
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


def paired_bootstrap(hypotheses_a: list[str], hypotheses_b: list[str], references: list[str], *,
                     samples: int, seed: int) -> tuple[dict, np.ndarray]:
    """BLEU of A and of B on the whole test set, A − B, its 95 % interval over ``samples`` draws of
    the test sentences and the share of draws in which A scores higher (xldistill.bootstrap); and
    the draws' differences."""
    return bootstrap.paired_bootstrap(sentence_statistics(hypotheses_a, references),
                                      sentence_statistics(hypotheses_b, references), bleu_of,
                                      samples=samples, seed=seed, metric="bleu")
