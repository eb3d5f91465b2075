"""Safety rules the code keeps: weights only from safetensors, no remote code,
YAML through safe_load, no shell built from params, checkpoints without pickle."""

import re

import pytest
import torch

from conftest import PROJECT
from xldistill.errors import XldistillError
from xldistill.translation.models import load_marian

SOURCES = sorted([*PROJECT.glob("xldistill/**/*.py"), *PROJECT.glob("stages/*.py"), *PROJECT.glob("bench/*.py")])


def calls(pattern: str) -> list[str]:
    """Every source line (file:line: text) matching ``pattern``."""
    found = []
    for path in SOURCES:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if re.search(pattern, line) and not line.lstrip().startswith("#"):
                found.append(f"{path.relative_to(PROJECT)}:{number}: {line.strip()}")
    return found


MODEL_LOADS = r"(MarianMTModel|AutoModelFor\w+|type\(raw_model\))\.from_pretrained\("


def test_the_rules_are_checked_over_real_code():
    assert len(SOURCES) > 20 and len(calls(MODEL_LOADS)) >= 5
    assert calls(r"AutoModelForSequenceClassification\.from_pretrained\(")  # the classifiers too


def test_model_weights_load_from_safetensors_only():
    unsafe = [c for c in calls(MODEL_LOADS) if "use_safetensors=True" not in c]
    assert not unsafe, unsafe
    loads = [c for c in calls(r"torch\.load\(") if "weights_only=True" not in c]
    assert not loads, loads  # checkpoints: tensors only, no pickled code


def test_no_remote_code_no_unsafe_yaml_no_shell():
    assert not calls(r"trust_remote_code"), "remote code must never be enabled"
    assert not calls(r"yaml\.(load|unsafe_load|full_load)\("), "YAML is read with safe_load"
    assert not calls(r"shell\s*=\s*True|os\.system\(|os\.popen\("), "no shell commands"
    assert not calls(r"pickle\.loads?\(")


def test_a_folder_with_pickled_weights_only_is_refused(tmp_path, setup):
    from models_fixtures import tiny_model

    _, _, tokenizer = setup
    model = tiny_model(tokenizer)
    # transformers 5 saves safetensors only: a pickled folder (as older releases wrote) is made by hand
    model.config.save_pretrained(tmp_path / "pickled")
    torch.save(model.state_dict(), tmp_path / "pickled" / "pytorch_model.bin")
    with pytest.raises(XldistillError, match="not a loadable Marian model folder with safetensors weights"):
        load_marian(tmp_path / "pickled")
    model.save_pretrained(tmp_path / "safe")
    loaded = load_marian(tmp_path / "safe")
    assert torch.equal(loaded.model.shared.weight, model.model.shared.weight)
