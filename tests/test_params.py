"""params.yaml validation names the offending key."""

import copy

import pytest
import yaml

from conftest import PROJECT, with_change
from xldistill.errors import ParamsError
from xldistill.params import load_params, validate

DEFAULTS = yaml.safe_load((PROJECT / "params.yaml").read_text())



def test_defaults_are_valid_and_temp_is_a_float():
    params = validate(copy.deepcopy(DEFAULTS))
    assert params["temp"] == DEFAULTS["temp"] and isinstance(params["temp"], float)  # 1 in the file: an int
    assert isinstance(validate(with_change("temp", 4))["temp"], float)  # what `dvc exp run -S temp=4` writes


@pytest.mark.parametrize("path, value, message", [
    ("temp", 0, "'temp' must be > 0"),
    ("temp", "hot", "'temp' must be a number"),
    ("corpus.builtin.noise", 1.5, "'corpus.builtin.noise' must be <= 0.9"),
    ("corpus.builtin.train_size", 2.5, "'corpus.builtin.train_size' must be an integer"),
    ("corpus.builtin.train_size", True, "'corpus.builtin.train_size' must be an integer"),
    ("corpus.source", "ftp", "'corpus.source' must be one of builtin, local, hf, url"),
    ("clean.length.max_words", -1, "'clean.length.max_words' must be >= 1"),
    ("clean.langid.candidates", "en", "'clean.langid.candidates' must be a list"),
    ("clean.empty", True, "'clean.empty' must be a mapping"),
    ("corpus.url.files", [{"url": "http://x/y"}], "'corpus.url.files[0].sha256' is missing"),
])
def test_bad_values_name_the_key(path, value, message):
    with pytest.raises(ParamsError, match=message.replace("[", r"\[").replace("]", r"\]")):
        validate(with_change(path, value))


def test_unknown_key_suggests_the_right_one():
    params = copy.deepcopy(DEFAULTS)
    params["corpus"]["builtin"]["trian_size"] = params["corpus"]["builtin"].pop("train_size")
    with pytest.raises(ParamsError, match=r"'corpus.builtin.trian_size' is not a known key; "
                                          r"did you mean 'corpus.builtin.train_size'\?"):
        validate(params)


def test_missing_key_is_named():
    params = copy.deepcopy(DEFAULTS)
    del params["clean"]["ratio"]["max_ratio"]
    with pytest.raises(ParamsError, match="'clean.ratio.max_ratio' is missing"):
        validate(params)


def test_unreadable_params_file(tmp_path):
    (tmp_path / "params.yaml").write_text("corpus: [unclosed\n")
    with pytest.raises(ParamsError, match="not valid YAML"):
        load_params(tmp_path / "params.yaml")
    with pytest.raises(ParamsError, match="not found"):
        load_params(tmp_path / "missing.yaml")
