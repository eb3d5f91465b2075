"""Tiny corpora, tokenizers and models for the model-layer tests (seconds, not minutes)."""

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

from transformers import MarianTokenizer

from xldistill.data.builtin_corpus import write_builtin_corpus
from xldistill.translation.models import build_marian
from xldistill.data.textio import read_lines
from xldistill.training.trainer import seed_everything
from xldistill.data.vocab import train_sentencepiece, write_tokenizer

TINY_MODEL = {"d_model": 32, "encoder_layers": 1, "decoder_layers": 1, "heads": 2, "ffn_dim": 64,
              "dropout": 0.1, "max_positions": 64}
TINY_TRAIN = {"max_steps": 12, "max_tokens": 600, "accumulation": 1, "lr": 0.003, "warmup_steps": 4,
              "schedule": "inverse_sqrt", "label_smoothing": 0.1, "clip_norm": 1.0, "weight_decay": 0.0,
              "eval_every": 6, "patience": 3, "checkpoint_every": 4, "dev_bleu_lines": 10,
              "mixed_precision": "fp32"}


def tiny_corpus(folder: Path, train_size: int = 300) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    write_builtin_corpus(folder, seed=4, train_size=train_size, dev_size=20, test_size=20, mono_size=30, noise=0,
                         mono_src_size=150)
    return {split: (read_lines(folder / f"{split}.src"), read_lines(folder / f"{split}.tgt"))
            for split in ("train", "dev", "test")} | {"mono": read_lines(folder / "mono.tgt")}


def tiny_tokenizer(corpus_dir: Path, out_dir: Path, size: int = 300) -> MarianTokenizer:
    spm_model = train_sentencepiece([corpus_dir / "train.src", corpus_dir / "train.tgt"],
                                    out_dir.parent / "spm", vocab_size=size, model_type="unigram", seed=1)
    return write_tokenizer(spm_model, out_dir)


def tiny_model(tokenizer: MarianTokenizer, seed: int = 1):
    seed_everything(seed)
    return build_marian(tokenizer, TINY_MODEL, max_positions=TINY_MODEL["max_positions"])


README = Path(__file__).resolve().parents[1] / "README.md"


def readme_snippet_output(folder: Path, sentences: list[str]) -> list[str]:
    """Run README.md's model-loading snippet on ``folder`` in a clean Python (nothing of this
    project importable) and return what it prints for ``sentences``."""
    snippet = next(block for block in re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
                   if "MarianMTModel.from_pretrained" in block)
    assert '"models/student"' in snippet and "sentences = [" in snippet
    code = re.sub(r"sentences = \[.*?\]\n", lambda _: f"sentences = {json.dumps(sentences)}\n",
                  snippet.replace('"models/student"', json.dumps(str(folder))), flags=re.S)
    code += "\nimport sys\nassert not any(m.startswith('xldistill') for m in sys.modules)\n"
    out = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True,
                         cwd=folder.parent)
    assert out.returncode == 0, out.stderr
    return ast.literal_eval(out.stdout.strip().splitlines()[-1])
