"""Tag stdin lines with any tagger folder of the pipeline (teacher, students, upper bound):

    echo "Anna arbeitet an der Universität Wien." | python -m xldistill.tasks.tag models/ner-student

One JSON object out per line in: ``{"text": ..., "entities": [{"type", "text", "start", "end",
"score"}, ...]}``, offsets into the line. It runs through transformers'
``pipeline("token-classification", aggregation_strategy="simple")``, as any user of the
folder would, on the line's words split as the taggers were trained (punctuation apart).
"""

from __future__ import annotations

import argparse
import json
import sys

from transformers import pipeline

from xldistill.data.tagged import WORD


def entities(line: str, found: list[dict]) -> list[dict]:
    """The pipeline's entities over the space-joined words, as spans of whole words in ``line``."""
    words = [(m.start(), m.end()) for m in WORD.finditer(line)]
    joined_starts, position = [], 0
    for start, end in words:
        joined_starts.append(position)
        position += end - start + 1
    out = []
    for entity in found:
        covered = [k for k, s in enumerate(joined_starts)
                   if s < entity["end"] and s + words[k][1] - words[k][0] > entity["start"]]
        if not covered:
            continue
        start, end = words[covered[0]][0], words[covered[-1]][1]
        out.append({"type": entity["entity_group"], "text": line[start:end], "start": start, "end": end,
                    "score": round(float(entity["score"]), 4)})
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="a tagger folder (models/ner-student, models/ner-teacher, ...)")
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args(argv)
    try:
        tagger = pipeline("token-classification", model=args.model, aggregation_strategy="simple", device="cpu")
    except (OSError, ValueError) as err:
        sys.exit(f"tag: cannot load {args.model}: {err}")
    lines = [line.rstrip("\n") for line in sys.stdin]
    texts = [" ".join(WORD.findall(line)) for line in lines if line.strip()]
    results = iter(tagger(texts, batch_size=args.batch_size)) if texts else iter(())
    for line in lines:
        found = next(results) if line.strip() else []
        print(json.dumps({"text": line, "entities": entities(line, found)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
