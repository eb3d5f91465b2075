"""Translate stdin to stdout with any model folder the pipeline writes:

    python -m stages.translate --model models/student-ct2 < in.txt > out.txt

Reads stdin in batches (so a large file never sits in memory at once); a
progress bar goes to stderr.
"""

from __future__ import annotations

import argparse
import sys
from itertools import islice

from tqdm import tqdm

from xldistill.cli import run_stage
from xldistill.translation.engines import open_engine


def main() -> None:
    parser = argparse.ArgumentParser(description="Translate stdin line by line.")
    parser.add_argument("--model", required=True, help="a model folder: transformers, torch int8 or CTranslate2")
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    engine = open_engine(args.model, threads=args.threads)
    lines = (line.rstrip("\n") for line in sys.stdin)
    with tqdm(desc="translate", unit="line", file=sys.stderr) as progress:
        while chunk := list(islice(lines, args.batch_size * 8)):
            for translation in engine.translate(chunk, beam=args.beam, max_length=args.max_length,
                                                batch_size=args.batch_size):
                sys.stdout.write(translation + "\n")
            sys.stdout.flush()
            progress.update(len(chunk))


if __name__ == "__main__":
    run_stage("translate", main)
