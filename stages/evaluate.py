"""evaluate stage: every model in every engine it has, on the test split →
metrics/evaluate.json, metrics/translations/<entry>.txt, metrics/curves/bleu_vs_size.csv
and metrics/curves/quality_speed.csv.

Entries: teacher, baseline and student in transformers (fp32), the student in PyTorch
int8, and teacher, baseline and student in CTranslate2 (int8 by default). Each is
scored (sacrebleu BLEU / chrF / TER with signatures) and timed (sentences/s and target
tokens/s at batch 1 and 32) at `evaluate.beam` and greedy, one after the other in this
one process, so that its speeds compare with each other. Speed-ups compare like with
like (a model against the teacher in the same engine); the cross-engine ones name both
engines. The quality–speed frontier holds the points (entry × beam, batch-32 speed) that
no other point beats on both BLEU and speed.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from xldistill.cli import run_stage
from xldistill.translation.engines import open_engine, timed_translation
from xldistill.translation.frontier import frontier
from xldistill.translation.models import size_on_disk
from xldistill.params import load_params
from xldistill.translation.stage_io import read_split
from xldistill.data.textio import atomic_dir, write_json_atomic, write_lines, write_text_atomic
from xldistill.translation.translate import score

CLEAN = Path("data/clean")
# entry → (the trained model it runs, its folder)
ENTRIES = {"teacher": ("teacher", "models/teacher"), "baseline": ("baseline", "models/baseline"),
           "student": ("student", "models/student"), "student_int8": ("student", "models/student-int8"),
           "teacher_ct2": ("teacher", "models/teacher-ct2"), "baseline_ct2": ("baseline", "models/baseline-ct2"),
           "student_ct2": ("student", "models/student-ct2")}
METRICS = Path("metrics/evaluate.json")
TRANSLATIONS = Path("metrics/translations")
SIZE_PLOT = Path("metrics/curves/bleu_vs_size.csv")
QUALITY_SPEED_PLOT = Path("metrics/curves/quality_speed.csv")


def measure(engine, sources: list[str], references: list[str], *, beam: int, max_length: int,
            speed_sentences: int) -> tuple[list[str], dict]:
    """Scores of the batch-32 pass over the whole test split, and its speed. Batch 1 is timed
    on the first `speed_sentences`: it is slow, and one runaway hypothesis holds up a whole
    batch of 32, so batch 32 needs every sentence to be steady."""
    decoding = {"beam": beam, "max_length": max_length}
    hypotheses, batch32 = timed_translation(engine, sources, batch_size=32, **decoding)
    _, batch1 = timed_translation(engine, sources[:speed_sentences], batch_size=1, **decoding)
    return hypotheses, {**score(hypotheses, references), "batch1": batch1, "batch32": batch32}


def speed_ratios(results: dict) -> dict:
    """Speed-ups at batch 32: like with like first, then across engines with both engines named."""
    def speedup(fast: str, slow: str) -> float:
        return round(results[fast]["batch32"]["sentences_per_s"] / results[slow]["batch32"]["sentences_per_s"], 2)

    return {
        "speedup_student_over_teacher_in_transformers": speedup("student", "teacher"),
        "speedup_student_over_teacher_in_ctranslate2": speedup("student_ct2", "teacher_ct2"),
        "speedup_baseline_over_teacher_in_transformers": speedup("baseline", "teacher"),
        "speedup_baseline_over_teacher_in_ctranslate2": speedup("baseline_ct2", "teacher_ct2"),
        "speedup_teacher_ctranslate2_over_teacher_transformers": speedup("teacher_ct2", "teacher"),
        "speedup_student_ctranslate2_over_student_transformers": speedup("student_ct2", "student"),
        "speedup_student_torch_int8_over_student_transformers": speedup("student_int8", "student"),
        "speedup_student_ctranslate2_over_teacher_transformers": speedup("student_ct2", "teacher"),
    }


def main() -> None:
    cfg = load_params()["evaluate"]
    sources, references = read_split(CLEAN, "test")
    beams = sorted({cfg["beam"], 1}, reverse=True)  # the evaluation beam first, then greedy
    results, translations, points = {}, {}, []
    for name, (model, folder) in ENTRIES.items():
        engine = open_engine(folder, threads=cfg["threads"])
        entry = {"model": model, "engine": engine.kind, "size_bytes": size_on_disk(Path(folder)),
                 "params": engine.parameters()}
        for beam in beams:
            hypotheses, measured = measure(engine, sources, references, beam=beam, max_length=cfg["max_length"],
                                           speed_sentences=cfg["speed_sentences"])
            if beam == cfg["beam"]:
                entry.update(measured)
                translations[name] = hypotheses
            else:
                entry["greedy"] = {k: v for k, v in measured.items() if not k.endswith("_signature")}
            points.append({"point": f"{name} beam{beam}", "model": model, "engine": engine.kind, "beam": beam,
                           "sentences_per_s": measured["batch32"]["sentences_per_s"], "bleu": measured["bleu"]})
            print(f"evaluate: {name:<13} beam {beam}  BLEU {measured['bleu']:6.2f}  "
                  f"{measured['batch32']['sentences_per_s']:8.1f} sentences/s at batch 32")
        results[name] = entry
    for name, (model, _) in ENTRIES.items():  # a converted model counts the parameters it was trained with
        results[name]["params"] = results[model]["params"]

    teacher, student, baseline = results["teacher"], results["student"], results["baseline"]
    results["ratios"] = {
        "student_over_teacher_bleu": round(student["bleu"] / max(teacher["bleu"], 1e-9), 4),
        "teacher_over_student_params": round(teacher["params"] / student["params"], 2),
        "kd_gain_over_baseline_bleu": round(student["bleu"] - baseline["bleu"], 2),
        "kd_gain_over_baseline_bleu_in_ctranslate2": round(results["student_ct2"]["bleu"]
                                                           - results["baseline_ct2"]["bleu"], 2),
        "int8_ct2_bleu_loss": round(student["bleu"] - results["student_ct2"]["bleu"], 2),
        "int8_torch_bleu_loss": round(student["bleu"] - results["student_int8"]["bleu"], 2),
        "int8_ct2_teacher_bleu_loss": round(teacher["bleu"] - results["teacher_ct2"]["bleu"], 2),
        **speed_ratios(results),
    }
    on_frontier = {p["point"] for p in frontier(points)}
    results["frontier"] = {p["point"]: p["point"] in on_frontier for p in points}
    results["settings"] = {"beam": cfg["beam"], "beams_timed": beams, "threads": cfg["threads"],
                           "speed_sentences": min(cfg["speed_sentences"], len(sources)),
                           "test_sentences": len(sources), "frontier_speed": "sentences/s at batch 32",
                           "ctranslate2_threads": "inter_threads=threads, intra_threads=1"}

    with atomic_dir(TRANSLATIONS) as out:
        for name, hypotheses in translations.items():
            write_lines(out / f"{name}.txt", hypotheses)
    write_text_atomic(SIZE_PLOT, csv_text(["model", "size_mb", "bleu"],
                                          [[name, round(results[name]["size_bytes"] / 1e6, 3), results[name]["bleu"]]
                                           for name in ENTRIES]))
    write_text_atomic(QUALITY_SPEED_PLOT, csv_text(
        ["point", "model", "engine", "beam", "sentences_per_s", "bleu", "on_frontier"],
        [[p["point"], p["model"], p["engine"], p["beam"], p["sentences_per_s"], p["bleu"], p["point"] in on_frontier]
         for p in points]))
    write_json_atomic(METRICS, results)
    print(f"evaluate: {results['ratios']}")
    print(f"evaluate: on the quality–speed frontier: {', '.join(sorted(on_frontier))}")


def csv_text(header: list[str], rows: list[list]) -> str:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue()


if __name__ == "__main__":
    run_stage("evaluate", main)
