"""The quality–speed frontier: the points that no other point beats on both axes."""

from __future__ import annotations


def frontier(points: list[dict], *, quality: str = "bleu", speed: str = "sentences_per_s") -> list[dict]:
    """The points not dominated: no other point is at least as good on both quality and
    speed and better on one. Ties on both count as on the frontier together."""
    def dominates(a: dict, b: dict) -> bool:
        return (a[quality] >= b[quality] and a[speed] >= b[speed]
                and (a[quality] > b[quality] or a[speed] > b[speed]))

    return [p for p in points if not any(dominates(other, p) for other in points)]
