"""Reading and writing line-aligned text, atomically."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path

from xldistill.errors import CorpusError


def read_lines(path: str | Path) -> list[str]:
    """Lines of a UTF-8 file, split on ``\\n`` only (a stray U+2028 or form feed
    inside a sentence must not break alignment). A BOM and CR line ends are dropped."""
    path = Path(path)
    if not path.is_file():
        raise CorpusError(f"{path}: file not found")
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    nul = data.find(b"\x00")
    if nul >= 0:  # UTF-16 text or a binary file read as UTF-8 would pass decoding, line by line
        line = data.count(b"\n", 0, nul) + 1
        raise CorpusError(f"{path}:{line}: contains a NUL byte "
                          f"(a binary or UTF-16 file? corpus files must be UTF-8 text)")
    raw_lines = data.split(b"\n")
    if raw_lines and raw_lines[-1] == b"":
        raw_lines.pop()
    lines = []
    for number, raw in enumerate(raw_lines, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise CorpusError(f"{path}:{number}: not valid UTF-8 ({err.reason} at byte {err.start})") from None
        lines.append(line[:-1] if line.endswith("\r") else line)
    return lines


def write_lines(path: str | Path, lines) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for line in lines:
            f.write(line)
            f.write("\n")


def count_lines(path: str | Path) -> int:
    with open(path, "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@contextlib.contextmanager
def atomic_dir(final: str | Path):
    """Yield an empty temporary directory beside ``final``; on success it replaces
    ``final`` by rename, on error it is removed, so ``final`` is never half-written."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    for stale in final.parent.glob(f".{final.name}.tmp-*"):  # left by a run that was killed
        shutil.rmtree(stale, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.tmp-", dir=final.parent))
    try:
        yield tmp
        if final.exists():
            shutil.rmtree(final)
        os.replace(tmp, final)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write beside ``path`` and rename: a reader (or DVC) never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f".{path.name}.tmp-*"):  # left by a run that was killed
        stale.unlink(missing_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_json_atomic(path: str | Path, data) -> None:
    write_text_atomic(path, json.dumps(data, indent=2, sort_keys=True) + "\n")


_WHITESPACE = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[\W_]+")


def normalize(text: str) -> str:
    """NFC and single spaces: the form every split is written in after cleaning."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def dedup_key(text: str) -> str:
    """Case, punctuation and spacing folded away: 'The dog.' and 'the  dog' collide."""
    return _WHITESPACE.sub(" ", _NOT_WORD.sub(" ", text.casefold())).strip()


def json_records(path: str | Path):
    """(line number, record) for every non-blank line of a JSON Lines file; bad JSON names its line."""
    import json

    from xldistill.errors import CorpusError

    for number, line in enumerate(read_lines(path), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as err:
            raise CorpusError(f"{path}:{number}: not valid JSON: {err.msg}") from None


def folded_sentences(folder: str | Path) -> set[str]:
    """Every line of a corpus folder's ``*.src`` and ``*.tgt`` files, folded with ``dedup_key``:
    the labelled sets of the task branches never repeat a sentence of the translation corpus."""
    folder = Path(folder)
    return {dedup_key(line) for path in sorted(folder.glob("*.src")) + sorted(folder.glob("*.tgt"))
            for line in read_lines(path)}
