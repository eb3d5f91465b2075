import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

PROJECT = Path(__file__).resolve().parents[1]


def tiny_params(**corpus_overrides) -> dict:
    """The project's params.yaml shrunk to a corpus that runs in seconds."""
    params = yaml.safe_load((PROJECT / "params.yaml").read_text())
    params["corpus"]["dev_size"] = 40
    params["corpus"]["test_size"] = 40
    params["corpus"]["builtin"].update(train_size=1500, mono_size=100, mono_src_size=200)
    params["corpus"].update(corpus_overrides)
    params["vocab"]["size"] = 300
    tiny_model = {"d_model": 32, "encoder_layers": 1, "decoder_layers": 1, "heads": 2, "ffn_dim": 64,
                  "dropout": 0.1, "max_positions": 64}
    params["teacher_translate"].update(beam=1, batch_size=16, mono_lines=150, mono_beam=1)
    params["evaluate"].update(beam=1, speed_sentences=5)
    for stage in ("backtranslate", "teacher", "distill"):
        params[stage]["model"] = dict(tiny_model)
        params[stage]["train"].update(max_steps=6, max_tokens=800, eval_every=3, checkpoint_every=3,
                                      dev_bleu_lines=8, warmup_steps=2)
        params[stage]["beam"] = 2
        params[stage]["max_length"] = 40
    params["distill"]["model"].update(d_model=16, ffn_dim=32)  # smaller than the teacher
    params["distill"]["mode"] = "seq+word"  # so that the temperature matters
    params["distill"]["forward_share"] = 0.05  # and forward-translated text goes to the student only
    classify = params["classify"]
    classify["builtin"].update(train_size=120, dev_size=30, test_size=40)
    classify["transfer"].update(parallel_lines=200, beam=1, dev_lines=30)
    classify["evaluate"].update(speed_texts=8, beam=1)
    for role, hidden in (("teacher", 32), ("student", 16)):
        classify[role]["model"].update(hidden=hidden, layers=1, heads=2, ffn_dim=2 * hidden, max_positions=64)
        classify[role]["train"].update(max_steps=6, max_tokens=600, eval_every=3, checkpoint_every=3,
                                       warmup_steps=2)
    ner = params["ner"]
    ner["builtin"].update(train_size=100, dev_size=30, test_size=40, alignment_size=30)
    ner["project"].update(parallel_lines=200, beam=1, dev_lines=30)
    ner["evaluate"].update(speed_sentences=8)
    for role, hidden in (("teacher", 32), ("student", 16)):
        ner[role]["model"].update(hidden=hidden, layers=1, heads=2, ffn_dim=2 * hidden, max_positions=64)
        ner[role]["train"].update(max_steps=6, max_tokens=600, eval_every=3, checkpoint_every=3, warmup_steps=2)
    return params


def with_change(path: str, value) -> dict:
    """The project's params.yaml with one dotted key set to ``value``."""
    params = yaml.safe_load((PROJECT / "params.yaml").read_text())
    *parents, last = path.split(".")
    node = params
    for key in parents:
        node = node[key]
    node[last] = value
    return params


def dvc(project: Path, *args) -> str:
    result = subprocess.run(["dvc", *args], cwd=project, capture_output=True, text=True, env=GIT_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def write_params(project: Path, params: dict) -> None:
    (project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))


@pytest.fixture
def project_copy(tmp_path):
    return copy_project(tmp_path / "project")


def copy_project(dest: Path) -> Path:
    """The project's files (not data/ or models/) in a fresh git repository, as a user's clone."""
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                           cwd=PROJECT, capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        if not (PROJECT / name).is_file() or name.startswith(("data/", "models/")):
            continue
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT / name, dest / name)
    for cmd in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "copy"]):
        subprocess.run(cmd, cwd=dest, check=True, env=GIT_ENV)
    return dest


GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.com",
           "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.com"}


@pytest.fixture(scope="session")
def setup(tmp_path_factory):
    """A tiny built-in corpus and a tokenizer trained on it: (folder, splits, tokenizer)."""
    from models_fixtures import tiny_corpus, tiny_tokenizer

    root = tmp_path_factory.mktemp("tiny")
    corpus = tiny_corpus(root / "corpus")
    return root, corpus, tiny_tokenizer(root / "corpus", root / "tokenizer")


@pytest.fixture(scope="session")
def tiny_pipeline(tmp_path_factory):
    """A project that ran `dvc repro` on the tiny config, its results committed to git."""
    project = copy_project(tmp_path_factory.mktemp("full") / "project")
    write_params(project, tiny_params())
    dvc(project, "repro")
    subprocess.run(["git", "add", "-A"], cwd=project, check=True, env=GIT_ENV)
    subprocess.run(["git", "commit", "-qm", "baseline run"], cwd=project, check=True, env=GIT_ENV)
    return project
