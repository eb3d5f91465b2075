"""Download sources without network: local files, a dataset saved to disk, file://
URLs and a local http.server on 127.0.0.1; checksums and archive safety."""

import functools
import hashlib
import http.server
import io
import json
import random
import tarfile
import threading
import zipfile
from pathlib import Path

import pytest

from xldistill.errors import CorpusError, DownloadError
from xldistill.data.fetch import download, extract
from xldistill.data.sources import Corpus, carve_splits, read_files, read_hf, read_url

PAIRS = [("Hello world.", "Hallo Welt."), ("The dog sleeps.", "Der Hund schläft."),
         ("I read a book.", "Ich lese ein Buch."), ("We are here.", "Wir sind hier.")]


def files_cfg(fmt, train, **extra):
    return {"format": fmt, "train": train, "dev": None, "test": None, "mono": None, "mono_src": None, **extra}


def write_text_pair(prefix: Path, pairs=PAIRS):
    Path(f"{prefix}.en").write_text("".join(s + "\n" for s, _ in pairs), encoding="utf-8")
    Path(f"{prefix}.de").write_text("".join(t + "\n" for _, t in pairs), encoding="utf-8")


def test_local_text_pair_with_bom_and_crlf(tmp_path):
    write_text_pair(tmp_path / "train")
    (tmp_path / "mono.de").write_bytes("\ufeffEins.\r\nZwei.\r\n".encode())
    corpus = read_files(files_cfg("text", "train", mono="mono.de"), "en", "de", tmp_path)
    assert corpus.splits["train"] == ([s for s, _ in PAIRS], [t for _, t in PAIRS])
    assert corpus.mono == ["Eins.", "Zwei."]
    (tmp_path / "mono.en").write_text("One.\nTwo.\nThree.\n")
    corpus = read_files(files_cfg("text", "train", mono_src="mono.en"), "en", "de", tmp_path)
    assert corpus.mono_src == ["One.", "Two.", "Three."] and corpus.mono == []


def test_local_text_pair_of_different_lengths_names_both_files(tmp_path):
    write_text_pair(tmp_path / "train")
    (tmp_path / "train.de").write_text("Nur eine Zeile.\n")
    with pytest.raises(CorpusError, match=r"train\.en has 4 lines but .*train\.de has 1"):
        read_files(files_cfg("text", "train"), "en", "de", tmp_path)


def test_not_utf8_names_file_and_line(tmp_path):
    write_text_pair(tmp_path / "train")
    (tmp_path / "train.de").write_bytes(b"Hallo.\nGr\xfc\xdfe.\nA\nB\n")
    with pytest.raises(CorpusError, match=r"train\.de:2: not valid UTF-8"):
        read_files(files_cfg("text", "train"), "en", "de", tmp_path)


def test_tsv_and_its_column_count(tmp_path):
    (tmp_path / "train.tsv").write_text("".join(f"{s}\t{t}\n" for s, t in PAIRS))
    corpus = read_files(files_cfg("tsv", "train.tsv"), "en", "de", tmp_path)
    assert corpus.splits["train"][1][1] == "Der Hund schläft."
    (tmp_path / "bad.tsv").write_text("a\tb\nc\td\te\n")
    with pytest.raises(CorpusError, match=r"bad\.tsv:2: expected 2 tab-separated columns, found 3"):
        read_files(files_cfg("tsv", "bad.tsv"), "en", "de", tmp_path)


def test_jsonl_flat_and_translation_dict_and_missing_key(tmp_path):
    lines = [json.dumps({"en": PAIRS[0][0], "de": PAIRS[0][1]}),
             json.dumps({"translation": {"en": PAIRS[1][0], "de": PAIRS[1][1]}})]
    (tmp_path / "train.jsonl").write_text("\n".join(lines) + "\n")
    corpus = read_files(files_cfg("jsonl", "train.jsonl"), "en", "de", tmp_path)
    assert corpus.splits["train"] == ([PAIRS[0][0], PAIRS[1][0]], [PAIRS[0][1], PAIRS[1][1]])
    (tmp_path / "bad.jsonl").write_text(lines[0] + "\n" + json.dumps({"en": "x", "fr": "y"}) + "\n")
    with pytest.raises(CorpusError, match=r"bad\.jsonl:2: missing key 'de'"):
        read_files(files_cfg("jsonl", "bad.jsonl"), "en", "de", tmp_path)


def hf_cfg(name, **extra):
    return {"name": str(name), "config": None, "revision": None, "field": "translation",
            "train_split": "train", "dev_split": "validation", "test_split": "test", "mono_src_split": None,
            **extra}


def test_hf_dataset_saved_to_disk(tmp_path):
    import datasets

    rows = [{"translation": {"en": s, "de": t}} for s, t in PAIRS]
    datasets.DatasetDict({"train": datasets.Dataset.from_list(rows),
                          "test": datasets.Dataset.from_list(rows[:1])}).save_to_disk(tmp_path / "ds")
    corpus = read_hf(hf_cfg(tmp_path / "ds"), "en", "de")
    assert corpus.splits["train"][0] == [s for s, _ in PAIRS]
    assert corpus.splits["test"] == ([PAIRS[0][0]], [PAIRS[0][1]])
    assert "dev" not in corpus.splits  # carved from train later
    with pytest.raises(CorpusError, match=r"split 'train' row 0: missing key 'fr'"):
        read_hf(hf_cfg(tmp_path / "ds"), "en", "fr")


def test_hf_source_side_monolingual_split(tmp_path):
    import datasets

    rows = [{"translation": {"en": s, "de": t}} for s, t in PAIRS]
    datasets.DatasetDict({"train": datasets.Dataset.from_list(rows),
                          "extra": datasets.Dataset.from_list([{"text": "Only English."}, {"text": "More."}]),
                          "other": datasets.Dataset.from_list([{"fr": "Bonjour."}])}).save_to_disk(tmp_path / "ds")
    corpus = read_hf(hf_cfg(tmp_path / "ds", mono_src_split="extra"), "en", "de")
    assert corpus.mono_src == ["Only English.", "More."]
    corpus = read_hf(hf_cfg(tmp_path / "ds", mono_src_split="train"), "en", "de")
    assert corpus.mono_src == [s for s, _ in PAIRS]  # the source side of a parallel split
    with pytest.raises(CorpusError, match="mono_src_split.*no split 'missing'"):
        read_hf(hf_cfg(tmp_path / "ds", mono_src_split="missing"), "en", "de")
    with pytest.raises(CorpusError, match="mono_src_split.*columns: fr"):
        read_hf(hf_cfg(tmp_path / "ds", mono_src_split="other"), "en", "de")


def test_hf_dataset_by_loader_with_top_level_columns(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train.jsonl").write_text("".join(json.dumps({"en": s, "de": t}) + "\n" for s, t in PAIRS))
    corpus = read_hf(hf_cfg(tmp_path / "data", field=None), "en", "de")
    assert corpus.splits["train"][1] == [t for _, t in PAIRS]


def make_targz(path: Path, members: dict):
    with tarfile.open(path, "w:gz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def url_cfg(files, train="corpus/train", **extra):
    return {"format": "text", "train": train, "dev": None, "test": None, "mono": None, "mono_src": None,
            "files": files, "timeout_s": 5, "retries": 0, **extra}


def test_file_url_archive_with_checksum(tmp_path):
    archive = tmp_path / "corpus.tar.gz"
    make_targz(archive, {"corpus/train.en": "A.\nB.\n".encode(), "corpus/train.de": "Ä.\nB.\n".encode()})
    corpus = read_url(url_cfg([{"url": archive.as_uri(), "sha256": sha(archive)}]), "en", "de")
    assert corpus.splits["train"] == (["A.", "B."], ["Ä.", "B."])
    with pytest.raises(DownloadError, match="checksum mismatch"):
        read_url(url_cfg([{"url": archive.as_uri(), "sha256": "0" * 64}]), "en", "de")
    with pytest.raises(DownloadError, match=f"has sha256 {sha(archive)}"):
        read_url(url_cfg([{"url": archive.as_uri(), "sha256": None}]), "en", "de")


def test_archive_members_outside_the_folder_are_refused(tmp_path):
    evil_zip = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil_zip, "w") as zf:
        zf.writestr("ok.txt", "fine")
        zf.writestr("../escaped.txt", "gotcha")
    with pytest.raises(DownloadError, match="outside"):
        extract(evil_zip, tmp_path / "out")
    assert not (tmp_path / "escaped.txt").exists()

    absolute = tmp_path / "abs.tar.gz"
    make_targz(absolute, {"/tmp/xldistill-absolute.txt": b"x"})
    with pytest.raises(DownloadError, match="outside"):
        extract(absolute, tmp_path / "out2")

    linked = tmp_path / "link.tar"
    with tarfile.open(linked, "w") as tf:
        info = tarfile.TarInfo("innocent")
        info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tf.addfile(info)
    with pytest.raises(DownloadError, match="link"):
        extract(linked, tmp_path / "out3")
    assert not (tmp_path / "out3" / "innocent").exists()


def test_truncated_archive_is_a_clear_error(tmp_path):
    archive = tmp_path / "corpus.tar.gz"
    noise = random.Random(0).randbytes(20000).hex().encode()  # incompressible, so a cut loses data
    make_targz(archive, {"corpus/train.en": noise, "corpus/train.de": noise})
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[:len(archive.read_bytes()) // 2])
    with pytest.raises(DownloadError, match="damaged or truncated"):
        extract(cut, tmp_path / "out")


@pytest.fixture
def http_server(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_http_zip_like_opus_and_http_errors(http_server, tmp_path):
    root, base = http_server
    with zipfile.ZipFile(root / "de-en.txt.zip", "w") as zf:
        zf.writestr("Corpus.de-en.en", "One.\nTwo.\nThree.\n")
        zf.writestr("Corpus.de-en.de", "Eins.\nZwei.\nDrei.\n")
        zf.writestr("README", "licence")
    cfg = url_cfg([{"url": f"{base}/de-en.txt.zip", "sha256": sha(root / "de-en.txt.zip")}],
                  train="Corpus.de-en")
    assert read_url(cfg, "en", "de").splits["train"][1] == ["Eins.", "Zwei.", "Drei."]
    with pytest.raises(DownloadError, match="HTTP 404"):
        download(f"{base}/missing.zip", tmp_path, "0" * 64, timeout=5, retries=2, backoff_s=0)
    with pytest.raises(DownloadError, match="scheme 'ftp' not supported"):
        download("ftp://127.0.0.1/x.zip", tmp_path, None)


def test_carving_dev_and_test_is_deterministic_and_disjoint():
    src = [f"s{i}" for i in range(100)]
    tgt = [f"t{i}" for i in range(100)]

    def carve(seed):
        corpus = Corpus(splits={"train": (list(src), list(tgt))})
        carve_splits(corpus, dev_size=10, test_size=15, seed=seed)
        return corpus.splits

    first, again, other = carve(1), carve(1), carve(2)
    assert first == again and first["test"] != other["test"]
    assert (len(first["train"][0]), len(first["dev"][0]), len(first["test"][0])) == (75, 10, 15)
    assert not set(first["train"][0]) & (set(first["dev"][0]) | set(first["test"][0]))
    assert all(s[1:] == t[1:] for split in first.values() for s, t in zip(*split))
    with pytest.raises(CorpusError, match="too few to carve"):
        corpus = Corpus(splits={"train": (src[:5], tgt[:5])})
        carve_splits(corpus, dev_size=3, test_size=3, seed=1)
