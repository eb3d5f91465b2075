"""Each clean rule removes its kind of noise and keeps good lines; the whole
cleaner scores >= 0.95 precision and recall against the built-in noise labels."""

import numpy as np
import pandas as pd
import pytest

from conftest import tiny_params
from xldistill.data.builtin_corpus import NOISE_TYPES, write_builtin_corpus
from xldistill.data.cleaning import (alignment_score, clean_mono, clean_parallel, learn_dictionary,
                                rule_duplicates, rule_empty, rule_identical, rule_langid,
                                rule_length, rule_long_token, rule_markup, rule_ratio,
                                score_against_labels)
from xldistill.data.textio import normalize, read_lines

CFG = tiny_params()["clean"]
GOOD_EN = "The old man reads the newspaper in the kitchen."
GOOD_DE = "Der alte Mann liest die Zeitung in der Küche."


def series(*items):
    return pd.Series(list(items), dtype=object)


def test_empty_side():
    assert rule_empty(series("", GOOD_EN)).tolist() == [True, False]


def test_markup_urls_entities_and_control_characters():
    texts = series(f"<b>{GOOD_EN}</b>", f"{GOOD_EN} https://example.com/x", "Tom &amp; Jerry",
                   "bell\x07here", GOOD_EN, "3 < 4 and 5 > 2")
    assert rule_markup(texts, texts).tolist() == [True, True, True, True, False, False]


def test_length_and_long_tokens():
    texts = series("one", GOOD_EN, " ".join(["word"] * 101))
    assert rule_length(texts, {"min_words": 2, "max_words": 100}).tolist() == [True, False, True]
    assert rule_long_token(series("a" * 41, GOOD_EN), {"max_chars": 40}).tolist() == [True, False]


def test_length_ratio():
    assert rule_ratio(series(GOOD_EN, GOOD_EN), series(GOOD_DE, "Ja."), {"max_ratio": 2.5}).tolist() == [False, True]


def test_identical_copies_ignore_case_and_punctuation():
    assert rule_identical(series(GOOD_EN, GOOD_EN), series(GOOD_EN.upper(), GOOD_DE)).tolist() == [True, False]


def test_exact_and_normalized_duplicates_keep_the_first():
    src = series(GOOD_EN, GOOD_EN, "the old man reads the newspaper in the kitchen", GOOD_EN)
    tgt = series(GOOD_DE, GOOD_DE, "der alte Mann liest die Zeitung in der Küche", "Anderes.")
    assert rule_duplicates(src, tgt, {"normalized": True}).tolist() == [False, True, True, False]
    assert rule_duplicates(src, tgt, {"normalized": False}).tolist() == [False, True, False, False]


def test_wrong_language_is_detected_with_confidence():
    cfg = CFG["langid"]
    assert rule_langid(series(GOOD_DE, GOOD_EN), "de", cfg).tolist() == [False, True]
    assert rule_langid(series(GOOD_EN, GOOD_DE), "en", cfg).tolist() == [False, True]


def test_alignment_score_separates_translations_from_misaligned_pairs(tmp_path):
    write_builtin_corpus(tmp_path, seed=2, train_size=3000, dev_size=1, test_size=1, mono_size=1, noise=0)
    src, tgt = read_lines(tmp_path / "train.src"), read_lines(tmp_path / "train.tgt")
    forward = learn_dictionary(src, tgt, min_count=3)
    backward = learn_dictionary(tgt, src, min_count=3)
    aligned = np.mean([alignment_score(s, t, forward, backward) for s, t in zip(src, tgt)])
    shifted = np.mean([alignment_score(s, t, forward, backward) for s, t in zip(src, tgt[1:] + tgt[:1])])
    assert aligned > 0.9 and shifted < 0.4


def test_unicode_is_nfc_and_whitespace_collapsed():
    assert normalize("  Mu\u0308de \t Katze ") == "Müde Katze"


@pytest.fixture(scope="module")
def noisy_corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("noisy")
    write_builtin_corpus(path, seed=11, train_size=6000, dev_size=1, test_size=1, mono_size=1, noise=0.14)
    return path


def test_cleaner_finds_the_injected_noise(noisy_corpus):
    src = pd.Series(read_lines(noisy_corpus / "train.src"), dtype=object)
    tgt = pd.Series(read_lines(noisy_corpus / "train.tgt"), dtype=object)
    _, kept, removed = clean_parallel(src, tgt, CFG, src_lang="en", tgt_lang="de", seed=1)
    score = score_against_labels(kept, read_lines(noisy_corpus / "train.noise"))
    assert score["precision"] >= 0.95 and score["recall"] >= 0.95, score
    assert set(score["recall_by_type"]) == set(NOISE_TYPES)
    for kind in ("duplicate", "empty", "untranslated", "overlong", "markup", "wrong_language"):
        assert score["recall_by_type"][kind] >= 0.95, (kind, score)
    assert sum(removed.values()) == int((~kept).sum())


def test_a_disabled_rule_removes_nothing(noisy_corpus):
    src = pd.Series(read_lines(noisy_corpus / "train.src"), dtype=object)
    tgt = pd.Series(read_lines(noisy_corpus / "train.tgt"), dtype=object)
    cfg = {**CFG, "identical": {"enabled": False}, "langid": {**CFG["langid"], "enabled": False},
           "alignment": {**CFG["alignment"], "enabled": False}}
    _, kept, removed = clean_parallel(src, tgt, cfg, src_lang="en", tgt_lang="de", seed=1)
    assert "identical" not in removed
    labels = read_lines(noisy_corpus / "train.noise")
    untranslated_kept = sum(1 for k, label in zip(kept, labels) if k and label == "untranslated")
    assert untranslated_kept > 0


def test_mono_rules():
    text, kept, removed = clean_mono(series(GOOD_DE, "", GOOD_DE, "<p>Hallo Welt, wie geht es?</p>", GOOD_EN),
                                     CFG, lang="de")
    assert kept.tolist() == [True, False, False, False, False]
    assert removed["empty"] == 1 and removed["duplicates"] == 1 and removed["markup"] == 1 and removed["langid"] == 1
