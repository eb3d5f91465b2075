"""evaluate stage: every model on the test split → metrics/evaluate.json,
metrics/translations/<model>.txt and metrics/curves/bleu_vs_size.csv.

For teacher, baseline, student, student-int8 (PyTorch) and student-ct2
(CTranslate2): sacrebleu BLEU / chrF / TER with signatures, parameters, size
on disk, and CPU speed (sentences/s and target tokens/s at batch 1 and batch
32, beam and threads from params) — then the ratios the pipeline exists for.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from xldistill.cli import run_stage
from xldistill.engines import open_engine, timed_translation
from xldistill.models import size_on_disk
from xldistill.params import load_params
from xldistill.stage_io import read_split
from xldistill.textio import atomic_dir, write_json_atomic, write_lines, write_text_atomic
from xldistill.translate import score

CLEAN = Path("data/clean")
MODELS = {"teacher": "models/teacher", "baseline": "models/baseline", "student": "models/student",
          "student_int8": "models/student-int8", "student_ct2": "models/student-ct2"}
METRICS = Path("metrics/evaluate.json")
TRANSLATIONS = Path("metrics/translations")
SIZE_PLOT = Path("metrics/curves/bleu_vs_size.csv")


def main() -> None:
    params = load_params()
    cfg = params["evaluate"]
    sources, references = read_split(CLEAN, "test")
    timed = sources[:cfg["speed_sentences"]]
    results, translations = {}, {}
    for name, folder in MODELS.items():
        engine = open_engine(folder, threads=cfg["threads"])
        decoding = {"beam": cfg["beam"], "max_length": cfg["max_length"]}
        # Batch 32 is timed on the whole test split (the pass that is scored), batch 1 on its first
        # speed_sentences: one runaway hypothesis holds up its whole batch, so few sentences are noisy.
        hypotheses, batch32 = timed_translation(engine, sources, batch_size=32, **decoding)
        _, batch1 = timed_translation(engine, timed, batch_size=1, **decoding)
        scores = score(hypotheses, references)
        results[name] = {**scores, "engine": engine.kind, "size_bytes": size_on_disk(Path(folder)),
                         "params": engine.parameters(), "batch1": batch1, "batch32": batch32}
        translations[name] = hypotheses
        print(f"evaluate: {name:<13} BLEU {scores['bleu']:6.2f}  "
              f"{results[name]['batch32']['sentences_per_s']:8.1f} sentences/s at batch 32")
    for quantized in ("student_int8", "student_ct2"):
        results[quantized]["params"] = results["student"]["params"]
    teacher, student = results["teacher"], results["student"]
    results["ratios"] = {
        "student_over_teacher_bleu": round(student["bleu"] / max(teacher["bleu"], 1e-9), 4),
        "teacher_over_student_params": round(teacher["params"] / student["params"], 2),
        "kd_gain_over_baseline_bleu": round(student["bleu"] - results["baseline"]["bleu"], 2),
        "int8_ct2_bleu_loss": round(student["bleu"] - results["student_ct2"]["bleu"], 2),
        "int8_torch_bleu_loss": round(student["bleu"] - results["student_int8"]["bleu"], 2),
        **{f"speedup_over_teacher_{name}": round(results[name]["batch32"]["sentences_per_s"]
                                                 / teacher["batch32"]["sentences_per_s"], 2)
           for name in ("baseline", "student", "student_int8", "student_ct2")},
    }
    results["settings"] = {"beam": cfg["beam"], "threads": cfg["threads"], "speed_sentences": len(timed),
                           "test_sentences": len(sources),
                           "ctranslate2_threads": "inter_threads=threads, intra_threads=1"}
    with atomic_dir(TRANSLATIONS) as out:
        for name, hypotheses in translations.items():
            write_lines(out / f"{name}.txt", hypotheses)
    size_plot = io.StringIO()
    writer = csv.writer(size_plot, lineterminator="\n")
    writer.writerow(["model", "size_mb", "bleu"])
    for name in MODELS:
        writer.writerow([name, round(results[name]["size_bytes"] / 1e6, 3), results[name]["bleu"]])
    write_text_atomic(SIZE_PLOT, size_plot.getvalue())
    write_json_atomic(METRICS, results)
    print(f"evaluate: {results['ratios']}")


if __name__ == "__main__":
    run_stage("evaluate", main)
