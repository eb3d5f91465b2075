"""backtranslate stage: train a reverse (target→source) model, translate mono.tgt
into synthetic sources, and write data/augmented/ = clean parallel + synthetic pairs.

Synthetic sources are prefixed with <BT> when `backtranslate.tagged` (tagged
back-translation, Caswell et al. 2019), so the teacher can tell them apart.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from transformers import MarianTokenizer

from xldistill.cli import run_stage
from xldistill.translation.models import build_marian, count_parameters, save_model
from xldistill.params import load_params
from xldistill.translation.stage_io import evaluate, read_split
from xldistill.data.textio import atomic_dir, read_lines, write_json_atomic, write_lines
from xldistill.training.trainer import seed_everything, write_curve
from xldistill.translation.task import train_translation
from xldistill.translation.translate import translate
from xldistill.data.vocab import BT_TAG

CLEAN = Path("data/clean")
TOKENIZER = Path("models/tokenizer")
OUT_DATA = Path("data/augmented")
OUT_MODEL = Path("models/reverse")
WORK_DIR = Path("models/.work/reverse")  # checkpoints survive a kill; removed after success
METRICS = Path("metrics/backtranslate.json")
CURVE = Path("metrics/curves/reverse.csv")


def synthetic_count(n_clean: int, n_mono: int, share: float) -> int:
    """Synthetic pairs so that they make up ``share`` of the augmented data, at most all of mono."""
    return min(n_mono, round(n_clean * share / (1 - share)))


def main() -> None:
    params = load_params()
    cfg = params["backtranslate"]
    src, tgt = read_split(CLEAN, "train")
    dev_src, dev_tgt = read_split(CLEAN, "dev")
    mono = read_lines(CLEAN / "mono.tgt")
    n_synthetic = synthetic_count(len(src), len(mono), cfg["synthetic_share"])
    metrics = {"synthetic_pairs": n_synthetic, "clean_pairs": len(src), "tagged": cfg["tagged"]}
    synthetic = []
    with atomic_dir(OUT_MODEL) as model_out:
        if n_synthetic == 0:
            (model_out / "SKIPPED").write_text("no monolingual text to back-translate\n")
            write_curve(CURVE, [])  # a declared output: an empty curve, not a missing file
        else:
            seed_everything(params["seed"])
            tokenizer = MarianTokenizer.from_pretrained(str(TOKENIZER))
            model = build_marian(tokenizer, cfg["model"], max_positions=cfg["model"]["max_positions"])
            # Reverse direction: target → source, on the same joint vocabulary.
            result = train_translation(model, tokenizer, (tgt, src), (dev_tgt, dev_src), cfg["train"], seed=params["seed"],
                           work_dir=WORK_DIR, curve_path=CURVE, name="reverse")
            save_model(model, tokenizer, model_out, beam=cfg["beam"], max_length=cfg["max_length"])
            dev_scores = evaluate(model, tokenizer, dev_tgt, dev_src, beam=cfg["beam"],
                                  max_length=cfg["max_length"])
            started = time.perf_counter()
            synthetic = translate(model, tokenizer, mono[:n_synthetic], beam=cfg["beam"],
                                  max_length=cfg["max_length"], progress=True)
            metrics.update(reverse_dev_bleu=dev_scores["bleu"], reverse_dev_chrf=dev_scores["chrf"],
                           bleu_signature=dev_scores["bleu_signature"], reverse_params=count_parameters(model),
                           reverse_train_seconds=result.train_seconds,
                           translate_seconds=round(time.perf_counter() - started, 1))
    with atomic_dir(OUT_DATA) as data_out:
        prefix = f"{BT_TAG} " if cfg["tagged"] else ""
        write_lines(data_out / "train.src", src + [prefix + s for s in synthetic])
        write_lines(data_out / "train.tgt", tgt + mono[:n_synthetic])
    shutil.rmtree(WORK_DIR, ignore_errors=True)
    write_json_atomic(METRICS, metrics)
    print(f"backtranslate: {n_synthetic} synthetic pairs added to {len(src)} clean pairs")


if __name__ == "__main__":
    run_stage("backtranslate", main)
