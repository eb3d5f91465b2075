"""`dvc repro teacher` end to end on a tiny config, from scratch and from a local
pretrained model whose vocabulary the pipeline adopts."""

import json
import subprocess
import sys

import pytest
from transformers import MarianMTModel, MarianTokenizer

from conftest import copy_project, dvc, tiny_params, write_params
from models_fixtures import readme_snippet_output, tiny_model, tiny_tokenizer
from xldistill.translation.models import save_model
from xldistill.data.vocab import BT_TAG


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("models") / "project")
    write_params(project, tiny_params())
    dvc(project, "repro", "teacher")
    return project


@pytest.mark.slow
def test_outputs_metrics_and_a_second_repro_is_a_no_op(trained):
    teacher = json.loads((trained / "metrics" / "teacher.json").read_text())
    for split in ("dev", "test"):
        assert {"bleu", "chrf", "bleu_signature", "chrf_signature"} <= set(teacher[split])
        assert teacher[split]["bleu_signature"].startswith("nrefs:1|case:mixed|eff:no|tok:13a")
    assert teacher["params"] > 0 and teacher["size_bytes"] > 0 and teacher["train_target_tokens_per_s"] > 0
    assert (trained / "metrics" / "curves" / "teacher.csv").read_text().startswith("step,train_loss")
    assert not (trained / "models" / ".work" / "teacher").exists()  # checkpoints go once the stage succeeds
    assert "up to date" in dvc(trained, "repro", "teacher")


@pytest.mark.slow
def test_backtranslation_is_line_aligned_with_mono_and_tagged(trained):
    metrics = json.loads((trained / "metrics" / "backtranslate.json").read_text())
    clean_src = (trained / "data" / "clean" / "train.src").read_text().splitlines()
    mono = (trained / "data" / "clean" / "mono.tgt").read_text().splitlines()
    src = (trained / "data" / "augmented" / "train.src").read_text().splitlines()
    tgt = (trained / "data" / "augmented" / "train.tgt").read_text().splitlines()
    n = metrics["synthetic_pairs"]
    assert n == min(len(mono), round(len(clean_src) * 0.2 / 0.8)) and n > 0
    assert len(src) == len(tgt) == len(clean_src) + n
    assert src[:len(clean_src)] == clean_src
    assert tgt[len(clean_src):] == mono[:n]  # synthetic source i translates mono line i
    assert all(line.startswith(BT_TAG + " ") for line in src[len(clean_src):])
    assert "reverse_dev_bleu" in metrics


@pytest.mark.slow
def test_saved_teacher_loads_with_plain_transformers(trained):
    sources = (trained / "data" / "clean" / "test.src").read_text().splitlines()[:3]
    output = readme_snippet_output(trained / "models" / "teacher", sources)
    assert len(output) == 3 and all(isinstance(text, str) for text in output)


@pytest.mark.slow
def test_teacher_from_a_local_pretrained_folder_keeps_its_vocabulary(trained, tmp_path):
    # A "pretrained" model with a vocabulary of its own (size 150, unlike the pipeline's 300).
    tokenizer = tiny_tokenizer(trained / "data" / "clean", tmp_path / "pretrained-tokenizer", size=150)
    save_model(tiny_model(tokenizer), tokenizer, tmp_path / "pretrained", beam=1, max_length=40)
    params = tiny_params()
    params["teacher"]["init"] = str(tmp_path / "pretrained")
    write_params(trained, params)
    dvc(trained, "repro", "teacher")
    adopted = json.loads((trained / "models" / "tokenizer" / "vocab.json").read_text())
    assert adopted == json.loads((tmp_path / "pretrained" / "vocab.json").read_text())
    teacher = MarianMTModel.from_pretrained(str(trained / "models" / "teacher"))
    pretrained_size = len(MarianTokenizer.from_pretrained(str(tmp_path / "pretrained")))
    assert teacher.config.vocab_size == pretrained_size < 300  # not the vocab stage's own 300 pieces

    params["teacher"]["init"] = str(tmp_path / "missing")
    write_params(trained, params)
    result = subprocess.run([sys.executable, "-m", "stages.vocab"], cwd=trained, capture_output=True, text=True)
    assert result.returncode == 1 and "teacher.init" in result.stderr and "Traceback" not in result.stderr
