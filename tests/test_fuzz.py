"""Fuzzing the corpus readers, the archive extractor and the cleaner with
hypothesis: random bytes, random unicode, random line splits. Each either
succeeds with line-aligned output or raises the project's own error."""

import copy
import io
import json
import os
import tarfile
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import PROJECT
from xldistill.data.cleaning import clean_parallel
from xldistill.errors import CorpusError, DownloadError
from xldistill.data.fetch import extract
from xldistill.data.sources import read_jsonl, read_text_pair, read_tsv

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 100))  # raise it for a longer hunt
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CLEAN_CFG = yaml.safe_load((PROJECT / "params.yaml").read_text())["clean"]

# Lines of any unicode but "\n" (the only line break we split on): U+2028, U+0085, "\r", form feeds
# and combining marks included, because real corpora have them.
line_text = st.text(st.characters(blacklist_characters="\n", blacklist_categories=("Cs",)), max_size=40)


def aligned(src: list, tgt: list) -> bool:
    return len(src) == len(tgt) and not any("\n" in line for line in src + tgt)


@FUZZ
@given(src=st.binary(max_size=200), tgt=st.binary(max_size=200))
def test_text_pair_of_random_bytes(src, tgt):
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "c.en").write_bytes(src)
        Path(tmp, "c.de").write_bytes(tgt)
        try:
            assert aligned(*read_text_pair(Path(tmp, "c"), "en", "de"))
        except CorpusError:
            pass


@FUZZ
@given(pairs=st.lists(st.tuples(line_text, line_text), max_size=8), crlf=st.booleans(), bom=st.booleans())
def test_text_pair_of_random_unicode_keeps_every_line(pairs, crlf, bom):
    end = "\r\n" if crlf else "\n"
    with tempfile.TemporaryDirectory() as tmp:
        for side, lang in enumerate(("en", "de")):
            text = ("\ufeff" if bom else "") + "".join(pair[side] + end for pair in pairs)
            Path(tmp, f"c.{lang}").write_bytes(text.encode("utf-8", "surrogatepass"))
        try:
            src, tgt = read_text_pair(Path(tmp, "c"), "en", "de")
        except CorpusError as err:  # only a NUL byte is refused
            assert "NUL" in str(err) and any("\x00" in s + t for s, t in pairs)
            return
    # one CR before the line end is the line end; a BOM-like first character of the first line goes with the BOM
    expected = [tuple(side[:-1] if side.endswith("\r") and not crlf else side for side in pair) for pair in pairs]
    if expected and not bom:
        expected[0] = tuple(side[1:] if side.startswith("\ufeff") else side for side in expected[0])
    assert list(zip(src, tgt)) == expected


@FUZZ
@given(data=st.binary(max_size=300))
def test_tsv_and_jsonl_of_random_bytes(data):
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "c.tsv").write_bytes(data)
        for reader in (lambda p: read_tsv(p), lambda p: read_jsonl(p, "en", "de")):
            try:
                assert aligned(*reader(Path(tmp, "c.tsv")))
            except CorpusError:
                pass


@FUZZ
@given(records=st.lists(st.one_of(
    st.fixed_dictionaries({"en": line_text, "de": line_text}),
    st.dictionaries(st.sampled_from(["en", "de", "fr", "translation"]),
                    st.one_of(line_text, st.integers(), st.none(), st.fixed_dictionaries({"en": line_text}))),
    st.integers(), st.lists(st.integers(), max_size=2)), max_size=6))
def test_jsonl_of_random_records(records):
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "c.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        try:
            src, tgt = read_jsonl(Path(tmp, "c.jsonl"), "en", "de")
        except CorpusError:
            return
    assert aligned(src, tgt)
    assert [(r["en"], r["de"]) for r in records if isinstance(r, dict)] == list(zip(src, tgt))


def valid_archives() -> dict:
    members = {"corpus/train.en": b"One.\nTwo.\n" * 20, "corpus/train.de": b"Eins.\nZwei.\n" * 20}
    out = {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    out["c.zip"] = buffer.getvalue()
    for suffix, mode in ((".tar.gz", "w:gz"), (".tar.xz", "w:xz"), (".tar", "w")):
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode=mode) as tf:
            for name, data in members.items():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tf.addfile(info, io.BytesIO(data))
        out["c" + suffix] = buffer.getvalue()
    return out


ARCHIVES = valid_archives()


@settings(max_examples=4 * EXAMPLES, deadline=None)  # zlib and unsupported-method errors hide in ~1 in 100
@given(name=st.sampled_from(sorted(ARCHIVES)), cut=st.floats(0, 1),
       flips=st.lists(st.tuples(st.floats(0, 1), st.integers(1, 255)), max_size=4))
def test_damaged_archives(name, cut, flips):
    data = bytearray(ARCHIVES[name][:max(1, int(len(ARCHIVES[name]) * (0.5 + cut / 2)))])
    for where, xor in flips:
        data[int(where * (len(data) - 1))] ^= xor
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp, name)
        archive.write_bytes(bytes(data))
        try:
            extract(archive, Path(tmp, "out"))
        except DownloadError:
            return
        extracted = [p for p in Path(tmp, "out").rglob("*") if p.is_file()]
        assert all(Path(tmp, "out") in p.resolve().parents for p in extracted)


@settings(max_examples=EXAMPLES // 4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs=st.lists(st.tuples(line_text, line_text), min_size=1, max_size=30))
def test_clean_keeps_every_surviving_pair_aligned(pairs):
    # Each side starts with its row number, so a surviving pair shows where it came from.
    src = pd.Series([f"{i} {s}" for i, (s, _) in enumerate(pairs)], dtype=object)
    tgt = pd.Series([f"{i} {t}" for i, (_, t) in enumerate(pairs)], dtype=object)
    cfg = copy.deepcopy(CLEAN_CFG)
    cfg["alignment"]["min_count"] = 1
    frame, kept, removed = clean_parallel(src, tgt, cfg, src_lang="en", tgt_lang="de", seed=1)
    assert len(frame) == len(pairs) == len(kept)
    assert sum(removed.values()) == len(pairs) - int(kept.sum())
    for row in frame[kept].itertuples():
        assert row.src.split(" ", 1)[0] == row.tgt.split(" ", 1)[0]
