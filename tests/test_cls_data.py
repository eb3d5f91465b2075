"""The cls_data stage on own files: Webis-CLS-10-style TSV, labels renamed, dev sets carved,
and bad input as one line naming the file and item, with nothing written."""

import json
import os
import subprocess
import sys

import yaml

from conftest import PROJECT

DEFAULTS = yaml.safe_load((PROJECT / "params.yaml").read_text())


def reviews(n: int, language: str) -> str:
    words = {"en": ("A wonderful book", "A dull book"), "de": ("Ein wunderbares Buch", "Ein langweiliges Buch")}
    return "".join(f"{i % 2}\t{words[language][1 - i % 2]} number {i}\n" for i in range(n))


def run_stage(project, **local):
    params = yaml.safe_load(yaml.safe_dump(DEFAULTS))
    params["classify"].update(source="local", dev_size=4,
                              label_map=[{"from": "0", "to": "negative"}, {"from": "1", "to": "positive"}])
    params["classify"]["local"].update(local)
    (project / "params.yaml").write_text(yaml.safe_dump(params))
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    return subprocess.run([sys.executable, "-m", "stages.cls_data"], cwd=project, env=env, capture_output=True,
                          text=True)


def test_webis_style_files_become_the_classification_sets(tmp_path):
    corpora = tmp_path / "corpora"
    corpora.mkdir()
    (corpora / "en.train.txt").write_text(reviews(20, "en"))
    (corpora / "de.test.txt").write_text(reviews(10, "de"))
    (corpora / "de.train.txt").write_text(reviews(12, "de"))
    result = run_stage(tmp_path, train="corpora/en.train.txt", test="corpora/de.test.txt",
                       target_train="corpora/de.train.txt")
    assert result.returncode == 0, result.stderr
    out = tmp_path / "data" / "cls"
    assert json.loads((out / "labels.json").read_text()) == ["negative", "positive"]
    metrics = json.loads((tmp_path / "metrics" / "cls_data.json").read_text())
    assert metrics["texts"] == {"train": 16, "dev": 4, "test": 10, "target_train": 8, "target_dev": 4}
    assert metrics["carved_from_train"] == ["dev", "target_dev"]
    first = (out / "test.tgt.tsv").read_text().splitlines()[0]
    assert first == "negative\tEin langweiliges Buch number 0"
    english = (out / "train.src.tsv").read_text() + (out / "dev.src.tsv").read_text()
    assert len(english.splitlines()) == 20  # carving moves lines, it loses none


def test_an_unknown_label_in_the_german_test_set_names_file_and_item(tmp_path):
    corpora = tmp_path / "corpora"
    corpora.mkdir()
    (corpora / "en.train.txt").write_text(reviews(20, "en"))
    (corpora / "de.test.txt").write_text(reviews(3, "de") + "2\tEin Buch\n")
    result = run_stage(tmp_path, train="corpora/en.train.txt", test="corpora/de.test.txt")
    assert result.returncode == 1
    assert "corpora/de.test.txt: item 4 has label '2', which label_map does not map" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data" / "cls").exists()  # nothing half written


def test_a_missing_train_file_setting_is_named(tmp_path):
    result = run_stage(tmp_path, train=None, test="corpora/de.test.txt")
    assert result.returncode == 1 and "'classify.local.train' must be set" in result.stderr
