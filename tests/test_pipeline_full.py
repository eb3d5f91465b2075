"""The whole pipeline with the real dvc on a tiny config: `dvc repro`, then
`dvc exp run -S temp=4` reruns only what depends on the temperature."""

import json
import subprocess

import numpy as np
import pytest
import yaml

from bench.pipeline_cost import compare_with
from conftest import copy_project, dvc, tiny_params, write_params
from xldistill.data.tagged import read_conll

def dig(node, *keys):
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else None


MODELS = ("teacher", "baseline", "student", "student_int8", "teacher_ct2", "baseline_ct2", "student_ct2")


@pytest.fixture
def project(tiny_pipeline):
    return tiny_pipeline


@pytest.mark.slow
def test_evaluate_json_has_every_model_and_ratio(project):
    metrics = json.loads((project / "metrics" / "evaluate.json").read_text())
    for name in MODELS:
        entry = metrics[name]
        for key in ("bleu", "chrf", "ter", "bleu_signature", "chrf_signature", "ter_signature", "params",
                    "size_bytes", "engine"):
            assert key in entry, (name, key)
        for batch in ("batch1", "batch32"):
            assert entry[batch]["sentences_per_s"] > 0 and entry[batch]["tokens_per_s"] >= 0
        lines = (project / "metrics" / "translations" / f"{name}.txt").read_text().splitlines()
        assert len(lines) == 40
    assert metrics["student_int8"]["engine"] == "torch-int8"
    assert {metrics[name]["engine"] for name in ("teacher_ct2", "baseline_ct2", "student_ct2")} == {"ctranslate2"}
    assert metrics["teacher_ct2"]["params"] == metrics["teacher"]["params"]
    for key in ("student_over_teacher_bleu", "teacher_over_student_params", "kd_gain_over_baseline_bleu",
                "speedup_student_over_teacher_in_transformers", "speedup_student_over_teacher_in_ctranslate2",
                "speedup_student_ctranslate2_over_teacher_transformers"):
        assert key in metrics["ratios"]
    ratios, speed = metrics["ratios"], {name: metrics[name]["batch32"]["sentences_per_s"] for name in MODELS}
    assert ratios["speedup_student_over_teacher_in_ctranslate2"] == round(speed["student_ct2"] / speed["teacher_ct2"], 2)
    # the tiny config evaluates greedy: one point per entry, and the frontier names some of them
    assert set(metrics["frontier"]) == {f"{name} beam1" for name in MODELS} and any(metrics["frontier"].values())
    plot = (project / "metrics" / "curves" / "quality_speed.csv").read_text().splitlines()
    assert plot[0] == "point,model,engine,beam,sentences_per_s,bleu,on_frontier" and len(plot) == 1 + len(MODELS)
    assert metrics["settings"]["threads"] == 2
    assert metrics["teacher"]["params"] > metrics["student"]["params"]
    # the bootstrap tests the very gain evaluate.json states, on the same translations
    significance = json.loads((project / "metrics" / "significance.json").read_text())
    assert significance["kd_gain"]["difference"] == ratios["kd_gain_over_baseline_bleu"]
    assert significance["kd_gain"]["bleu_a"] == metrics["student"]["bleu"]
    assert significance["settings"]["sentences"] == 40


@pytest.mark.slow
def test_a_second_clone_reproduces_every_output_and_metric(project, tmp_path):
    """Two fresh clones, the same params: identical dvc.lock hashes and metrics on CPU.
    Metrics files that carry wall-clock times differ in those fields only."""
    clone = copy_project(tmp_path / "clone")
    write_params(clone, tiny_params())
    dvc(clone, "repro")
    reproduced = compare_with(project, clone)
    assert reproduced["differ"] == [], reproduced
    assert {"models/student", "data/distill", "data/forward", "data/logits"} <= set(reproduced["identical"])
    assert {"models/cls-student", "models/cls-student-int8", "data/cls", "data/cls_transfer"} <= set(
        reproduced["identical"])
    assert {"models/ner-student", "data/ner", "data/ner_transfer"} <= set(reproduced["identical"])
    assert set(reproduced["differ_only_in_timing"]) <= {
        f"metrics/{name}.json" for name in ("backtranslate", "teacher", "teacher_translate", "distill", "baseline",
                                            "evaluate", "cls_teacher", "cls_student", "cls_student_hard",
                                            "cls_supervised", "cls_evaluate", "ner_teacher", "ner_student",
                                            "ner_student_hard", "ner_supervised", "ner_evaluate")
    } | {"metrics/curves/quality_speed.csv"}


@pytest.mark.slow
def test_forward_translated_text_goes_to_the_student_and_its_logits_to_the_store(project):
    distill = json.loads((project / "metrics" / "distill.json").read_text())
    lines = distill["training_lines"]
    parallel = len((project / "data" / "distill" / "train.src").read_text().splitlines())
    assert lines["parallel"] == parallel and lines["forward_available"] == 150
    assert lines["forward_translated"] == round(parallel * 0.05 / 0.95) > 0
    forward = (project / "data" / "forward" / "train.tgt").read_text().splitlines()
    assert len(forward) == 150 and all(forward)
    # the store covers exactly the student's lines; the baseline never sees the forward-translated ones
    store = json.loads((project / "data" / "logits" / "meta.json").read_text())
    k = tiny_params()["teacher_logits"]["k"]
    assert store["sentences"] == parallel + lines["forward_translated"] and store["k"] == k
    assert distill["teacher_logits"] == f"stored top-{k}"
    assert len((project / "data" / "augmented" / "train.src").read_text().splitlines()) == parallel


@pytest.mark.slow
def test_translate_command_reads_stdin(project):
    result = subprocess.run(["python", "-m", "stages.translate", "--model", "models/student-ct2", "--beam", "1"],
                            cwd=project, input="The dog sleeps.\nAnna reads a book.\n",
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 2 and "translate" in result.stderr


@pytest.mark.slow
def test_exp_run_with_another_temperature_reruns_only_the_students_and_what_follows(project):
    output = dvc(project, "exp", "run", "-S", "temp=4")
    ran = {line.split("'")[1] for line in output.splitlines() if line.startswith("Running stage")}
    # the translation and classification students, and what depends on them: nothing else
    # (the NER student has its own temperature, ner.student.temperature)
    assert ran == {"distill", "quantize", "evaluate", "significance", "cls_student", "cls_quantize",
                   "cls_evaluate"}, output
    assert "up to date" in dvc(project, "status") or dvc(project, "status").strip() == ""
    shown = json.loads(dvc(project, "exp", "show", "--json"))
    found = []

    def walk(node):
        if isinstance(node, dict):
            params = dig(node, "params", "params.yaml", "data")
            metrics = dig(node, "metrics", "metrics/evaluate.json", "data")
            if params and metrics:
                found.append((params["temp"], params["distill"]["alpha"], metrics["student"]["bleu"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(shown)
    temps = {temp for temp, _, _ in found}
    assert {tiny_params()["temp"], 4} <= temps, found


CLASSIFIERS = ("student", "student_int8", "student_int8_torch", "student_hard", "supervised", "teacher_on_german",
               "translate_test")


@pytest.mark.slow
def test_the_classification_branch_scores_every_classifier_on_german(project):
    metrics = json.loads((project / "metrics" / "cls_evaluate.json").read_text())
    labels = json.loads((project / "data" / "cls" / "labels.json").read_text())
    assert labels == ["negative", "neutral", "positive"]
    for name in CLASSIFIERS:
        entry = metrics[name]
        assert 0 <= entry["accuracy"] <= 100 and 0 <= entry["macro_f1"] <= 100, name
        assert set(entry["per_class"]) == set(labels)
        assert sum(c["support"] for c in entry["per_class"].values()) == 40  # the tiny German test set
        assert entry["texts_per_s"]["batch1"] > 0 and entry["texts_per_s"]["batch32"] > 0
        confusion = (project / "metrics" / "cls_confusion" / f"{name}.csv").read_text().splitlines()
        assert confusion[0] == "actual,predicted" and len(confusion) == 41
    # the int8 row the ratios read is the ONNX Runtime model the cls_quantize stage wrote
    assert metrics["student_int8"]["engine"].startswith("onnxruntime int8")
    assert metrics["student_int8"]["size_bytes"] == (project / "models/cls-student-int8/model.onnx").stat().st_size
    assert metrics["student_int8"]["size_bytes"] < metrics["student"]["size_bytes"] / 2
    # translate-test runs the reverse model that quantize_reverse converted to CTranslate2
    assert "CTranslate2" in metrics["translate_test"]["engine"]
    assert (project / "models/reverse-ct2/model.bin").is_file()
    ratios = metrics["ratios"]
    assert ratios["int8_accuracy_loss"] == round(metrics["student"]["accuracy"] - metrics["student_int8"]["accuracy"], 2)
    assert ratios["student_minus_hard_accuracy"] == round(metrics["student"]["accuracy"]
                                                          - metrics["student_hard"]["accuracy"], 2)
    assert ratios["teacher_over_student_params"] > 1
    # the significance stage resamples the very predictions behind these accuracies
    significance = json.loads((project / "metrics" / "significance.json").read_text())
    assert significance["cls_kd_gain"]["difference"] == ratios["student_minus_hard_accuracy"]
    assert significance["cls_kd_gain"]["accuracy_a"] == metrics["student"]["accuracy"]
    assert significance["cls_student_over_translate_test"]["accuracy_b"] == metrics["translate_test"]["accuracy"]
    assert significance["settings"]["cls_texts"] == 40
    # no German label reached a student: its transfer data are German lines labelled by the teacher
    transfer = json.loads((project / "metrics" / "cls_transfer.json").read_text())
    assert transfer["lines"] == {"parallel": 200, "translate_train": 120}
    german_test = set((project / "data" / "cls" / "test.tgt.tsv").read_text().splitlines())
    transfer_lines = (project / "data" / "cls_transfer" / "train.tsv").read_text().splitlines()
    assert not german_test & set(transfer_lines)
    student = json.loads((project / "metrics" / "cls_student.json").read_text())
    params = yaml.safe_load((project / "params.yaml").read_text())  # an exp run may have changed temp
    assert student["temperature"] == params["temp"] and student["train_texts"] == 320 - 30


TAGGERS = ("student", "student_int8", "student_hard", "supervised", "teacher_on_german")


@pytest.mark.slow
def test_the_ner_branch_scores_every_tagger_on_german(project):
    metrics = json.loads((project / "metrics" / "ner_evaluate.json").read_text())
    labels = json.loads((project / "data" / "ner" / "labels.json").read_text())
    assert labels == ["O", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-PER", "I-PER"]
    gold_entities = sum(json.loads((project / "metrics" / "ner_data.json").read_text())["entities"]["test"].values())
    for name in TAGGERS:
        entry = metrics[name]
        assert 0 <= entry["f1"] <= 100 and entry["support"] == gold_entities, name
        assert set(entry["per_type"]) <= {"LOC", "ORG", "PER"}
        assert entry["sentences_per_s"]["batch1"] > 0 and entry["sentences_per_s"]["batch32"] > 0
    ratios = metrics["ratios"]
    assert ratios["student_minus_hard_f1"] == round(metrics["student"]["f1"] - metrics["student_hard"]["f1"], 2)
    assert ratios["teacher_over_student_params"] > 1
    # each tagger's test tags, beside the gold ones, for the significance stage's resampling of F1
    test = read_conll(project / "data" / "ner" / "test.tgt.conll")
    for name in TAGGERS:
        rows = [line.split() for line in (project / "metrics" / "ner_predictions" / f"{name}.conll").read_text(
            encoding="utf-8").splitlines() if line]
        assert [row[:2] for row in rows] == [[w, t] for words, tags in zip(test.sentences, test.tags)
                                             for w, t in zip(words, tags)], name
    significance = json.loads((project / "metrics" / "significance.json").read_text())
    for name, (a, b) in (("ner_kd_gain", ("student", "student_hard")), ("ner_supervised_over_student",
                                                                           ("supervised", "student"))):
        assert significance[name]["f1_a"] == pytest.approx(metrics[a]["f1"], abs=0.01)
        assert significance[name]["f1_b"] == pytest.approx(metrics[b]["f1"], abs=0.01)
    assert significance["settings"]["ner_sentences"] == len(test)
    project_metrics = json.loads((project / "metrics" / "ner_project.json").read_text())
    assert project_metrics["sentences"] == {"parallel": 200, "translate_train": 100}
    assert sum(project_metrics["projection"].values()) == 300
    assert 0 <= project_metrics["alignment"]["projection_f1"] <= 100 and project_metrics["alignment"]["entities"] > 0
    # no German gold tag reached a student: its data are projected German lines, none from the test set
    german_test = {" ".join(s) for s in read_conll(project / "data" / "ner" / "test.tgt.conll").sentences}
    transfer = read_conll(project / "data" / "ner_transfer" / "train.conll")
    assert not german_test & {" ".join(s) for s in transfer.sentences}
    soft = np.load(project / "data" / "ner_transfer" / "train.soft.npy")
    assert soft.shape == (sum(map(len, transfer.sentences)), len(labels)) and np.allclose(soft.sum(1), 1, atol=1e-4)
    student = json.loads((project / "metrics" / "ner_student.json").read_text())
    params = yaml.safe_load((project / "params.yaml").read_text())
    assert student["temperature"] == params["ner"]["student"]["temperature"]
    assert student["train_sentences"] == len(transfer)
