"""Paired bootstrap resampling of test BLEU: the library on made-up translations, the stage on files."""

import json
import os
import shutil

import pytest
import sacrebleu

from conftest import PROJECT
from stages import significance as stage
from xldistill.data.builtin_corpus import write_builtin_corpus
from xldistill.data.textio import read_lines
from xldistill.errors import XldistillError
from xldistill.translation.significance import bleu_of, paired_bootstrap, sentence_statistics, summarize


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


def test_the_stage_writes_every_pair_and_names_a_short_translation_file(references, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_project(tmp_path, references)
    stage.main()
    written = json.loads((tmp_path / "metrics" / "significance.json").read_text())
    assert set(written) == set(stage.PAIRS) | {"settings"}
    assert written["kd_gain"]["a"] == "student" and written["kd_gain"]["share_a_better"] == 1.0
    assert written["int8_torch_over_fp32_student"]["difference"] == 0
    assert written["settings"]["sentences"] == 200 and written["settings"]["samples"] == 1000

    short = tmp_path / "short"
    short.mkdir()
    monkeypatch.chdir(short)
    make_project(short, references, lines=150)
    with pytest.raises(XldistillError, match=r"metrics/translations/\w+\.txt: 150 lines for the 200"):
        stage.main()
    assert not (short / "metrics" / "significance.json").exists()
    assert not [name for name in os.listdir(short / "metrics") if name.startswith(".")]  # nothing half written
