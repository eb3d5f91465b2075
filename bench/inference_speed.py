"""CPU translation speed of every model the pipeline writes, side by side.

    python bench/inference_speed.py            # after `dvc repro`, on models/ and data/clean/

Teacher fp32, student fp32, student int8 (PyTorch) and student int8
(CTranslate2), at batch 1 and 32, 1 and 2 threads, beam 1 and 4: sentences/s,
speed-up over the teacher at the same settings, and BLEU on the timed
sentences. One more row shows CTranslate2 with its threads inside each batch
(intra_threads) instead of across batches, the setting the engine avoids.
Writes bench/results/inference_speed.json.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import PROJECT, RESULTS, report  # noqa: E402
from xldistill.translation.engines import open_engine, timed_translation  # noqa: E402
from xldistill.translation.stage_io import read_split  # noqa: E402
from xldistill.translation.translate import score  # noqa: E402

ENGINES = {"teacher": "teacher", "student": "student", "student_int8_torch": "student-int8",
           "student_int8_ct2": "student-ct2"}


def with_intra_threads(engine, threads: int):
    """The same CTranslate2 model with its threads inside each batch."""
    import ctranslate2

    engine.model = ctranslate2.Translator(str(engine.folder), device="cpu", inter_threads=1, intra_threads=threads)
    return engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=Path, default=PROJECT / "models")
    parser.add_argument("--data", type=Path, default=PROJECT / "data" / "clean")
    parser.add_argument("--sentences", type=int, default=500, help="test sentences timed per setting")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 32])
    parser.add_argument("--beams", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--out", type=Path, default=RESULTS / "inference_speed.json")
    args = parser.parse_args()

    sources, references = read_split(args.data, "test")
    sources, references = sources[:args.sentences], references[:args.sentences]
    rows = []
    for threads in args.threads:
        engines = {name: open_engine(args.models / folder, threads=threads) for name, folder in ENGINES.items()}
        engines["student_int8_ct2_intra"] = with_intra_threads(
            open_engine(args.models / ENGINES["student_int8_ct2"], threads=threads), threads)
        for beam in args.beams:
            for batch in args.batches:
                speeds, bleus = {}, {}
                for name, engine in engines.items():
                    if name == "student_int8_ct2_intra" and threads == 1:
                        continue  # one thread: the same as student_int8_ct2
                    output, speed = timed_translation(engine, sources, batch_size=batch, beam=beam,
                                                      max_length=args.max_length)
                    speeds[name] = speed["sentences_per_s"]
                    bleus[name] = score(output, references)["bleu"]
                for name in speeds:
                    rows.append({"model": name, "threads": threads, "beam": beam, "batch": batch,
                                 "sentences_per_s": round(speeds[name], 1),
                                 "speedup_over_teacher": round(speeds[name] / speeds["teacher"], 2),
                                 "bleu": bleus[name],
                                 "bleu_loss_vs_student": round(bleus["student"] - bleus[name], 2)})
                print(f"threads {threads} beam {beam} batch {batch}: "
                      + ", ".join(f"{n} {s:.0f}/s" for n, s in speeds.items()), file=sys.stderr)
    target = next((r for r in rows if r["model"] == "student_int8_ct2" and r["batch"] == 32 and r["beam"] == 4
                   and r["threads"] == max(args.threads)), None)
    verdict = None
    if target:
        verdict = {"ct2_int8_speedup_at_batch32_beam4": target["speedup_over_teacher"],
                   "ct2_int8_bleu_loss": target["bleu_loss_vs_student"],
                   "met": target["speedup_over_teacher"] >= 10 and target["bleu_loss_vs_student"] <= 0.5}
    report(rows, args.out, sentences=len(sources), target=verdict)
    if verdict:
        print(f"\ntarget (CTranslate2 int8 >= 10x the teacher at batch 32, beam 4, <= 0.5 BLEU loss): {verdict}")


if __name__ == "__main__":
    main()
