"""Translate-test in each translation engine: which one should `cls_evaluate` run the reverse model in?

    python bench/cls_translate_test.py [--project DIR] [--texts N] [--speed-texts N]

Reads a project's German test set (data/cls/test.tgt.tsv), its reverse (German→English) model and its
English classifier (run `dvc repro cls_evaluate` first, or point --project at a kept bench run). The reverse
model runs in transformers (fp32, generate) and in CTranslate2 converted to float32 and to int8 (the weight
type `quantize.ctranslate2` gives models/reverse-ct2); each translates the German texts sentence by sentence
(xldistill.translation.segments, as the stage does) for the English teacher. Per engine: accuracy on the
first --texts test texts, how many of their English translations equal transformers' word for word, and
translate-test texts/s at batch 1 and 32 (the first --speed-texts texts, 2 threads), all side by side in one
process. Writes bench/results/cls_translate_test.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import PROJECT, RESULTS, report  # noqa: E402
from xldistill.data.labelled import read_tsv  # noqa: E402
from xldistill.tasks.classification import items_per_second, load_classifier, predict_logits  # noqa: E402
from xldistill.translation.engines import CTranslate2Engine, Engine  # noqa: E402
from xldistill.translation.quantize import convert_ctranslate2  # noqa: E402
from xldistill.translation.segments import translate_texts  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=PROJECT)
    parser.add_argument("--texts", type=int, help="test texts scored (default: all)")
    parser.add_argument("--speed-texts", type=int, default=300)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULTS / "cls_translate_test.json")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    params = yaml.safe_load((args.project / "params.yaml").read_text())
    beam, lang = params["classify"]["evaluate"]["beam"], params["corpus"]["tgt_lang"]
    labels = json.loads((args.project / "data/cls/labels.json").read_text())
    test = read_tsv(args.project / "data/cls/test.tgt.tsv")
    texts, gold = test.texts[:args.texts], np.array([labels.index(label) for label in test.labels[:args.texts]])
    teacher, tokenizer = load_classifier(args.project / "models/cls-teacher")
    reverse = args.project / "models/reverse"
    with tempfile.TemporaryDirectory() as tmp:
        engines = {"transformers fp32": Engine(reverse, args.threads)}
        max_length = engines["transformers fp32"].model.config.max_position_embeddings
        for weights in ("float32", "int8"):
            convert_ctranslate2(reverse, Path(tmp) / weights, quantization=weights)
            engines[f"CTranslate2 {weights}"] = CTranslate2Engine(Path(tmp) / weights, args.threads)
        rows, reference = [], None
        for name, engine in engines.items():
            def translate(batch: list[str], batch_size: int, engine=engine) -> list[str]:
                return translate_texts(engine, batch, lang=lang, beam=beam, max_length=max_length,
                                       batch_size=batch_size)

            def translate_test(batch: list[str], batch_size: int, translate=translate) -> torch.Tensor:
                return predict_logits(teacher, tokenizer, translate(batch, batch_size), batch_size=batch_size)

            started = time.perf_counter()
            english = translate(texts, 32)
            translate_seconds = time.perf_counter() - started
            reference = english if reference is None else reference
            predicted = predict_logits(teacher, tokenizer, english, batch_size=32).argmax(-1).numpy()
            speed = texts[:args.speed_texts]
            rows.append({"engine": name, "accuracy": round(100 * float((predicted == gold).mean()), 2),
                         "same_translation_as_transformers": round(
                             100 * float(np.mean([a == b for a, b in zip(english, reference)])), 2),
                         "translate_seconds": round(translate_seconds, 1),
                         **{f"texts_per_s_batch{b}": items_per_second(translate_test, speed, b) for b in (1, 32)}})
    for row in rows:
        for b in (1, 32):
            row[f"over_transformers_batch{b}"] = round(row[f"texts_per_s_batch{b}"] / rows[0][f"texts_per_s_batch{b}"], 2)
    report(rows, args.out, project=str(args.project), texts=len(texts), speed_texts=len(speed), beam=beam,
           threads=args.threads)


if __name__ == "__main__":
    main()
