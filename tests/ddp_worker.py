"""Run by torchrun from test_ddp.py: the trainer on 2 CPU processes (DDP over gloo)."""

import os
import sys
from pathlib import Path

import torch
from transformers import MarianTokenizer

from models_fixtures import TINY_TRAIN, tiny_model
from xldistill.data.textio import read_lines
from xldistill.translation.task import train_translation

root = Path(sys.argv[1])
tokenizer = MarianTokenizer.from_pretrained(str(root / "tokenizer"))
pairs = {split: (read_lines(root / "corpus" / f"{split}.src"), read_lines(root / "corpus" / f"{split}.tgt"))
         for split in ("train", "dev")}
model = tiny_model(tokenizer)
result = train_translation(model, tokenizer, pairs["train"], pairs["dev"], {**TINY_TRAIN, "max_steps": 6},
               seed=1, work_dir=root / "work", name="ddp")
rank = int(os.environ["RANK"])
torch.save(model.state_dict(), root / f"weights-{rank}.pt")
print(f"rank {rank} of {os.environ['WORLD_SIZE']}: {result.steps} steps")
