"""Word-tagged text for named-entity recognition: the built-in sets and the user's own files.

A tagged set is a list of sentences, each a list of words with one BIO tag per word
(``B-PER``, ``I-PER``, ``O``; types PER / LOC / ORG / MISC or the user's own). Files:

- CoNLL (CoNLL-2003 and the files this project writes): one word per line, its tag in
  the last column (``word POS chunk tag`` or ``word<TAB>tag``), a blank line between
  sentences, ``-DOCSTART-`` lines skipped. ``scheme: iob2`` requires every entity to
  start with ``B-``; ``iob1`` (the original CoNLL-2003 release: ``B-`` only between two
  adjacent entities of one type) is converted to IOB2 on reading.
- GermEval 2014 TSV: ``#`` comment lines, ``index<TAB>word<TAB>outer tag<TAB>nested tag``;
  the outer tag is read, IOB2.

``type_map`` renames entity types after reading (``OTH → MISC``; ``LOCderiv → O`` drops
the span): a type mapped to ``O`` turns its words into ``O``.

The built-in sets come from the grammar: every sentence pair carries BIO tags on both
sides and its entities' word positions on both sides (the gold alignment).
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from xldistill.data.builtin_corpus import MIN_WORDS
from xldistill.data.grammar import SentenceGenerator
from xldistill.data.textio import dedup_key, read_lines, write_text_atomic
from xldistill.errors import CorpusError

# The sets a NER run reads: English (source language) and German (target language).
SET_FILES = {
    "train": "train.src.conll",          # English, gold: the teacher's training data
    "dev": "dev.src.conll",              # English, gold: the teacher's early stopping
    "test": "test.tgt.conll",            # German, gold: evaluation only
    "target_dev": "dev.tgt.conll",       # German, gold: the supervised upper bound's early stopping
    "target_train": "train.tgt.conll",   # German, gold: the supervised upper bound only (optional)
}
ALIGNMENT_FILE = "alignment.jsonl"  # built-in only: pairs with gold entity alignments (scores the aligner)

# Words as the grammar writes them: a word with inner apostrophes, hyphens or dots
# (o'clock, Anna's, Thomas', Baden-Württemberg, 3.5), or one punctuation character.
WORD = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*'?|\S")


def split_words(text: str) -> list[str]:
    return WORD.findall(text)


@dataclass
class TaggedSet:
    sentences: list  # [[word, ...], ...]
    tags: list  # [[tag, ...], ...]

    def __len__(self) -> int:
        return len(self.sentences)


def entity_types(tags: list[list[str]]) -> list[str]:
    return sorted({tag[2:] for sentence in tags for tag in sentence if tag != "O"})


def bio_labels(types: list[str]) -> list[str]:
    """The label order of every tagger: O, then B- and I- of each type."""
    return ["O"] + [f"{prefix}-{kind}" for kind in types for prefix in ("B", "I")]


def spans(tags: list[str]) -> list[tuple[str, int, int]]:
    """Entities of an IOB2 sentence as (type, first word, one past the last word)."""
    found, start, kind = [], None, None
    for i, tag in enumerate([*tags, "O"]):
        if start is not None and not (tag.startswith("I-") and tag[2:] == kind):
            found.append((kind, start, i))
            start = None
        if tag.startswith("B-") or (tag.startswith("I-") and start is None):
            start, kind = i, tag[2:]
    return found


# --- reading and writing -----------------------------------------------------------

def _check_tag(tag: str, where: str) -> None:
    if tag != "O" and not (tag[:2] in ("B-", "I-") and len(tag) > 2):
        raise CorpusError(f"{where}: tag {tag!r} is not O, B-<type> or I-<type>")


def _finish(words: list, tags: list, scheme: str, where: str, out: TaggedSet) -> None:
    if not words:
        return
    fixed, previous = [], "O"
    for tag in tags:
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            if scheme == "iob2":
                raise CorpusError(f"{where}: {tag} follows {previous} (IOB2 starts every entity with B-; "
                                  f"set scheme: iob1 for files in the original CoNLL-2003 format)")
            tag = "B-" + tag[2:]
        fixed.append(tag)
        previous = tag
    out.sentences.append(list(words))
    out.tags.append(fixed)


def read_conll(path: str | Path, *, scheme: str = "iob2") -> TaggedSet:
    path = Path(path)
    out, words, tags, start = TaggedSet([], []), [], [], 1
    for number, line in enumerate(read_lines(path), start=1):
        fields = line.split()
        if not fields:
            _finish(words, tags, scheme, f"{path}:{start}", out)
            words, tags, start = [], [], number + 1
            continue
        if fields[0] == "-DOCSTART-":
            continue
        if len(fields) < 2:
            raise CorpusError(f"{path}:{number}: expected a word and its tag (at least 2 fields), found 1")
        _check_tag(fields[-1], f"{path}:{number}")
        words.append(fields[0])
        tags.append(fields[-1])
    _finish(words, tags, scheme, f"{path}:{start}", out)
    return _non_empty(out, str(path))


def read_germeval(path: str | Path) -> TaggedSet:
    path = Path(path)
    out, words, tags, start = TaggedSet([], []), [], [], 1
    for number, line in enumerate(read_lines(path), start=1):
        if line.startswith("#"):
            continue
        if not line.strip():
            _finish(words, tags, "iob2", f"{path}:{start}", out)
            words, tags, start = [], [], number + 1
            continue
        fields = line.split("\t")
        if len(fields) != 4:
            raise CorpusError(f"{path}:{number}: expected 4 tab-separated fields (index, word, outer tag, "
                              f"nested tag), found {len(fields)}")
        _check_tag(fields[2], f"{path}:{number}")
        words.append(fields[1])
        tags.append(fields[2])
    _finish(words, tags, "iob2", f"{path}:{start}", out)
    return _non_empty(out, str(path))


def read_tagged(path: str | Path, fmt: str, *, scheme: str = "iob2") -> TaggedSet:
    if fmt == "conll":
        return read_conll(path, scheme=scheme)
    if fmt == "germeval":
        return read_germeval(path)
    raise CorpusError(f"{path}: unknown format {fmt!r} (conll or germeval)")


def _non_empty(tagged: TaggedSet, where: str) -> TaggedSet:
    if not tagged.sentences:
        raise CorpusError(f"{where}: no sentences")
    return tagged


def write_conll(path: str | Path, tagged: TaggedSet) -> None:
    write_text_atomic(path, "".join("".join(f"{w}\t{t}\n" for w, t in zip(words, tags)) + "\n"
                                    for words, tags in zip(tagged.sentences, tagged.tags)))


def map_types(tagged: TaggedSet, mapping: dict[str, str]) -> TaggedSet:
    """Rename entity types (``{"OTH": "MISC", "LOCderiv": "O"}``); a type mapped to O is dropped."""
    if not mapping:
        return tagged
    tags = []
    for sentence in tagged.tags:
        mapped = []
        for tag in sentence:
            kind = mapping.get(tag[2:], tag[2:]) if tag != "O" else None
            mapped.append("O" if kind in (None, "O") else f"{tag[:2]}{kind}")
        tags.append(repair_bio(mapped))
    return TaggedSet(tagged.sentences, tags)


def repair_bio(tags: list[str]) -> list[str]:
    """IOB2 again after a type became O: an I- after an O (or another type) starts an entity."""
    out, previous = [], "O"
    for tag in tags:
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        out.append(tag)
        previous = tag
    return out


def check_types(tagged: TaggedSet, types: list[str], where: str) -> None:
    known = set(types)
    for number, sentence in enumerate(tagged.tags, start=1):
        for tag in sentence:
            if tag != "O" and tag[2:] not in known:
                raise CorpusError(f"{where}: sentence {number} has unknown entity type {tag[2:]!r} "
                                  f"(known: {', '.join(types)}; map it with ner.type_map)")


# --- the built-in sets -------------------------------------------------------------------

def builtin_sets(*, seed: int, train_size: int, dev_size: int, test_size: int, alignment_size: int,
                 entity_share: float, exclude: set[str]) -> tuple[dict[str, TaggedSet], list[dict]]:
    """English train/dev, German dev/test and the German side of train (gold: the upper
    bound), from grammar sentences whose two sides are not in ``exclude``; ``entity_share``
    of them hold at least one entity. Also ``alignment_size`` pairs with both sides' tags and
    the gold entity alignment, for scoring the word aligner."""
    generator = SentenceGenerator(seed * 6151 + 29)  # its own stream: the translation corpus stays as it is
    rng = random.Random(seed + 3)
    seen = set(exclude)

    def draw(n: int) -> list:
        pairs = []
        while len(pairs) < n:
            pair = generator.sentence()
            keys = (dedup_key(pair.source), dedup_key(pair.target))
            wanted = rng.random() < entity_share
            if (bool(pair.entity_alignment()) != wanted or seen & set(keys)
                    or min(len(pair.source.split()), len(pair.target.split())) < MIN_WORDS):
                continue
            seen.update(keys)
            pairs.append(pair)
        return pairs

    def side(pairs: list, language: str) -> TaggedSet:
        tagged = [pair.tagged(language) for pair in pairs]
        return TaggedSet([words for words, _ in tagged], [tags for _, tags in tagged])

    test, dev, train, aligned = (draw(n) for n in (test_size, dev_size, train_size, alignment_size))
    sets = {"train": side(train, "en"), "dev": side(dev, "en"), "test": side(test, "de"),
            "target_dev": side(dev, "de"), "target_train": side(train, "de")}
    alignment = []
    for pair in aligned:
        (en, en_tags), (de, de_tags) = pair.tagged("en"), pair.tagged("de")
        alignment.append({"en": en, "de": de, "en_tags": en_tags, "de_tags": de_tags,
                          "entities": pair.entity_alignment()})
    return sets, alignment


def write_alignment(path: str | Path, records: list[dict]) -> None:
    write_text_atomic(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))


def read_alignment(path: str | Path) -> list[dict]:
    return [json.loads(line) for line in read_lines(path)]
