"""Rule filters for parallel and monolingual text, on pandas columns.

Each rule returns a boolean Series "remove this line". ``clean_parallel`` runs
the enabled rules in order over the lines still kept and counts every removed
line under the first rule that removed it. Texts are NFC-normalized and
whitespace-collapsed first; the control-character check looks at the raw text.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from functools import lru_cache

import numpy as np
import pandas as pd

from xldistill.data.textio import dedup_key, normalize

RULE_ORDER = ("empty", "markup", "length", "long_token", "ratio", "identical", "langid",
              "alignment", "duplicates")
MONO_RULES = ("empty", "markup", "length", "long_token", "langid", "duplicates")

MARKUP = re.compile(r"<\s*/?\s*[A-Za-z][^<>]*>|&[A-Za-z]+;|&#\d+;|https?://|www\.[\w-]+\.\w", re.ASCII)
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\ufffd]"
WORD = re.compile(r"\w+")


def normalized(series: pd.Series) -> pd.Series:
    return series.map(normalize).astype(object)


def word_counts(series: pd.Series) -> pd.Series:
    return series.str.count(r"\S+")


# --- per-side rules ------------------------------------------------------------

def rule_empty(text: pd.Series) -> pd.Series:
    return text.str.len() == 0


def rule_markup(text: pd.Series, raw: pd.Series) -> pd.Series:
    return text.str.contains(MARKUP) | raw.str.contains(CONTROL, regex=True)


def rule_length(text: pd.Series, cfg: dict) -> pd.Series:
    words = word_counts(text)
    return (words < cfg["min_words"]) | (words > cfg["max_words"])


def rule_long_token(text: pd.Series, cfg: dict) -> pd.Series:
    return text.str.contains(r"\S{%d,}" % (cfg["max_chars"] + 1), regex=True)


@lru_cache(maxsize=8)
def _language_identifier(candidates: tuple):
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(candidates))
    return identifier


def rule_langid(text: pd.Series, lang: str, cfg: dict) -> pd.Series:
    """A confident verdict of another language among the candidates removes a line;
    short lines where the detector hesitates are kept."""
    identifier = _language_identifier(tuple(sorted(set(cfg["candidates"]) | {lang})))
    threshold = cfg["min_confidence"]

    def wrong(sentence: str) -> bool:
        detected, confidence = identifier.classify(sentence)
        return detected != lang and confidence >= threshold

    return text.map(wrong).astype(bool)


# --- pair rules --------------------------------------------------------------------

def rule_ratio(src: pd.Series, tgt: pd.Series, cfg: dict) -> pd.Series:
    a, b = src.str.len().astype(float), tgt.str.len().astype(float)
    longer, shorter = np.maximum(a, b), np.maximum(np.minimum(a, b), 1.0)
    return pd.Series(longer / shorter > cfg["max_ratio"], index=src.index)


def rule_identical(src: pd.Series, tgt: pd.Series) -> pd.Series:
    return src.map(dedup_key) == tgt.map(dedup_key)


def rule_duplicates(src: pd.Series, tgt: pd.Series | None, cfg: dict) -> pd.Series:
    """Later copies of an earlier (source, target) pair, exact or folded."""
    key = src.map(dedup_key) if cfg["normalized"] else src
    if tgt is not None:
        key = key + "\t" + (tgt.map(dedup_key) if cfg["normalized"] else tgt)
    return key.duplicated(keep="first")


def _tokens(text: str) -> set:
    return set(WORD.findall(text.casefold()))


def learn_dictionary(src: pd.Series, tgt: pd.Series, *, min_count: int, top_k: int = 4) -> dict:
    """A word translation table from co-occurrence: for each source word the
    ``top_k`` target words with the highest Dice coefficient 2·c(s,t)/(c(s)+c(t))."""
    src_counts, tgt_counts, joint = Counter(), Counter(), Counter()
    for s, t in zip(src, tgt):
        s_tokens, t_tokens = _tokens(s), _tokens(t)
        src_counts.update(s_tokens)
        tgt_counts.update(t_tokens)
        joint.update((a, b) for a in s_tokens for b in t_tokens)
    candidates: dict[str, list] = {}
    for (a, b), count in joint.items():
        if count >= min_count and src_counts[a] >= min_count and tgt_counts[b] >= min_count:
            candidates.setdefault(a, []).append((2 * count / (src_counts[a] + tgt_counts[b]), b))
    return {a: {b for _, b in sorted(options, reverse=True)[:top_k]} for a, options in candidates.items()}


def alignment_score(src: str, tgt: str, forward: dict, backward: dict) -> float:
    """Mean over both directions of the share of known words whose translation
    (or the word itself: names, numbers) occurs on the other side."""
    s_tokens, t_tokens = _tokens(src), _tokens(tgt)

    def coverage(tokens, other, table):
        known = matched = 0
        for token in tokens:
            if token in other:
                known += 1
                matched += 1
            elif token in table:
                known += 1
                matched += bool(table[token] & other)
        return matched / known if known else 1.0

    return (coverage(s_tokens, t_tokens, forward) + coverage(t_tokens, s_tokens, backward)) / 2


def rule_alignment(src: pd.Series, tgt: pd.Series, cfg: dict, seed: int) -> pd.Series:
    sample = list(range(len(src)))
    random.Random(seed).shuffle(sample)
    sample = sorted(sample[:cfg["sample_size"]])
    s_sample, t_sample = src.iloc[sample], tgt.iloc[sample]
    forward = learn_dictionary(s_sample, t_sample, min_count=cfg["min_count"])
    backward = learn_dictionary(t_sample, s_sample, min_count=cfg["min_count"])
    scores = [alignment_score(s, t, forward, backward) for s, t in zip(src, tgt)]
    return pd.Series(np.asarray(scores) < cfg["min_score"], index=src.index)


# --- drivers ----------------------------------------------------------------------------

def _apply(rules: dict, order: tuple, cfg: dict, n: int, compute) -> tuple[np.ndarray, dict]:
    """Run each enabled rule on the lines still kept; return the kept mask and
    the count removed by each rule."""
    kept = np.ones(n, dtype=bool)
    removed = {}
    for name in order:
        if name not in rules or not cfg[name]["enabled"]:
            continue
        index = np.flatnonzero(kept)
        if len(index) == 0:
            removed[name] = 0
            continue
        hits = np.asarray(compute(name, index), dtype=bool)
        kept[index[hits]] = False
        removed[name] = int(hits.sum())
    return kept, removed


def clean_parallel(raw_src: pd.Series, raw_tgt: pd.Series, cfg: dict, *, src_lang: str,
                   tgt_lang: str, seed: int) -> tuple[pd.DataFrame, np.ndarray, dict]:
    """Normalized pairs, the mask of lines kept, and the count removed per rule."""
    frame = pd.DataFrame({"src": normalized(raw_src), "tgt": normalized(raw_tgt)})

    def compute(name, index):
        src, tgt = frame["src"].iloc[index], frame["tgt"].iloc[index]
        if name == "empty":
            return rule_empty(src) | rule_empty(tgt)
        if name == "markup":
            return rule_markup(src, raw_src.iloc[index]) | rule_markup(tgt, raw_tgt.iloc[index])
        if name == "length":
            return rule_length(src, cfg["length"]) | rule_length(tgt, cfg["length"])
        if name == "long_token":
            return rule_long_token(src, cfg["long_token"]) | rule_long_token(tgt, cfg["long_token"])
        if name == "ratio":
            return rule_ratio(src, tgt, cfg["ratio"])
        if name == "identical":
            return rule_identical(src, tgt)
        if name == "langid":
            return rule_langid(src, src_lang, cfg["langid"]) | rule_langid(tgt, tgt_lang, cfg["langid"])
        if name == "alignment":
            return rule_alignment(src, tgt, cfg["alignment"], seed)
        return rule_duplicates(src, tgt, cfg["duplicates"])

    kept, removed = _apply(dict.fromkeys(RULE_ORDER), RULE_ORDER, cfg, len(frame), compute)
    return frame, kept, removed


def clean_mono(raw: pd.Series, cfg: dict, *, lang: str) -> tuple[pd.Series, np.ndarray, dict]:
    text = normalized(raw)

    def compute(name, index):
        part = text.iloc[index]
        if name == "empty":
            return rule_empty(part)
        if name == "markup":
            return rule_markup(part, raw.iloc[index])
        if name == "length":
            return rule_length(part, cfg["length"])
        if name == "long_token":
            return rule_long_token(part, cfg["long_token"])
        if name == "langid":
            return rule_langid(part, lang, cfg["langid"])
        return rule_duplicates(part, None, cfg["duplicates"])

    kept, removed = _apply(dict.fromkeys(MONO_RULES), MONO_RULES, cfg, len(text), compute)
    return text, kept, removed


def score_against_labels(kept: np.ndarray, labels: list[str]) -> dict:
    """Precision and recall of "removed" against the injected noise labels."""
    noisy = np.array([label != "clean" for label in labels])
    removed = ~kept
    true_positive = int((removed & noisy).sum())
    per_type = {}
    for kind in sorted(set(labels) - {"clean"}):
        of_kind = np.array([label == kind for label in labels])
        per_type[kind] = round(float((removed & of_kind).sum() / of_kind.sum()), 4)
    return {
        "precision": round(true_positive / max(int(removed.sum()), 1), 4),
        "recall": round(true_positive / max(int(noisy.sum()), 1), 4),
        "recall_by_type": per_type,
        "clean_lines_removed": int((removed & ~noisy).sum()),
    }
