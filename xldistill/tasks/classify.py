"""Classify stdin lines with any classifier folder of the pipeline (teacher, students, upper bound,
the int8 student):

    echo "Die Suppe war nicht gut." | python -m xldistill.tasks.classify models/cls-student

One line out per line in: ``label<TAB>score<TAB>text``. A transformers folder runs through
``pipeline("text-classification")``, as any user of the folder would; an ONNX folder
(models/cls-student-int8) through ONNX Runtime.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scipy.special import softmax
from transformers import pipeline

from xldistill.tasks.onnx_int8 import MODEL_FILE, OnnxClassifier


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="a classifier folder (models/cls-student, models/cls-teacher, ...)")
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args(argv)
    try:
        if (Path(args.model) / MODEL_FILE).exists():
            classifier = onnx_pipeline(OnnxClassifier(args.model))
        else:
            classifier = pipeline("text-classification", model=args.model, device="cpu")
    except (OSError, ValueError) as err:
        sys.exit(f"classify: cannot load {args.model}: {err}")
    lines = [line.rstrip("\n") for line in sys.stdin]
    texts = [line for line in lines if line.strip()]
    results = iter(classifier(texts, batch_size=args.batch_size, truncation=True)) if texts else iter(())
    for line in lines:
        if not line.strip():
            print()
            continue
        result = next(results)
        print(f"{result['label']}\t{result['score']:.4f}\t{line}")


def onnx_pipeline(model: OnnxClassifier):
    """The text-classification pipeline's call and output for an ONNX classifier: top label and its softmax."""
    def classify(texts: list[str], batch_size: int, truncation: bool = True) -> list[dict]:
        probs = softmax(model(texts, batch_size), axis=-1)
        return [{"label": model.labels[row.argmax()], "score": float(row.max())} for row in probs]

    return classify


if __name__ == "__main__":
    main()
