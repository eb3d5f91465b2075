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
    params["corpus"]["builtin"].update(train_size=1500, mono_size=100)
    params["corpus"].update(corpus_overrides)
    return params


@pytest.fixture
def project_copy(tmp_path):
    """The committed project files in a fresh git repository, as a user's clone."""
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                           cwd=PROJECT, capture_output=True, text=True, check=True).stdout.split()
    dest = tmp_path / "project"
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
