"""What every stage's ``main`` shares: one clear line on bad input, no traceback."""

from __future__ import annotations

import sys

from xldistill.errors import XldistillError


def run_stage(name: str, main) -> None:
    try:
        main()
    except XldistillError as err:
        print(f"{name}: error: {err}", file=sys.stderr)
        sys.exit(1)
