"""teacher_translate stage: the teacher translates the training sources once →
data/distill/ (sequence-level KD data, Kim & Rush 2016), and the first
`mono_lines` lines of source-side monolingual text → data/forward/ (forward
translation: text only a student with a teacher can learn from). Both are cached
DVC outputs, so changing `temp` or `alpha` never re-translates anything.

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
from xldistill.translation.engines import CTranslate2Engine, Engine
from xldistill.errors import XldistillError
from xldistill.params import load_params
from xldistill.translation.stage_io import read_split
from xldistill.data.textio import atomic_dir, count_lines, read_lines, write_json_atomic, write_lines
from xldistill.translation.translate import score

AUGMENTED = Path("data/augmented")
MONO_SRC = Path("data/mono_src/mono.src")
TEACHER = Path("models/teacher")
TEACHER_CT2 = Path("models/teacher-ct2")  # the quantize_teacher stage's conversion
OUT_DIR = Path("data/distill")
FORWARD_DIR = Path("data/forward")
METRICS = Path("metrics/teacher_translate.json")


def best_by_chrf(nbest: list[list[str]], references: list[str]) -> list[str]:
    chrf = CHRF()
    return [max(hypotheses, key=lambda h: chrf.sentence_score(h, [ref]).score)
            for hypotheses, ref in zip(nbest, references)]


def translate_with_teacher(cfg: dict, sources: list[str], references: list[str] | None, *,
                           beam: int) -> tuple[list, str]:
    """The teacher's translations; with references and nbest > 1, the best of n by chrF."""
    nbest = cfg["nbest"] if references is not None else 1
    if cfg["engine"] in ("auto", "ctranslate2"):
        engine = CTranslate2Engine(TEACHER_CT2, threads=2)
        output = engine.translate(sources, beam=beam, max_length=cfg["max_length"],
                                  batch_size=cfg["batch_size"], num_hypotheses=nbest)
        return (best_by_chrf(output, references) if nbest > 1 else output), "ctranslate2"
    if nbest > 1:
        raise XldistillError("teacher_translate.nbest > 1 needs the CTranslate2 engine")
    engine = Engine(TEACHER, threads=2)
    return engine.translate(sources, beam=beam, max_length=cfg["max_length"],
                            batch_size=cfg["batch_size"], progress=True), "transformers"


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def main() -> None:
    cfg = load_params()["teacher_translate"]
    sources, references = read_split(AUGMENTED, "train")
    (hypotheses, engine), seconds = timed(translate_with_teacher, cfg, sources, references, beam=cfg["beam"])
    mono = read_lines(MONO_SRC)[:cfg["mono_lines"]]
    forward, forward_seconds = (timed(translate_with_teacher, cfg, mono, None, beam=cfg["mono_beam"])
                                if mono else (([], engine), 0.0))
    with atomic_dir(OUT_DIR) as out:
        write_lines(out / "train.src", sources)
        write_lines(out / "train.tgt", hypotheses)
    with atomic_dir(FORWARD_DIR) as out:
        write_lines(out / "train.src", mono)
        write_lines(out / "train.tgt", forward[0])
    agreement = score(hypotheses, references)
    write_json_atomic(METRICS, {"engine": engine, "sentences": len(sources), "seconds": round(seconds, 1),
                                "sentences_per_s": round(len(sources) / seconds, 1),
                                "chrf_vs_reference": agreement["chrf"], "bleu_vs_reference": agreement["bleu"],
                                "forward": {"sentences": len(mono), "available": count_lines(MONO_SRC),
                                            "beam": cfg["mono_beam"], "seconds": round(forward_seconds, 1)}})
    print(f"teacher_translate: {len(sources)} parallel sources in {seconds:.0f}s and {len(mono)} "
          f"monolingual sources in {forward_seconds:.0f}s with {engine}")


if __name__ == "__main__":
    run_stage("teacher_translate", main)
