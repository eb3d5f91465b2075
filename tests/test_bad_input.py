"""Bad input, row by row as in the README table "What bad input does": every case
either raises the project's own error naming the file, line or key, or is a
counted and reported skip where that is the documented behaviour."""

import copy
import json
import sys

import pandas as pd
import pytest
import yaml

from conftest import PROJECT, tiny_params, with_change, write_params
from xldistill.data.cleaning import clean_parallel
from xldistill.errors import CorpusError, ParamsError, XldistillError
from xldistill.params import validate
from xldistill.data.sources import read_files, read_hf
from xldistill.data.textio import read_lines

DEFAULTS = yaml.safe_load((PROJECT / "params.yaml").read_text())
PAIRS = [("The dog sleeps in the garden.", "Der Hund schläft im Garten."),
         ("Anna reads a long book.", "Anna liest ein langes Buch."),
         ("We are at home today.", "Wir sind heute zu Hause.")]


def text_cfg(train="train", **extra):
    return {"format": "text", "train": train, "dev": None, "test": None, "mono": None, "mono_src": None, **extra}


def write_pair(folder, src_bytes: bytes, tgt_bytes: bytes, prefix="train"):
    (folder / f"{prefix}.en").write_bytes(src_bytes)
    (folder / f"{prefix}.de").write_bytes(tgt_bytes)


def lines(pairs, side):
    return "".join(pair[side] + "\n" for pair in pairs).encode()


# --- corpus files ----------------------------------------------------------------

def test_nul_bytes_name_the_file_and_line(tmp_path):
    write_pair(tmp_path, lines(PAIRS, 0), b"Der Hund.\nAnna\x00liest.\nWir.\n")
    with pytest.raises(CorpusError, match=r"train\.de:2: contains a NUL byte"):
        read_files(text_cfg(), "en", "de", tmp_path)


def test_utf16_file_is_refused_not_read_as_garbage(tmp_path):
    write_pair(tmp_path, lines(PAIRS, 0), lines(PAIRS, 1).decode().encode("utf-16-le"))
    with pytest.raises(CorpusError, match=r"train\.de:1: contains a NUL byte .*UTF-16"):
        read_files(text_cfg(), "en", "de", tmp_path)


def test_crlf_bom_and_unicode_line_separators_keep_alignment(tmp_path):
    write_pair(tmp_path, b"\xef\xbb\xbfOne\xe2\x80\xa8still one.\r\nTwo.\r\n", "Eins.\r\nZwei\x0c.\r\n".encode())
    src, tgt = read_files(text_cfg(), "en", "de", tmp_path).splits["train"]
    assert src == ["One\u2028still one.", "Two."] and tgt == ["Eins.", "Zwei\x0c."]


def test_empty_training_files_are_an_error_naming_them(tmp_path):
    write_pair(tmp_path, b"", b"")
    with pytest.raises(CorpusError, match=r"train\.\{en,de\}: the training data is empty"):
        read_files(text_cfg(), "en", "de", tmp_path)


def test_hf_dataset_with_an_empty_train_split_or_without_the_language_keys(tmp_path, monkeypatch):
    import datasets

    (tmp_path / "ds").mkdir()
    (tmp_path / "ds" / "dataset_dict.json").write_text("{}")
    features = datasets.Features({"translation": {"en": datasets.Value("string"), "fr": datasets.Value("string")}})
    splits = {"train": datasets.Dataset.from_dict({"translation": []}, features=features)}
    # datasets cannot save a zero-row split, so the loader hands the empty split over directly
    monkeypatch.setattr(datasets, "load_from_disk", lambda name: datasets.DatasetDict(splits))
    cfg = {"name": str(tmp_path / "ds"), "config": None, "revision": None, "field": "translation",
           "train_split": "train", "dev_split": None, "test_split": None}
    with pytest.raises(CorpusError, match="split 'train' is empty"):
        read_hf(cfg, "en", "de")
    splits["train"] = datasets.Dataset.from_dict({"translation": [{"en": "Hi.", "fr": "Salut."}]}, features=features)
    with pytest.raises(CorpusError, match=r"split 'train' row 0: missing key 'de' \(keys: en, fr\)"):
        read_hf(cfg, "en", "de")


def test_a_one_megabyte_line_is_read_and_then_removed_by_a_counted_rule(tmp_path):
    huge = ("word " * 200_000).strip()  # 1 MB
    write_pair(tmp_path, lines(PAIRS, 0) + huge.encode() + b"\n", lines(PAIRS, 1) + huge.encode() + b"\n")
    src, tgt = read_files(text_cfg(), "en", "de", tmp_path).splits["train"]
    assert len(src[-1]) == len(huge)
    cfg = copy.deepcopy(DEFAULTS["clean"])
    cfg["alignment"]["enabled"] = False
    _, kept, removed = clean_parallel(pd.Series(src), pd.Series(tgt), cfg, src_lang="en", tgt_lang="de", seed=1)
    assert kept.tolist() == [True, True, True, False] and removed["length"] == 1


# --- the clean stage, run in-process on files in a temporary project --------------

def run_stage(module, project, monkeypatch, params):
    """A stage's main() with the project's relative paths pointing into ``project``."""
    write_params(project, params)
    monkeypatch.chdir(project)
    __import__(f"stages.{module}")
    sys.modules[f"stages.{module}"].main()


def raw_corpus(project, train, dev, test, mono=("Ein Satz.",)):
    raw = project / "data" / "raw"
    raw.mkdir(parents=True)
    for split, pairs in (("train", train), ("dev", dev), ("test", test)):
        (raw / f"{split}.src").write_bytes(lines(pairs, 0))
        (raw / f"{split}.tgt").write_bytes(lines(pairs, 1))
    (raw / "mono.tgt").write_text("".join(m + "\n" for m in mono))
    (raw / "mono.src").write_text("A sentence for forward translation.\n")


def test_a_corpus_that_cleaning_empties_names_the_rule_that_removed_most(tmp_path, monkeypatch):
    copies = [(f"Line {i} is here.", f"Line {i} is here.") for i in range(20)]  # target = source
    raw_corpus(tmp_path, copies + [("", "")], PAIRS[:1], PAIRS[1:2])
    with pytest.raises(CorpusError, match=r"cleaning removed every train line; rule 'identical' removed "
                                          r"the most \(20 of 21\)"):
        run_stage("clean", tmp_path, monkeypatch, tiny_params())
    assert not (tmp_path / "data" / "clean").exists() and not (tmp_path / "metrics" / "clean.json").exists()


def test_dev_and_test_overlapping_train_are_counted_and_reported(tmp_path, monkeypatch, capsys):
    train = [(f"{s} ({i})", f"{t} ({i})") for i in range(30) for s, t in PAIRS]
    raw_corpus(tmp_path, train, [("the dog sleeps in the garden (3)", "x"), ("A new one.", "Ein neuer.")], PAIRS[2:])
    params = tiny_params()
    params["clean"]["alignment"]["enabled"] = False
    run_stage("clean", tmp_path, monkeypatch, params)
    metrics = json.loads((tmp_path / "metrics" / "clean.json").read_text())
    assert metrics["overlap_with_train"] == {"dev": 1, "test": 0}
    assert "1 of the dev sources also occur in train" in capsys.readouterr().err


def test_vocabulary_smaller_than_the_character_set_names_the_key(tmp_path, monkeypatch):
    clean = tmp_path / "data" / "clean"
    clean.mkdir(parents=True)
    (clean / "train.src").write_text("".join(f"{s}\n" for s, _ in PAIRS) * 10)
    (clean / "train.tgt").write_text("".join(f"{t}\n" for _, t in PAIRS) * 10)
    (clean / "mono.tgt").write_text("")
    params = tiny_params()
    params["vocab"]["size"] = 20
    with pytest.raises(XldistillError, match=r"vocab\.size = 20 does not fit this corpus: Vocabulary size is "
                                             r"smaller than required_chars"):
        run_stage("vocab", tmp_path, monkeypatch, params)
    assert not (tmp_path / "models" / "tokenizer").exists()


# --- params ------------------------------------------------------------------------


@pytest.mark.parametrize("path, value, message", [
    ("temp", -1.0, "'temp' must be > 0"),
    ("distill.alpha", 1.5, "'distill.alpha' must be <= 1"),
    ("distill.alpha", -0.1, "'distill.alpha' must be >= 0"),
    ("teacher.beam", 0, "'teacher.beam' must be >= 1"),
    ("evaluate.beam", 0, "'evaluate.beam' must be >= 1"),
    ("teacher_translate.beam", 0, "'teacher_translate.beam' must be >= 1"),
    ("distill.mode", "sequence", "'distill.mode' must be one of word, seq, seq\\+word"),
    ("distill.train.lr", "fast", "'distill.train.lr' must be a number"),
])
def test_bad_distillation_params_name_the_key(path, value, message):
    with pytest.raises(ParamsError, match=message):
        validate(with_change(path, value))


def test_a_student_larger_than_the_teacher_is_a_warning():
    from transformers import MarianConfig, MarianMTModel

    from xldistill.translation.distill import size_warning

    def model(d_model):
        return MarianMTModel(MarianConfig(vocab_size=50, d_model=d_model, encoder_layers=1, decoder_layers=1,
                                          encoder_attention_heads=2, decoder_attention_heads=2,
                                          encoder_ffn_dim=32, decoder_ffn_dim=32,
                                          pad_token_id=49, decoder_start_token_id=49))

    assert size_warning(model(16), model(32)) is None
    assert "is not smaller than the teacher" in size_warning(model(32), model(16))


def test_teacher_init_that_does_not_exist_or_is_not_marian(tmp_path):
    from transformers import BertConfig, BertModel

    from xldistill.translation.models import check_local_init, load_marian

    with pytest.raises(XldistillError, match=r"teacher\.init './no/such/model': no such folder"):
        check_local_init("./no/such/model")
    check_local_init("Helsinki-NLP/opus-mt-en-de")  # a hub name is left to from_pretrained
    BertModel(BertConfig(vocab_size=30, hidden_size=8, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=8)).save_pretrained(tmp_path / "bert")
    with pytest.raises(XldistillError, match="a 'bert' model, not a Marian translation model"):
        load_marian(tmp_path / "bert")
    (tmp_path / "empty").mkdir()
    with pytest.raises(XldistillError, match="not a loadable Marian model folder"):
        load_marian(tmp_path / "empty")


def test_read_lines_of_a_missing_file_names_it(tmp_path):
    with pytest.raises(CorpusError, match=r"nothing\.txt: file not found"):
        read_lines(tmp_path / "nothing.txt")
