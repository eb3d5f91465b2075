"""Paired bootstrap resampling of test BLEU, accuracy and entity F1: the library on made-up
systems, the stage on files."""

import json
import os
import shutil

import numpy as np
import pytest
import sacrebleu
from seqeval.metrics import f1_score
from sklearn.metrics import accuracy_score

from conftest import PROJECT
from stages import significance as stage
from xldistill.data.builtin_corpus import write_builtin_corpus
from xldistill.data.textio import read_lines
from xldistill import bootstrap
from xldistill.bootstrap import summarize
from xldistill.errors import XldistillError
from xldistill.tasks.significance import (accuracy_of, accuracy_statistics, conll_predictions, entity_statistics,
                                          f1_of, read_confusion, read_conll_predictions)
from xldistill.translation.significance import bleu_of, paired_bootstrap, sentence_statistics


@pytest.fixture(scope="module")
def references(tmp_path_factory):
    folder = tmp_path_factory.mktemp("builtin")
    write_builtin_corpus(folder, seed=3, train_size=10, dev_size=10, test_size=200, mono_size=0, noise=0)
    return read_lines(folder / "test.tgt")


def degraded(sentences, every):
    """Every `every`-th sentence loses its last word: a worse system, still a plausible one."""
    return [" ".join(s.split()[:-1]) if i % every == 0 else s for i, s in enumerate(sentences)]


def test_summed_sentence_statistics_are_sacrebleus_corpus_bleu(references):
    hypotheses = degraded(references, 3)
    assert bleu_of(sentence_statistics(hypotheses, references).sum(axis=0)) == pytest.approx(
        sacrebleu.corpus_bleu(hypotheses, [references]).score, abs=1e-9)


def test_a_clearly_better_system_wins_every_draw_and_its_interval_excludes_zero(references):
    result, _ = paired_bootstrap(references, degraded(references, 2), references, samples=200, seed=1)
    assert result["bleu_a"] == 100.0 and result["difference"] == round(result["bleu_a"] - result["bleu_b"], 2) > 0
    assert result["share_a_better"] == 1.0 and 0 < result["ci95"][0] <= result["difference"] <= result["ci95"][1]


def test_a_small_difference_gets_an_interval_around_zero_and_the_same_numbers_per_seed(references):
    a, b = degraded(references, 20), degraded(references[::-1], 19)[::-1]  # about as good, other sentences
    result, differences = paired_bootstrap(a, b, references, samples=300, seed=7)
    low, high = result["ci95"]
    assert low < 0 < high and 0 < result["share_a_better"] < 1
    assert len(differences) == 300
    assert summarize(differences) == {key: result[key] for key in ("ci95", "share_a_better")}
    assert paired_bootstrap(a, b, references, samples=300, seed=7)[0] == result
    assert paired_bootstrap(a, b, references, samples=300, seed=8)[0]["ci95"] != result["ci95"]
    same, _ = paired_bootstrap(a, a, references, samples=50, seed=7)
    assert same["difference"] == 0 and same["ci95"] == [0, 0] and same["share_a_better"] == 0


LABELS = ["negative", "neutral", "positive"]
GOLD_LABELS = [LABELS[i % 3] for i in range(300)]
GOLD_TAGS = [["B-PER", "I-PER", "O", "B-LOC"], ["O", "B-ORG"], ["B-MISC", "O", "O"]] * 40


def wrong_every(labels, every, shift=0):
    """Every `every`-th label (from `shift`) replaced by the next class."""
    return [LABELS[(LABELS.index(label) + 1) % 3] if (i - shift) % every == 0 else label
            for i, label in enumerate(labels)]


def tags_missing_every(tags, every):
    """Every `every`-th sentence loses its first entity's B- tag (an I- after O: a broken span)."""
    return [["O" if j == 0 and tag.startswith("B-") and i % every == 0 else tag for j, tag in enumerate(sentence)]
            for i, sentence in enumerate(tags)]


def test_summed_accuracy_and_entity_statistics_are_sklearns_and_seqevals_scores():
    predicted = wrong_every(GOLD_LABELS, 7)
    assert accuracy_of(accuracy_statistics(GOLD_LABELS, predicted).sum(axis=0)) == pytest.approx(
        100 * accuracy_score(GOLD_LABELS, predicted), abs=1e-9)
    tagged = tags_missing_every(GOLD_TAGS, 3)
    tagged[1] = ["B-PER", "B-ORG"]  # a spurious entity and a right one
    assert f1_of(entity_statistics(GOLD_TAGS, tagged).sum(axis=0)) == pytest.approx(
        100 * f1_score(GOLD_TAGS, tagged), abs=1e-9)
    assert f1_of(np.zeros(3, dtype=np.int64)) == 0.0


def test_a_clear_accuracy_gain_is_resolved_and_a_tiny_one_is_not():
    gold = accuracy_statistics(GOLD_LABELS, GOLD_LABELS)
    clear, _ = bootstrap.paired_bootstrap(gold, accuracy_statistics(GOLD_LABELS, wrong_every(GOLD_LABELS, 5)),
                                          accuracy_of, samples=300, seed=1, metric="accuracy")
    assert clear["accuracy_a"] == 100.0 and clear["accuracy_b"] == 80.0 and clear["difference"] == 20.0
    assert clear["share_a_better"] == 1.0 and clear["ci95"][0] > 10
    # two systems with 10 errors each, on different texts: a difference of 0 with a two-sided interval
    a, b = (accuracy_statistics(GOLD_LABELS, wrong_every(GOLD_LABELS, 30, shift)) for shift in (0, 1))
    tied, _ = bootstrap.paired_bootstrap(a, b, accuracy_of, samples=300, seed=1, metric="accuracy")
    assert tied["difference"] == 0 and tied["ci95"][0] < 0 < tied["ci95"][1]
    with pytest.raises(XldistillError, match="300 items for one system, 299 for the other"):
        bootstrap.paired_bootstrap(a, b[:-1], accuracy_of, samples=10, seed=1, metric="accuracy")


def test_prediction_files_read_back_and_name_a_bad_line(tmp_path):
    sentences = [[f"w{j}" for j in range(len(tags))] for tags in GOLD_TAGS[:3]]
    predicted = tags_missing_every(GOLD_TAGS[:3], 2)
    path = tmp_path / "student.conll"
    path.write_text(conll_predictions(sentences, GOLD_TAGS[:3], predicted))
    assert path.read_text().splitlines()[:2] == ["w0 B-PER O", "w1 I-PER I-PER"]
    assert read_conll_predictions(path) == (GOLD_TAGS[:3], predicted)
    path.write_text(path.read_text().rstrip("\n"))  # no blank line after the last sentence
    assert read_conll_predictions(path) == (GOLD_TAGS[:3], predicted)
    path.write_text("w0 B-PER B-PER\nw1 I-PER\n")
    with pytest.raises(XldistillError, match=r"student.conll:2: 2 columns, expected word gold predicted"):
        read_conll_predictions(path)

    csv_path = tmp_path / "student.csv"
    csv_path.write_text("actual,predicted\npositive,positive\nnegative,neutral\n")
    assert read_confusion(csv_path) == (["positive", "negative"], ["positive", "neutral"])
    csv_path.write_text("actual,predicted\npositive,positive\nnegative\n")
    with pytest.raises(XldistillError, match=r"student.csv:3: 1 columns"):
        read_confusion(csv_path)
    csv_path.write_text("gold,guess\n")
    with pytest.raises(XldistillError, match=r"student.csv:1: expected the header"):
        read_confusion(csv_path)


def write_task_predictions(folder, *, gold_labels=GOLD_LABELS, skip=()):
    """cls_evaluate's and ner_evaluate's prediction files: the KD student right everywhere, the
    hard-label student wrong on a fifth; `skip`: models an evaluate stage skipped."""
    confusion, tagged = folder / "metrics" / "cls_confusion", folder / "metrics" / "ner_predictions"
    confusion.mkdir(parents=True, exist_ok=True)
    tagged.mkdir(parents=True, exist_ok=True)
    for name in {model for pair in [*stage.CLS_PAIRS.values(), *stage.NER_PAIRS.values()] for model in pair} - set(skip):
        labels = wrong_every(gold_labels, 5) if name == "student_hard" else gold_labels
        (confusion / f"{name}.csv").write_text("actual,predicted\n" + "".join(
            f"{g},{p}\n" for g, p in zip(gold_labels, labels)))
        tags = tags_missing_every(GOLD_TAGS, 2) if name == "student_hard" else GOLD_TAGS
        sentences = [[f"w{j}" for j in range(len(t))] for t in GOLD_TAGS]
        (tagged / f"{name}.conll").write_text(conll_predictions(sentences, GOLD_TAGS, tags))


def make_project(folder, references, lines=None):
    shutil.copy(PROJECT / "params.yaml", folder / "params.yaml")
    (folder / "data" / "clean").mkdir(parents=True)
    for side in ("src", "tgt"):
        (folder / "data" / "clean" / f"test.{side}").write_text("".join(r + "\n" for r in references))
    (folder / "metrics" / "translations").mkdir(parents=True)
    for entry in {entry for pair in stage.PAIRS.values() for entry in pair}:
        hypotheses = degraded(references, 2) if entry.startswith("baseline") else references
        (folder / "metrics" / "translations" / f"{entry}.txt").write_text(
            "".join(h + "\n" for h in (hypotheses if lines is None else hypotheses[:lines])))
    write_task_predictions(folder)


def test_the_stage_writes_every_pair_and_names_a_short_translation_file(references, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_project(tmp_path, references)
    stage.main()
    written = json.loads((tmp_path / "metrics" / "significance.json").read_text())
    assert set(written) == set(stage.PAIRS) | set(stage.CLS_PAIRS) | set(stage.NER_PAIRS) | {"settings"}
    assert written["kd_gain"]["a"] == "student" and written["kd_gain"]["share_a_better"] == 1.0
    assert written["int8_torch_over_fp32_student"]["difference"] == 0
    assert written["settings"] == {**written["settings"], "sentences": 200, "samples": 1000, "cls_texts": 300,
                                   "ner_sentences": 120}
    cls_gain, ner_gain = written["cls_kd_gain"], written["ner_kd_gain"]
    assert cls_gain["accuracy_a"] == 100.0 and cls_gain["accuracy_b"] == 80.0 and cls_gain["share_a_better"] == 1.0
    assert ner_gain["f1_a"] == 100.0 and 0 < ner_gain["ci95"][0] <= ner_gain["difference"] <= ner_gain["ci95"][1]
    assert written["cls_int8_over_fp32_student"]["difference"] == 0

    # a model its evaluate stage skipped (no reverse model: no translate-test) skips its pairs only
    (tmp_path / "metrics" / "cls_confusion" / "translate_test.csv").unlink()
    stage.main()
    written = json.loads((tmp_path / "metrics" / "significance.json").read_text())
    assert written["cls_student_over_translate_test"] == {"a": "student", "b": "translate_test",
                                                          "skipped": "no predictions of translate_test"}
    assert written["cls_kd_gain"] == cls_gain

    # predictions of two different test sets are not paired
    (tmp_path / "metrics" / "cls_confusion" / "supervised.csv").write_text(
        "actual,predicted\n" + "".join(f"{g},{g}\n" for g in GOLD_LABELS[::-1]))
    with pytest.raises(XldistillError, match=r"cls_confusion/supervised.csv: its gold labels differ from "):
        stage.main()

    short = tmp_path / "short"
    short.mkdir()
    monkeypatch.chdir(short)
    make_project(short, references, lines=150)
    with pytest.raises(XldistillError, match=r"metrics/translations/\w+\.txt: 150 lines for the 200"):
        stage.main()
    assert not (short / "metrics" / "significance.json").exists()
    assert not [name for name in os.listdir(short / "metrics") if name.startswith(".")]  # nothing half written
