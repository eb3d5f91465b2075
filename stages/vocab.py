"""vocab stage: data/clean/ → models/tokenizer/ (one joint SentencePiece vocabulary).

With a pretrained teacher (teacher.init not `scratch`) the vocabulary is the
pretrained model's own, adopted here so that every student shares it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from transformers import MarianTokenizer

from xldistill.cli import run_stage
from xldistill.errors import XldistillError
from xldistill.translation.models import check_local_init
from xldistill.params import load_params
from xldistill.data.textio import atomic_dir
from xldistill.data.vocab import check_pad_last, train_sentencepiece, write_tokenizer

CLEAN = Path("data/clean")
OUT_DIR = Path("models/tokenizer")


def adopt_pretrained(init: str, out: Path) -> MarianTokenizer:
    check_local_init(init)
    try:
        tokenizer = MarianTokenizer.from_pretrained(init)
    except (OSError, ValueError) as err:
        raise XldistillError(f"teacher.init {init!r}: no Marian tokenizer could be loaded from it "
                             f"(a local folder, or a hub name with network access): {err}") from None
    tokenizer.save_pretrained(str(out))
    return MarianTokenizer.from_pretrained(str(out))


def main() -> None:
    params = load_params()
    init = params["teacher"]["init"]
    with atomic_dir(OUT_DIR) as out:
        if init != "scratch":
            tokenizer = adopt_pretrained(init, out)
            print(f"vocab: adopted the vocabulary of {init} ({len(tokenizer)} entries)")
        else:
            texts = [CLEAN / "train.src", CLEAN / "train.tgt"]
            if (CLEAN / "mono.tgt").stat().st_size > 0:
                texts.append(CLEAN / "mono.tgt")
            with tempfile.TemporaryDirectory() as tmp:
                spm_model = train_sentencepiece(texts, Path(tmp) / "spm", vocab_size=params["vocab"]["size"],
                                                model_type=params["vocab"]["model_type"], seed=params["seed"])
                tokenizer = write_tokenizer(spm_model, out)
            print(f"vocab: {len(tokenizer)} entries, <pad> = {tokenizer.pad_token_id}")
        check_pad_last(tokenizer)


if __name__ == "__main__":
    run_stage("vocab", main)
