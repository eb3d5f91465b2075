"""download stage: the configured corpus → data/raw/ and metrics/download.json.

Writes {train,dev,test}.{src,tgt}, mono.tgt and mono.src (either possibly empty)
and SHA256SUMS;
the builtin source also writes train.noise, the noise label of each train line.
A local corpus must lie inside corpora/, which dvc.yaml declares as this stage's
dependency: that is how DVC sees a local file change.
"""

from __future__ import annotations

import os
from pathlib import Path

from xldistill.data.builtin_corpus import write_builtin_corpus
from xldistill.cli import run_stage
from xldistill.errors import CorpusError
from xldistill.params import load_params
from xldistill.data.sources import SPLITS, carve_splits, read_files, read_hf, read_url
from xldistill.data.textio import atomic_dir, count_lines, sha256_file, write_json_atomic, write_lines

OUT_DIR = Path("data/raw")
METRICS = Path("metrics/download.json")
CORPORA = Path("corpora")  # a dependency of this stage in dvc.yaml


def check_tracked(cfg: dict) -> None:
    """Every local path the corpus params name must lie inside corpora/: a file elsewhere
    could change without DVC rerunning this stage, and the pipeline would serve stale results."""
    paths = []
    if cfg["source"] == "local":
        paths = [(f"corpus.local.{key}", cfg["local"][key]) for key in ("train", "dev", "test", "mono", "mono_src")]
    elif cfg["source"] == "hf" and cfg["hf"]["name"] and Path(cfg["hf"]["name"]).exists():
        paths = [("corpus.hf.name", cfg["hf"]["name"])]
    root = Path(os.path.abspath(CORPORA))  # abspath, not resolve: DVC may link files into its cache
    for key, value in paths:
        if value and not Path(os.path.abspath(value)).is_relative_to(root):
            raise CorpusError(
                f"params.yaml: {key} {value!r} is outside {CORPORA}/, so DVC would not rerun download when it "
                f"changes. Bring the files in and point {key} there, e.g. `dvc add <their folder> -o "
                f"{CORPORA}/<name>` (see {CORPORA}/README.md)")


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
    write_lines(out / "mono.src", corpus.mono_src)
    return carved


def main() -> None:
    params = load_params()
    cfg = params["corpus"]
    check_tracked(cfg)
    metrics = {"source": cfg["source"]}
    with atomic_dir(OUT_DIR) as out:
        if cfg["source"] == "builtin":
            builtin = cfg["builtin"]
            info = write_builtin_corpus(
                out, seed=params["seed"], train_size=builtin["train_size"], dev_size=cfg["dev_size"],
                test_size=cfg["test_size"], mono_size=builtin["mono_size"], noise=builtin["noise"],
                mono_src_size=builtin["mono_src_size"])
            metrics["noise_lines"] = info["noise_lines"]
        else:
            metrics["carved_from_train"] = fetch_corpus(cfg, params["seed"], out)
        files = sorted(p.name for p in out.iterdir())
        (out / "SHA256SUMS").write_text("".join(f"{sha256_file(out / f)}  {f}\n" for f in files))
        metrics["lines"] = {split: count_lines(out / f"{split}.src") for split in SPLITS}
        metrics["lines"]["mono"] = count_lines(out / "mono.tgt")
        metrics["lines"]["mono_src"] = count_lines(out / "mono.src")
    write_json_atomic(METRICS, metrics)
    print(f"download: {metrics['lines']} → {OUT_DIR}")


if __name__ == "__main__":
    run_stage("download", main)
