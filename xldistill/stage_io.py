"""Reading the pipeline's line-aligned splits and scoring a model on one."""

from __future__ import annotations

from pathlib import Path

from transformers import MarianMTModel, MarianTokenizer

from xldistill.errors import CorpusError
from xldistill.textio import read_lines
from xldistill.translate import score, translate


def read_split(folder: Path, split: str) -> tuple[list[str], list[str]]:
    src, tgt = read_lines(folder / f"{split}.src"), read_lines(folder / f"{split}.tgt")
    if len(src) != len(tgt):
        raise CorpusError(f"{folder}/{split}.src has {len(src)} lines but {split}.tgt has {len(tgt)}")
    return src, tgt


def evaluate(model: MarianMTModel, tokenizer: MarianTokenizer, sources: list[str], references: list[str],
             *, beam: int, max_length: int) -> tuple[dict, list[str]]:
    """sacrebleu scores (with signatures) and the hypotheses."""
    hypotheses = translate(model, tokenizer, sources, beam=beam, max_length=max_length)
    return score(hypotheses, references), hypotheses
