"""Does CTranslate2 run the very model that transformers trained and evaluated?

    python bench/engine_parity.py            # after `dvc repro`, on models/ and data/clean/

For every trained model folder: the norm of its decoder start (<pad>) embedding row,
which CTranslate2 replaces by a zero vector, then the model converted to CTranslate2
*float32* (no quantization) against transformers on the whole test split, greedy and
beam 4: how many translations are identical strings, and both BLEUs. Writes
bench/results/engine_parity.json.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import PROJECT, RESULTS, report  # noqa: E402
from xldistill.translation.engines import CTranslate2Engine, Engine  # noqa: E402
from xldistill.translation.models import start_embedding_norm  # noqa: E402
from xldistill.translation.quantize import convert_ctranslate2  # noqa: E402
from xldistill.translation.stage_io import read_split  # noqa: E402
from xldistill.translation.translate import score  # noqa: E402

MODELS = ("teacher", "student", "baseline", "reverse")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=PROJECT, help="a project that ran `dvc repro`")
    parser.add_argument("--beams", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--out", type=Path, default=RESULTS / "engine_parity.json")
    args = parser.parse_args()
    rows = []
    source_side, target_side = read_split(args.project / "data" / "clean", "test")
    with tempfile.TemporaryDirectory() as tmp:
        for name in MODELS:
            folder = args.project / "models" / name
            if not folder.exists():
                continue
            # the reverse model translates target → source
            sources, references = (target_side, source_side) if name == "reverse" else (source_side, target_side)
            converted = Path(tmp) / name
            convert_ctranslate2(folder, converted, quantization="float32")
            transformers_engine, ct2_engine = Engine(folder, threads=2), CTranslate2Engine(converted, threads=2)
            for beam in args.beams:
                expected = transformers_engine.translate(sources, beam=beam, max_length=args.max_length)
                actual = ct2_engine.translate(sources, beam=beam, max_length=args.max_length)
                rows.append({"model": name, "start_row_norm": round(start_embedding_norm(transformers_engine.model), 4),
                             "beam": beam, "identical": sum(a == e for a, e in zip(actual, expected)),
                             "sentences": len(sources), "bleu_transformers": score(expected, references)["bleu"],
                             "bleu_ct2_float32": score(actual, references)["bleu"]})
    report(rows, args.out, project=str(args.project), max_length=args.max_length)


if __name__ == "__main__":
    main()
