"""The built-in English→German corpus: grammar sentences, splits and labelled noise.

Splits are drawn in a fixed order (test, dev, train, noise material, mono,
mono_src) from
one seeded generator, every sentence unique by its folded source and target, so
the splits are disjoint and the same seed and sizes give the same bytes. Noise
goes into train only; ``train.noise`` holds one label per train line ("clean" or
the noise type) so that cleaning can be scored against it.
"""

from __future__ import annotations

import random
from pathlib import Path

from xldistill.data.grammar import SentenceGenerator, SentencePair
from xldistill.data.textio import dedup_key, write_lines

NOISE_TYPES = ("duplicate", "misaligned", "empty", "untranslated", "overlong", "markup", "wrong_language")
MIN_WORDS = 3
OVERLONG_WORDS = 150  # an over-long line is at least this many words (the clean stage's limit is lower)


class UniqueSentences:
    """Draws sentence pairs whose folded source and target were never drawn before."""

    def __init__(self, seed: int):
        self.generator = SentenceGenerator(seed)
        self.seen: set[str] = set()

    def draw(self) -> SentencePair:
        while True:
            pair = self.generator.sentence()
            src, tgt = pair.source, pair.target
            if min(len(src.split()), len(tgt.split())) < MIN_WORDS:
                continue
            keys = ("s:" + dedup_key(src), "t:" + dedup_key(tgt))
            if keys[0] in self.seen or keys[1] in self.seen:
                continue
            self.seen.update(keys)
            return pair

    def draw_many(self, n: int) -> list[tuple[str, str]]:
        return [(p.source, p.target) for p in (self.draw() for _ in range(n))]


def make_noise(kind: str, sentences: UniqueSentences, clean: list[tuple[str, str]],
               rng: random.Random) -> tuple[str, str]:
    """One noisy pair of the given kind, built from fresh sentences so it never
    collides with a clean line by accident."""
    if kind == "duplicate":
        return clean[rng.randrange(len(clean))]
    src, tgt = sentences.draw_many(1)[0]
    if kind == "misaligned":
        return src, sentences.draw_many(1)[0][1]
    if kind == "empty":
        blank = rng.choice(["", " ", "\t"])
        return (blank, tgt) if rng.random() < 0.5 else (src, blank)
    if kind == "untranslated":
        return src, src
    if kind == "overlong":
        while len(src.split()) < OVERLONG_WORDS:
            more_src, more_tgt = sentences.draw_many(1)[0]
            src, tgt = f"{src} {more_src}", f"{tgt} {more_tgt}"
        return src, tgt
    if kind == "markup":
        page = rng.randrange(1000)
        wrappers = [
            lambda s: f"<p>{s}</p>",
            lambda s: f"{s} <br/>",
            lambda s: f'<a href="https://www.example.com/{page}">{s}</a>',
            lambda s: f"{s} https://www.example.org/page{page}.html",
            lambda s: f"<div class=\"text\">{s}</div>",
        ]
        wrap = rng.choice(wrappers)
        side = rng.randrange(3)
        return (wrap(src) if side != 1 else src), (wrap(tgt) if side != 0 else tgt)
    if kind == "wrong_language":
        other_src, other_tgt = sentences.draw_many(1)[0]
        # English where German belongs, or German where English belongs.
        return (src, other_src) if rng.random() < 0.5 else (other_tgt, tgt)
    raise ValueError(f"unknown noise type {kind!r}")


def _label_later_copies_as_duplicates(labelled: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """After shuffling, a copy may land before its original; the cleaner keeps
    the first occurrence, so the label goes to the later one."""
    seen, relabelled = set(), []
    for src, tgt, label in labelled:
        if label in ("clean", "duplicate"):
            label = "duplicate" if (src, tgt) in seen else "clean"
            seen.add((src, tgt))
        relabelled.append((src, tgt, label))
    return relabelled


def write_builtin_corpus(out_dir: str | Path, *, seed: int, train_size: int, dev_size: int,
                         test_size: int, mono_size: int, noise: float, mono_src_size: int = 0,
                         noise_types: list[str] | tuple[str, ...] = NOISE_TYPES) -> dict:
    """Write {train,dev,test}.{src,tgt}, mono.tgt (German, for back-translation),
    mono.src (English, for forward translation) and train.noise into ``out_dir``."""
    out_dir = Path(out_dir)
    sentences = UniqueSentences(seed)
    rng = random.Random(seed + 1)
    test = sentences.draw_many(test_size)
    dev = sentences.draw_many(dev_size)
    n_noise = round(train_size * noise) if noise_types else 0
    clean = sentences.draw_many(train_size - n_noise)
    labelled = [(src, tgt, "clean") for src, tgt in clean]
    for i in range(n_noise):
        kind = noise_types[i % len(noise_types)]
        labelled.append((*make_noise(kind, sentences, clean, rng), kind))
    rng.shuffle(labelled)
    labelled = _label_later_copies_as_duplicates(labelled)
    mono = [sentences.draw().target for _ in range(mono_size)]
    # Drawn last, so that adding forward-translation text leaves every other file byte for byte the same.
    mono_src = [sentences.draw().source for _ in range(mono_src_size)]

    for name, pairs in (("train", labelled), ("dev", dev), ("test", test)):
        write_lines(out_dir / f"{name}.src", (p[0] for p in pairs))
        write_lines(out_dir / f"{name}.tgt", (p[1] for p in pairs))
    write_lines(out_dir / "train.noise", (p[2] for p in labelled))
    write_lines(out_dir / "mono.tgt", mono)
    write_lines(out_dir / "mono.src", mono_src)
    return {"noise_lines": n_noise}
