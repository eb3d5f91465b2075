"""Labelled text for classification: the loaders, their errors, and the built-in sets."""

import json

import pytest

from xldistill.data.labelled import (LabelledSet, builtin_sets, check_labels, read_hf, read_jsonl, read_tsv,
                                     relabel, write_tsv)
from xldistill.data.textio import dedup_key
from xldistill.errors import CorpusError


def test_tsv_round_trip_and_webis_style_lines(tmp_path):
    path = tmp_path / "train.tsv"
    path.write_text("1\tA fine book about cats. Worth it\n0\tBoring, and too long\n", encoding="utf-8")
    labelled = read_tsv(path)
    assert labelled.labels == ["1", "0"] and labelled.texts[1] == "Boring, and too long"
    write_tsv(tmp_path / "copy.tsv", labelled)
    assert read_tsv(tmp_path / "copy.tsv") == labelled


@pytest.mark.parametrize("content, message", [
    ("positive\tgood\nnegative\tbad\textra column\n", r"train.tsv:2: expected 2 tab-separated columns"),
    ("positive good\n", r"train.tsv:1: expected 2 tab-separated columns .* found 1"),
    ("positive\t \n", r"train.tsv:1: empty text"),
    ("\tsome text\n", r"train.tsv:1: empty label"),
    ("", r"train.tsv: no labelled text \(an empty split\)"),
])
def test_tsv_errors_name_file_and_line(tmp_path, content, message):
    path = tmp_path / "train.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CorpusError, match=message):
        read_tsv(path)


def test_jsonl_reads_fields_and_names_bad_lines(tmp_path):
    path = tmp_path / "test.jsonl"
    path.write_text(json.dumps({"review": "Sehr gut", "stars": "positive"}) + "\n\n"
                    + json.dumps({"review": "Schlecht", "stars": "negative"}) + "\n", encoding="utf-8")
    labelled = read_jsonl(path, text_field="review", label_field="stars")
    assert labelled == LabelledSet(["Sehr gut", "Schlecht"], ["positive", "negative"])
    path.write_text(json.dumps({"review": "Sehr gut"}) + "\n{broken\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"test.jsonl:1: no field 'stars'"):
        read_jsonl(path, text_field="review", label_field="stars")
    path.write_text(json.dumps({"review": "ok", "stars": "positive"}) + "\n{broken\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"test.jsonl:2: not valid JSON"):
        read_jsonl(path, text_field="review", label_field="stars")


def test_a_dataset_saved_to_disk_loads_with_its_class_names(tmp_path):
    import datasets

    features = datasets.Features({"text": datasets.Value("string"),
                                  "label": datasets.ClassLabel(names=["negative", "positive"])})
    data = datasets.DatasetDict({"train": datasets.Dataset.from_dict(
        {"text": ["good", "bad", "fine"], "label": [1, 0, 1]}, features=features)})
    data.save_to_disk(str(tmp_path / "reviews"))
    labelled = read_hf(str(tmp_path / "reviews"), "train", text_field="text", label_field="label")
    assert labelled == LabelledSet(["good", "bad", "fine"], ["positive", "negative", "positive"])
    with pytest.raises(CorpusError, match=r"no column 'stars'"):
        read_hf(str(tmp_path / "reviews"), "train", text_field="text", label_field="stars")
    with pytest.raises(CorpusError, match=r"reviews\[test\]: cannot load"):
        read_hf(str(tmp_path / "reviews"), "test", text_field="text", label_field="label")


def test_unknown_and_unmapped_labels_are_named():
    labelled = LabelledSet(["a", "b", "c"], ["positive", "negative", "mixed"])
    with pytest.raises(CorpusError, match=r"test.tsv: item 3 has unknown label 'mixed' \(known: negative, positive\)"):
        check_labels(labelled, ["negative", "positive"], "test.tsv")
    webis = LabelledSet(["a", "b"], ["1", "2"])
    with pytest.raises(CorpusError, match=r"item 2 has label '2', which label_map does not map"):
        relabel(webis, {"0": "negative", "1": "positive"}, "classify.local.train")
    assert relabel(webis, {"1": "positive", "2": "negative"}, "x").labels == ["positive", "negative"]


def test_builtin_sets_are_disjoint_balanced_noisy_and_deterministic():
    blocked = builtin_sets(seed=3, task="sentiment", train_size=60, dev_size=15, test_size=30, label_noise=0.0,
                           exclude=set())
    exclude = {dedup_key(blocked["test"].texts[0])}
    sets = builtin_sets(seed=3, task="sentiment", train_size=300, dev_size=30, test_size=60, label_noise=0.2,
                        exclude=exclude)
    again = builtin_sets(seed=3, task="sentiment", train_size=300, dev_size=30, test_size=60, label_noise=0.2,
                         exclude=exclude)
    assert sets == again
    assert blocked["test"].texts[0] not in sets["test"].texts  # an excluded sentence is never drawn
    english = sets["train"].texts + sets["dev"].texts
    german = sets["test"].texts + sets["target_dev"].texts
    assert len({dedup_key(t) for t in english}) == len(english)
    assert len({dedup_key(t) for t in german}) == len(german)
    assert sets["target_train"].labels != sets["train"].labels  # the noise is on English train only
    wrong = sum(a != b for a, b in zip(sets["train"].labels, sets["target_train"].labels))
    assert wrong == 60
    assert sets["target_dev"].labels == sets["dev"].labels  # the two sides of a pair: one label
    assert {sets["test"].labels.count(name) for name in ("negative", "neutral", "positive")} == {20}
    topics = builtin_sets(seed=3, task="topic", train_size=50, dev_size=10, test_size=50, label_noise=0.0,
                          exclude=set())
    assert set(topics["test"].labels) == {"food", "nature", "travel", "culture", "home"}
