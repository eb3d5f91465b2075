"""teacher_translate stage: the teacher translates the training sources once →
data/distill/ (sequence-level KD data, Kim & Rush 2016), cached as its own DVC
output so that changing `temp` or `alpha` never re-translates the corpus.

With `nbest` > 1 the hypothesis with the best sentence chrF against the
reference is kept. CTranslate2 runs the teacher as the quantize_teacher stage
converted it (`engine: auto` or `ctranslate2`); `engine: transformers` runs the
trained folder with batched generate instead.
"""

from __future__ import annotations

import time
from pathlib import Path

from sacrebleu.metrics import CHRF

from xldistill.cli import run_stage
from xldistill.engines import CTranslate2Engine, Engine
from xldistill.errors import XldistillError
from xldistill.params import load_params
from xldistill.stage_io import read_split
from xldistill.textio import atomic_dir, write_json_atomic, write_lines
from xldistill.translate import score

AUGMENTED = Path("data/augmented")
TEACHER = Path("models/teacher")
TEACHER_CT2 = Path("models/teacher-ct2")  # the quantize_teacher stage's conversion
OUT_DIR = Path("data/distill")
METRICS = Path("metrics/teacher_translate.json")


def best_by_chrf(nbest: list[list[str]], references: list[str]) -> list[str]:
    chrf = CHRF()
    return [max(hypotheses, key=lambda h: chrf.sentence_score(h, [ref]).score)
            for hypotheses, ref in zip(nbest, references)]


def translate_with_teacher(cfg: dict, sources: list[str], references: list[str]) -> tuple[list, str]:
    if cfg["engine"] in ("auto", "ctranslate2"):
        engine = CTranslate2Engine(TEACHER_CT2, threads=2)
        output = engine.translate(sources, beam=cfg["beam"], max_length=cfg["max_length"],
                                  batch_size=cfg["batch_size"], num_hypotheses=cfg["nbest"])
        return (best_by_chrf(output, references) if cfg["nbest"] > 1 else output), "ctranslate2"
    if cfg["nbest"] > 1:
        raise XldistillError("teacher_translate.nbest > 1 needs the CTranslate2 engine")
    engine = Engine(TEACHER, threads=2)
    return engine.translate(sources, beam=cfg["beam"], max_length=cfg["max_length"],
                            batch_size=cfg["batch_size"], progress=True), "transformers"


def main() -> None:
    cfg = load_params()["teacher_translate"]
    sources, references = read_split(AUGMENTED, "train")
    started = time.perf_counter()
    hypotheses, engine = translate_with_teacher(cfg, sources, references)
    seconds = time.perf_counter() - started
    with atomic_dir(OUT_DIR) as out:
        write_lines(out / "train.src", sources)
        write_lines(out / "train.tgt", hypotheses)
    agreement = score(hypotheses, references)
    write_json_atomic(METRICS, {"engine": engine, "sentences": len(sources), "seconds": round(seconds, 1),
                                "sentences_per_s": round(len(sources) / seconds, 1),
                                "chrf_vs_reference": agreement["chrf"], "bleu_vs_reference": agreement["bleu"]})
    print(f"teacher_translate: {len(sources)} sentences with {engine} in {seconds:.0f}s")


if __name__ == "__main__":
    run_stage("teacher_translate", main)
