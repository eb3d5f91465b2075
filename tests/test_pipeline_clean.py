"""End to end with the real dvc command in a fresh git repository."""

import json
import subprocess

import pytest

from conftest import dvc, tiny_params, write_params


@pytest.mark.slow
def test_dvc_repro_clean_then_nothing_to_do(project_copy):
    write_params(project_copy, tiny_params())
    dvc(project_copy, "repro", "clean")

    for split in ("train", "dev", "test"):
        for side in ("src", "tgt"):
            assert (project_copy / "data" / "clean" / f"{split}.{side}").stat().st_size > 0
    assert (project_copy / "data" / "clean" / "mono.tgt").exists()
    download = json.loads((project_copy / "metrics" / "download.json").read_text())
    assert download["lines"] == {"train": 1500, "dev": 40, "test": 40, "mono": 100, "mono_src": 200}
    assert len((project_copy / "data" / "mono_src" / "mono.src").read_text().splitlines()) == 200
    clean = json.loads((project_copy / "metrics" / "clean.json").read_text())
    assert clean["noise"]["precision"] >= 0.95 and clean["noise"]["recall"] >= 0.9
    assert clean["overlap_with_train"] == {"dev": 0, "test": 0}
    dev_lines = (project_copy / "data" / "clean" / "dev.src").read_text().splitlines()
    assert len(dev_lines) == 40  # held-out splits are normalized, never filtered

    second = dvc(project_copy, "repro", "clean")
    assert "Running stage" not in second and "up to date" in second

    # A clean param reruns clean only; a corpus param reruns both.
    params = tiny_params()
    params["clean"]["ratio"]["max_ratio"] = 3.0
    write_params(project_copy, params)
    status = dvc(project_copy, "status")
    assert "clean:" in status and "download:" not in status
    params["corpus"]["builtin"]["noise"] = 0.2
    write_params(project_copy, params)
    status = dvc(project_copy, "status")
    assert "clean:" in status and "download:" in status


@pytest.mark.slow
def test_a_stage_with_bad_params_names_the_key_and_writes_nothing(project_copy):
    params = tiny_params()
    params["corpus"]["builtin"]["nosie"] = 0.1
    write_params(project_copy, params)
    result = subprocess.run(["python", "-m", "stages.download"], cwd=project_copy,
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "'corpus.builtin.nosie' is not a known key; did you mean 'corpus.builtin.noise'?" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project_copy / "data").exists()


@pytest.mark.slow
def test_a_local_corpus_is_a_dependency_dvc_sees_change(project_copy, tmp_path):
    from models_fixtures import tiny_corpus

    corpus = tiny_corpus(tmp_path / "builtin", train_size=400)
    mine = tmp_path / "mine"  # the user's files, outside the project
    mine.mkdir()
    for split in ("train", "dev", "test"):
        src, tgt = corpus[split]
        (mine / f"{split}.en").write_text("".join(line + "\n" for line in src))
        (mine / f"{split}.de").write_text("".join(line + "\n" for line in tgt))
    # source-side text for forward translation: two lines repeat a dev and a train source
    fresh = ["A completely new sentence about the weather.", "Another new sentence about a green house."]
    (mine / "mono.en").write_text("".join(line + "\n" for line in fresh + [corpus["dev"][0][3], corpus["train"][0][7]]))
    params = tiny_params(source="local")
    params["corpus"]["local"].update(train=str(mine / "train"), dev=str(mine / "dev"), test=str(mine / "test"),
                                     mono_src=str(mine / "mono.en"))
    write_params(project_copy, params)
    outside = subprocess.run(["python", "-m", "stages.download"], cwd=project_copy, capture_output=True, text=True)
    assert outside.returncode == 1 and "corpus.local.train" in outside.stderr and "dvc add" in outside.stderr
    assert not (project_copy / "data").exists()

    dvc(project_copy, "add", str(mine), "-o", "corpora/mine")  # as corpora/README.md says
    params["corpus"]["local"].update(train="corpora/mine/train", dev="corpora/mine/dev", test="corpora/mine/test",
                                     mono_src="corpora/mine/mono.en")
    write_params(project_copy, params)
    dvc(project_copy, "repro", "clean")
    # a forward-translation source that is also a train or dev source is dropped: it would leak
    assert (project_copy / "data" / "mono_src" / "mono.src").read_text().splitlines() == fresh
    clean = json.loads((project_copy / "metrics" / "clean.json").read_text())
    assert clean["mono_src"]["removed"]["in_parallel"] == 2
    assert "up to date" in dvc(project_copy, "repro", "clean")

    train_en = project_copy / "corpora" / "mine" / "train.en"
    lines = train_en.read_text().splitlines()
    lines[0] = "The edited sentence is new."
    train_en.write_text("".join(line + "\n" for line in lines))
    status = dvc(project_copy, "status")
    assert "download:" in status and "corpora" in status
    rerun = dvc(project_copy, "repro", "clean")
    assert "Running stage 'download'" in rerun and "Running stage 'clean'" in rerun
    assert "The edited sentence is new." in (project_copy / "data" / "raw" / "train.src").read_text()

    params["corpus"]["local"]["dev"] = "corpora/mine/missing"
    write_params(project_copy, params)
    missing = subprocess.run(["python", "-m", "stages.download"], cwd=project_copy, capture_output=True, text=True)
    assert missing.returncode == 1 and "corpora/mine/missing.en: file not found" in missing.stderr
    assert "Traceback" not in missing.stderr
