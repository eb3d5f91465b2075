"""Classify stdin lines with any classifier folder of the pipeline (teacher, students, upper bound):

    echo "Die Suppe war nicht gut." | python -m xldistill.tasks.classify models/cls-student

One line out per line in: ``label<TAB>score<TAB>text``. It runs through
transformers' ``pipeline("text-classification")``, as any user of the folder would.
"""

from __future__ import annotations

import argparse
import sys

from transformers import pipeline


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="a classifier folder (models/cls-student, models/cls-teacher, ...)")
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args(argv)
    try:
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


if __name__ == "__main__":
    main()
