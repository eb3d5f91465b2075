"""download stage: the configured corpus → data/raw/ and metrics/download.json.

Writes {train,dev,test}.{src,tgt}, mono.tgt (possibly empty) and SHA256SUMS;
the builtin source also writes train.noise, the noise label of each train line.
"""

from __future__ import annotations

from pathlib import Path

from xldistill.builtin_corpus import write_builtin_corpus
from xldistill.cli import run_stage
from xldistill.params import load_params
from xldistill.sources import SPLITS, carve_splits, read_files, read_hf, read_url
from xldistill.textio import atomic_dir, count_lines, sha256_file, write_json_atomic, write_lines

OUT_DIR = Path("data/raw")
METRICS = Path("metrics/download.json")


def fetch_corpus(cfg: dict, seed: int, out: Path) -> dict:
    """Write the non-builtin corpus into ``out``; return what was carved from train."""
    src_lang, tgt_lang = cfg["src_lang"], cfg["tgt_lang"]
    if cfg["source"] == "local":
        corpus = read_files(cfg["local"], src_lang, tgt_lang, Path("."))
    elif cfg["source"] == "hf":
        corpus = read_hf(cfg["hf"], src_lang, tgt_lang)
    else:
        corpus = read_url(cfg["url"], src_lang, tgt_lang)
    carved = carve_splits(corpus, cfg["dev_size"], cfg["test_size"], seed)
    for split in SPLITS:
        src, tgt = corpus.splits.get(split, ([], []))
        write_lines(out / f"{split}.src", src)
        write_lines(out / f"{split}.tgt", tgt)
    write_lines(out / "mono.tgt", corpus.mono)
    return carved


def main() -> None:
    params = load_params()
    cfg = params["corpus"]
    metrics = {"source": cfg["source"]}
    with atomic_dir(OUT_DIR) as out:
        if cfg["source"] == "builtin":
            builtin = cfg["builtin"]
            info = write_builtin_corpus(
                out, seed=params["seed"], train_size=builtin["train_size"], dev_size=cfg["dev_size"],
                test_size=cfg["test_size"], mono_size=builtin["mono_size"], noise=builtin["noise"])
            metrics["noise_lines"] = info["noise_lines"]
        else:
            metrics["carved_from_train"] = fetch_corpus(cfg, params["seed"], out)
        files = sorted(p.name for p in out.iterdir())
        (out / "SHA256SUMS").write_text("".join(f"{sha256_file(out / f)}  {f}\n" for f in files))
        metrics["lines"] = {split: count_lines(out / f"{split}.src") for split in SPLITS}
        metrics["lines"]["mono"] = count_lines(out / "mono.tgt")
    write_json_atomic(METRICS, metrics)
    print(f"download: {metrics['lines']} → {OUT_DIR}")


if __name__ == "__main__":
    run_stage("download", main)
