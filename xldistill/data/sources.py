"""Corpus sources for the download stage: local files, Hugging Face datasets, URLs.

Each reader returns a ``Corpus``: parallel splits (a split may be missing, then
it is carved from train), optional target-side monolingual text (for
back-translation) and optional source-side monolingual text (for the teacher to
forward-translate for its student).
"""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from xldistill.errors import CorpusError, DownloadError
from xldistill.data.fetch import download, extract
from xldistill.data.textio import json_records, read_lines

SPLITS = ("train", "dev", "test")


@dataclass
class Corpus:
    splits: dict = field(default_factory=dict)  # split name -> (sources, targets)
    mono: list = field(default_factory=list)      # target language
    mono_src: list = field(default_factory=list)  # source language


def _check_line(path: Path, number: int, text: str, what: str) -> str:
    if "\n" in text or "\r" in text:
        raise CorpusError(f"{path}:{number}: {what} contains a line break")
    return text


def read_text_pair(prefix: Path, src_lang: str, tgt_lang: str) -> tuple[list, list]:
    src_path, tgt_path = Path(f"{prefix}.{src_lang}"), Path(f"{prefix}.{tgt_lang}")
    src, tgt = read_lines(src_path), read_lines(tgt_path)
    if len(src) != len(tgt):
        raise CorpusError(f"{src_path} has {len(src)} lines but {tgt_path} has {len(tgt)}; "
                          f"parallel files must be line-aligned")
    return src, tgt


def read_tsv(path: Path) -> tuple[list, list]:
    src, tgt = [], []
    for number, line in enumerate(read_lines(path), start=1):
        columns = line.split("\t")
        if len(columns) != 2:
            raise CorpusError(f"{path}:{number}: expected 2 tab-separated columns, found {len(columns)}")
        src.append(columns[0])
        tgt.append(columns[1])
    return src, tgt


def _pair_from_record(record, src_lang: str, tgt_lang: str, where: str) -> tuple[str, str]:
    if isinstance(record, dict) and isinstance(record.get("translation"), dict):
        record = record["translation"]
    if not isinstance(record, dict):
        raise CorpusError(f"{where}: expected an object with keys {src_lang!r} and {tgt_lang!r}")
    for lang in (src_lang, tgt_lang):
        if lang not in record:
            raise CorpusError(f"{where}: missing key {lang!r} (keys: {', '.join(map(str, record))})")
        if not isinstance(record[lang], str):
            raise CorpusError(f"{where}: {lang!r} must be a string, got {type(record[lang]).__name__}")
    return record[src_lang], record[tgt_lang]


def read_jsonl(path: Path, src_lang: str, tgt_lang: str) -> tuple[list, list]:
    src, tgt = [], []
    for number, record in json_records(path):
        s, t = _pair_from_record(record, src_lang, tgt_lang, f"{path}:{number}")
        src.append(_check_line(path, number, s, src_lang))
        tgt.append(_check_line(path, number, t, tgt_lang))
    return src, tgt


def read_files(cfg: dict, src_lang: str, tgt_lang: str, root: Path) -> Corpus:
    """The `local` source, also used for the files a `url` source fetched."""
    corpus = Corpus()
    if not cfg["train"]:
        raise CorpusError("params.yaml: 'train' must name the training files of this source")
    for split in SPLITS:
        if not cfg[split]:
            continue
        location = root / cfg[split]
        if cfg["format"] == "text":
            corpus.splits[split] = read_text_pair(location, src_lang, tgt_lang)
        elif cfg["format"] == "tsv":
            corpus.splits[split] = read_tsv(location)
        else:
            corpus.splits[split] = read_jsonl(location, src_lang, tgt_lang)
        if split == "train" and not corpus.splits[split][0]:
            shown = f"{location}.{{{src_lang},{tgt_lang}}}" if cfg["format"] == "text" else location
            raise CorpusError(f"{shown}: the training data is empty")
    if cfg["mono"]:
        corpus.mono = read_lines(root / cfg["mono"])
    if cfg["mono_src"]:
        corpus.mono_src = read_lines(root / cfg["mono_src"])
    return corpus


def read_hf(cfg: dict, src_lang: str, tgt_lang: str) -> Corpus:
    """A dataset from the Hugging Face hub by name, or a folder written by
    ``save_to_disk`` (loaded with ``load_from_disk``)."""
    import datasets

    name = cfg["name"]
    if not name:
        raise CorpusError("params.yaml: 'corpus.hf.name' must be set for source: hf")
    try:
        if Path(name).is_dir() and any((Path(name) / f).exists() for f in ("dataset_dict.json", "state.json")):
            dataset = datasets.load_from_disk(name)
        else:
            dataset = datasets.load_dataset(name, cfg["config"], revision=cfg["revision"])
    except Exception as err:  # datasets raises many types; all mean "cannot load"
        raise CorpusError(f"Hugging Face dataset {name!r} (config {cfg['config']!r}) could not be "
                          f"loaded: {err}") from None
    if isinstance(dataset, datasets.Dataset):
        dataset = datasets.DatasetDict({cfg["train_split"]: dataset})
    corpus = Corpus()
    split_names = {"train": cfg["train_split"], "dev": cfg["dev_split"], "test": cfg["test_split"]}
    if split_names["train"] not in dataset:
        raise CorpusError(f"Hugging Face dataset {name!r} has no split {split_names['train']!r} "
                          f"(splits: {', '.join(dataset)})")
    for split, hf_split in split_names.items():
        if not hf_split or hf_split not in dataset:
            continue
        rows = dataset[hf_split]
        column = cfg["field"]
        if column and column not in rows.column_names:
            raise CorpusError(f"Hugging Face dataset {name!r} split {hf_split!r} has no column "
                              f"{column!r} (columns: {', '.join(rows.column_names)})")
        records = rows[column] if column else rows
        src, tgt = [], []
        for index, record in enumerate(records):
            s, t = _pair_from_record(record, src_lang, tgt_lang,
                                     f"Hugging Face dataset {name!r} split {hf_split!r} row {index}")
            src.append(s)
            tgt.append(t)
        if split == "train" and not src:
            raise CorpusError(f"Hugging Face dataset {name!r} split {hf_split!r} is empty")
        corpus.splits[split] = (src, tgt)
    if cfg["mono_src_split"]:
        corpus.mono_src = _hf_source_side(dataset, name, cfg["mono_src_split"], cfg["field"], src_lang)
    return corpus


def _hf_source_side(dataset, name: str, split: str, column: str | None, src_lang: str) -> list[str]:
    """The source-language side of a split (its target side, if any, is not read): rows
    {column: {src_lang: ..}}, or a top-level src_lang or `text` column."""
    if split not in dataset:
        raise CorpusError(f"corpus.hf.mono_src_split: Hugging Face dataset {name!r} has no split {split!r} "
                          f"(splits: {', '.join(dataset)})")
    rows = dataset[split]
    if column and column in rows.column_names:
        records = rows[column]
    else:
        key = next((c for c in (src_lang, "text") if c in rows.column_names), None)
        if key is None:
            raise CorpusError(f"corpus.hf.mono_src_split: split {split!r} of {name!r} has neither a "
                              f"{column!r}, a {src_lang!r} nor a 'text' column (columns: {', '.join(rows.column_names)})")
        records = [{src_lang: text} for text in rows[key]]
    lines = []
    for index, record in enumerate(records):
        where = f"Hugging Face dataset {name!r} split {split!r} row {index}"
        if not isinstance(record, dict) or not isinstance(record.get(src_lang), str):
            raise CorpusError(f"{where}: expected a string under {src_lang!r}")
        lines.append(_check_line(Path(name), index, record[src_lang], src_lang))
    return lines


def read_url(cfg: dict, src_lang: str, tgt_lang: str) -> Corpus:
    if not cfg["files"]:
        raise CorpusError("params.yaml: 'corpus.url.files' must list at least one {url, sha256}")
    with tempfile.TemporaryDirectory(prefix="xldistill-download-") as tmp:
        downloads, extracted = Path(tmp, "downloads"), Path(tmp, "files")
        downloads.mkdir()
        for entry in cfg["files"]:
            archive = download(entry["url"], downloads, entry["sha256"],
                               timeout=cfg["timeout_s"], retries=cfg["retries"])
            extract(archive, extracted)
        try:
            return read_files(cfg, src_lang, tgt_lang, extracted)
        except CorpusError as err:
            listing = ", ".join(sorted(str(p.relative_to(extracted)) for p in extracted.rglob("*")
                                       if p.is_file()))
            raise DownloadError(f"{err} (the downloaded files are: {listing})") from None


def carve_splits(corpus: Corpus, dev_size: int, test_size: int, seed: int) -> dict:
    """Take the missing dev/test splits from train, deterministically for a seed.
    Returns how many lines were carved for each split."""
    src, tgt = corpus.splits["train"]
    missing = {split: size for split, size in (("test", test_size), ("dev", dev_size))
               if split not in corpus.splits and size > 0}
    if not missing:
        return {}
    if sum(missing.values()) >= len(src):
        raise CorpusError(f"train has {len(src)} lines, too few to carve "
                          + " and ".join(f"{s} ({n} lines)" for s, n in missing.items()))
    order = list(range(len(src)))
    random.Random(seed).shuffle(order)
    taken, start = set(), 0
    for split, size in missing.items():
        picked = sorted(order[start:start + size])
        corpus.splits[split] = ([src[i] for i in picked], [tgt[i] for i in picked])
        taken.update(picked)
        start += size
    keep = [i for i in range(len(src)) if i not in taken]
    corpus.splits["train"] = ([src[i] for i in keep], [tgt[i] for i in keep])
    return missing
