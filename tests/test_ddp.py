"""The same training loop under torchrun: 2 CPU processes stay in sync."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from models_fixtures import tiny_corpus, tiny_model, tiny_tokenizer

TESTS = Path(__file__).parent


@pytest.mark.slow
def test_two_process_ddp_keeps_replicas_identical(tmp_path):
    tiny_corpus(tmp_path / "corpus")
    tokenizer = tiny_tokenizer(tmp_path / "corpus", tmp_path / "tokenizer")
    env = {**os.environ, "PYTHONPATH": f"{TESTS}{os.pathsep}{TESTS.parent}", "OMP_NUM_THREADS": "1"}
    result = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
                             str(TESTS / "ddp_worker.py"), str(tmp_path)],
                            capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "rank 0 of 2: 6 steps" in result.stdout and "rank 1 of 2: 6 steps" in result.stdout
    rank0 = torch.load(tmp_path / "weights-0.pt", weights_only=True)
    rank1 = torch.load(tmp_path / "weights-1.pt", weights_only=True)
    initial = tiny_model(tokenizer).state_dict()
    assert all(torch.equal(rank0[k], rank1[k]) for k in rank0)  # gradients were averaged
    assert not all(torch.equal(rank0[k], initial[k]) for k in rank0)  # and applied
