"""Labelled text for classification: the built-in opinion sets and the user's own files.

A labelled set is a list of texts and a list of labels (strings). Files:

- TSV: ``label<TAB>text`` per line (Webis-CLS-10 is written this way);
- JSONL: one object per line with a text and a label field;
- a Hugging Face dataset by name (``datasets.load_dataset``) or a folder saved
  with ``save_to_disk``; a ``ClassLabel`` column gives its names.

The built-in sets are opinion sentences of the grammar (sentiment and topic
labels, equal on both sides of a pair), drawn per seed after and apart from
every sentence of the translation corpus.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, fields
from pathlib import Path

from xldistill.data.builtin_corpus import MIN_WORDS
from xldistill.data.grammar import SentenceGenerator
from xldistill.data.textio import dedup_key, json_records, read_lines, write_text_atomic
from xldistill.errors import CorpusError, ParamsError

BUILTIN_TASKS = {"sentiment": SentenceGenerator.SENTIMENTS, "topic": SentenceGenerator.TOPICS}
# The sets a classification run reads: English (source language) and German (target language).
SET_FILES = {
    "train": "train.src.tsv",          # English, labelled: the teacher's training data
    "dev": "dev.src.tsv",              # English, labelled: the teacher's early stopping
    "test": "test.tgt.tsv",            # German, gold: evaluation only
    "target_dev": "dev.tgt.tsv",       # German, gold: the supervised upper bound's early stopping
    "target_train": "train.tgt.tsv",   # German, gold: the supervised upper bound only (optional)
}


@dataclass
class LabelledSet:
    texts: list
    labels: list

    def __len__(self) -> int:
        return len(self.texts)


# --- reading and writing -----------------------------------------------------------

def read_tsv(path: str | Path) -> LabelledSet:
    path = Path(path)
    texts, labels = [], []
    for number, line in enumerate(read_lines(path), start=1):
        columns = line.split("\t")
        if len(columns) != 2:
            raise CorpusError(f"{path}:{number}: expected 2 tab-separated columns (label, text), "
                              f"found {len(columns)}")
        label, text = columns[0].strip(), columns[1].strip()
        if not label or not text:
            raise CorpusError(f"{path}:{number}: empty {'label' if not label else 'text'}")
        labels.append(label)
        texts.append(text)
    return _non_empty(LabelledSet(texts, labels), str(path))


def read_jsonl(path: str | Path, *, text_field: str, label_field: str) -> LabelledSet:
    path = Path(path)
    texts, labels = [], []
    for number, record in json_records(path):
        texts.append(_field(record, text_field, f"{path}:{number}"))
        labels.append(_field(record, label_field, f"{path}:{number}"))
    return _non_empty(LabelledSet(texts, labels), str(path))


def read_hf(name: str, split: str, *, text_field: str, label_field: str, config: str | None = None,
            revision: str | None = None) -> LabelledSet:
    """A split of a dataset on the Hub (by name; offline only from the local cache) or saved to disk."""
    import datasets

    where = f"{name}[{split}]"
    try:
        if Path(name).is_dir():
            dataset = datasets.load_from_disk(name)[split]
        else:
            dataset = datasets.load_dataset(name, config, split=split, revision=revision)
    except (KeyError, ValueError, FileNotFoundError, ConnectionError) as err:
        raise CorpusError(f"{where}: cannot load ({type(err).__name__}: {err})") from None
    for column in (text_field, label_field):
        if column not in dataset.column_names:
            raise CorpusError(f"{where}: no column {column!r} (columns: {', '.join(dataset.column_names)})")
    feature = dataset.features[label_field]
    names = getattr(feature, "names", None)  # ClassLabel: ints stand for these names
    labels = [names[v] if names else v for v in dataset[label_field]]
    texts = [str(t).strip() for t in dataset[text_field]]
    for number, text in enumerate(texts, start=1):
        if not text:
            raise CorpusError(f"{where}: row {number} has an empty {text_field!r}")
    return _non_empty(LabelledSet(texts, [str(label) for label in labels]), where)


def _field(record, key: str, where: str) -> str:
    if not isinstance(record, dict) or key not in record:
        raise CorpusError(f"{where}: no field {key!r}")
    value = str(record[key]).strip()
    if not value:
        raise CorpusError(f"{where}: empty {key!r}")
    return value


def _non_empty(labelled: LabelledSet, where: str) -> LabelledSet:
    if not labelled.texts:
        raise CorpusError(f"{where}: no labelled text (an empty split)")
    return labelled


def read_set(path: str | Path, fmt: str, *, text_field: str = "text", label_field: str = "label") -> LabelledSet:
    if fmt == "tsv":
        return read_tsv(path)
    if fmt == "jsonl":
        return read_jsonl(path, text_field=text_field, label_field=label_field)
    raise CorpusError(f"unknown labelled-file format {fmt!r} (tsv, jsonl)")


def write_tsv(path: str | Path, labelled: LabelledSet) -> None:
    for text in labelled.texts:
        if "\t" in text or "\n" in text:
            raise CorpusError(f"{path}: a text holds a tab or a line break: {text[:60]!r}")
    write_text_atomic(path, "".join(f"{label}\t{text}\n" for text, label in zip(labelled.texts, labelled.labels)))


def relabel(labelled: LabelledSet, mapping: dict | None, where: str) -> LabelledSet:
    """Rename labels (``{"0": "negative", "1": "positive"}``); a label the mapping misses is an error."""
    if not mapping:
        return labelled
    mapping = {str(k): str(v) for k, v in mapping.items()}
    for number, label in enumerate(labelled.labels, start=1):
        if label not in mapping:
            raise CorpusError(f"{where}: item {number} has label {label!r}, which label_map does not map "
                              f"(it maps {', '.join(sorted(mapping))})")
    return LabelledSet(labelled.texts, [mapping[label] for label in labelled.labels])


def carve_dev(sets: dict, train_name: str, dev_name: str, size: int, seed: int, key: str) -> bool:
    """A dev set from its train set when the source has none (deterministic per seed); works on
    any set made of parallel lists (LabelledSet, tagged.TaggedSet). ``key``: the params key of size."""
    if dev_name in sets or train_name not in sets:
        return False
    train = sets[train_name]
    if len(train) < 2 * size:
        raise ParamsError(f"params.yaml: '{key}' = {size} needs at least {2 * size} items in "
                          f"{train_name} to carve {dev_name} from; it has {len(train)}")
    order = list(range(len(train)))
    random.Random(seed).shuffle(order)

    def subset(index: list[int]):
        return type(train)(*[[getattr(train, f.name)[i] for i in sorted(index)] for f in fields(train)])

    sets[dev_name], sets[train_name] = subset(order[:size]), subset(order[size:])
    return True


def check_labels(labelled: LabelledSet, names: list[str], where: str) -> None:
    known = set(names)
    for number, label in enumerate(labelled.labels, start=1):
        if label not in known:
            raise CorpusError(f"{where}: item {number} has unknown label {label!r} (known: {', '.join(names)})")


# --- the built-in opinion sets ----------------------------------------------------------

def builtin_sets(*, seed: int, task: str, train_size: int, dev_size: int, test_size: int,
                 label_noise: float, exclude: set[str]) -> dict[str, LabelledSet]:
    """English train/dev, German dev/test and the German side of train (gold: the upper bound),
    from opinion sentences whose two sides are not in ``exclude`` (folded with ``dedup_key``).
    Sentiments and topics are balanced by cycling through them; ``label_noise`` of the English
    train labels are replaced by another label (the German gold sets are never noisy)."""
    names = BUILTIN_TASKS[task]
    generator = SentenceGenerator(seed * 7919 + 17)  # its own stream: the translation corpus stays as it is
    rng = random.Random(seed + 2)
    seen = set(exclude)
    sentiments, topics = SentenceGenerator.SENTIMENTS, SentenceGenerator.TOPICS

    def draw(n: int) -> list:
        pairs = []
        while len(pairs) < n:
            i = len(pairs)
            pair = generator.opinion(sentiment=sentiments[i % len(sentiments)], topic=topics[i // 3 % len(topics)])
            keys = (dedup_key(pair.source), dedup_key(pair.target))
            if min(len(pair.source.split()), len(pair.target.split())) < MIN_WORDS or seen & set(keys):
                continue
            seen.update(keys)
            pairs.append(pair)
        rng.shuffle(pairs)
        return pairs

    test, dev, train = draw(test_size), draw(dev_size), draw(train_size)
    gold = [p.meta[task] for p in train]
    noisy = list(gold)
    for i in rng.sample(range(len(train)), round(label_noise * len(train))):
        noisy[i] = rng.choice([name for name in names if name != gold[i]])
    return {
        "train": LabelledSet([p.source for p in train], noisy),
        "dev": LabelledSet([p.source for p in dev], [p.meta[task] for p in dev]),
        "test": LabelledSet([p.target for p in test], [p.meta[task] for p in test]),
        "target_dev": LabelledSet([p.target for p in dev], [p.meta[task] for p in dev]),
        "target_train": LabelledSet([p.target for p in train], gold),
    }
