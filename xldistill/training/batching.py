"""Length-grouped token batches, the one batching rule of every task."""

from __future__ import annotations


def token_batches(sort_keys: list[tuple], lengths: list[int], max_tokens: int) -> list[list[int]]:
    """Indices sorted by ``sort_keys`` (then index) and cut so that the longest
    example's length × examples stays within ``max_tokens``; deterministic."""
    order = sorted(range(len(lengths)), key=lambda i: (*sort_keys[i], i))
    batches, current, longest = [], [], 0
    for i in order:
        length = lengths[i]
        if current and max(longest, length) * (len(current) + 1) > max_tokens:
            batches.append(current)
            current, longest = [], 0
        current.append(i)
        longest = max(longest, length)
    if current:
        batches.append(current)
    return batches
