"""SIGKILL at any point leaves a stage's output complete or absent, never partial;
a killed training stage resumes from its checkpoint to the same weights."""

import hashlib
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import GIT_ENV, copy_project, dvc, tiny_params, write_params
from xldistill.data.textio import atomic_dir


def digest(folder) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_kill_inside_atomic_dir_keeps_the_previous_output(tmp_path):
    final = tmp_path / "out"
    final.mkdir()
    (final / "weights").write_text("previous")
    killed = subprocess.run([sys.executable, "-c", f"""
import os, signal
from xldistill.data.textio import atomic_dir
with atomic_dir({str(final)!r}) as out:
    (out / "weights").write_text("half of the new")
    os.kill(os.getpid(), signal.SIGKILL)
"""])
    assert killed.returncode == -signal.SIGKILL
    assert (final / "weights").read_text() == "previous"
    with atomic_dir(final) as out:  # the next run replaces it and sweeps the killed run's temporary folder
        (out / "weights").write_text("new")
    assert (final / "weights").read_text() == "new" and [p.name for p in tmp_path.iterdir()] == ["out"]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("interrupt") / "project")
    params = tiny_params()
    params["teacher"]["train"].update(max_steps=30, checkpoint_every=5, eval_every=15, patience=10)
    write_params(project, params)
    dvc(project, "repro", "backtranslate")
    return project


@pytest.mark.slow
def test_download_killed_at_any_moment_is_complete_or_absent(project):
    raw = project / "data" / "raw"
    reference = digest(raw)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "stages.download"], cwd=project, check=True, capture_output=True)
    duration = time.perf_counter() - started
    for fraction in (0.3, 0.6, 0.8, 0.9, 0.95, 0.99):
        stage = subprocess.Popen([sys.executable, "-m", "stages.download"], cwd=project,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(duration * fraction)
        stage.send_signal(signal.SIGKILL)
        stage.wait()
        state = digest(raw) if raw.exists() else None
        assert state in (reference, None), f"partial data/raw after a kill at {fraction:.0%} of the run"
        if state is None:  # the kill fell between removing the old folder and renaming the new one
            subprocess.run([sys.executable, "-m", "stages.download"], cwd=project, check=True, capture_output=True)
    assert digest(raw) == reference
    assert "up to date" in dvc(project, "status", "download") or not dvc(project, "status", "download").strip()


@pytest.mark.slow
def test_teacher_killed_mid_training_leaves_nothing_dvc_accepts_and_resumes(project):
    checkpoint = project / "models" / ".work" / "teacher" / "checkpoint.pt"
    run = subprocess.Popen(["dvc", "repro", "teacher"], cwd=project, env=GIT_ENV, start_new_session=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while not checkpoint.exists() and run.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    assert run.poll() is None, "the teacher finished before it could be killed"
    os.killpg(run.pid, signal.SIGKILL)  # dvc and the stage under it, like a lost machine
    run.wait()

    assert not (project / "models" / "teacher").exists()
    assert "teacher" in dvc(project, "status", "teacher")
    refused = subprocess.run(["dvc", "commit", "-f", "teacher"], cwd=project, env=GIT_ENV, capture_output=True,
                             text=True)
    assert refused.returncode != 0  # nothing partial for DVC to cache

    resumed = dvc(project, "repro", "teacher")
    assert "teacher: resuming from step" in resumed, resumed
    resumed_weights = digest(project / "models" / "teacher")
    assert not checkpoint.parent.exists()

    subprocess.run(["rm", "-rf", "models/teacher"], cwd=project, check=True)
    uninterrupted = dvc(project, "repro", "teacher")
    assert "resuming" not in uninterrupted
    assert digest(project / "models" / "teacher") == resumed_weights
