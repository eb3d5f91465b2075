"""One joint SentencePiece vocabulary, written as a Marian tokenizer folder.

Marian keeps its own id table (vocab.json) beside the SentencePiece model:
``</s>`` is 0, ``<unk>`` 1, then the pieces, and ``<pad>`` last, as in OPUS-MT
models and as CTranslate2's Marian converter expects. Source and target share
the one model (source.spm = target.spm), so teacher, students and the reverse
model compare distributions over the same ids.
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
from pathlib import Path

import sentencepiece as spm
from transformers import MarianTokenizer

from xldistill.errors import XldistillError

BT_TAG = "<BT>"  # marks back-translated sources (tagged back-translation)


def _sentences(texts: list[Path]):
    for path in texts:
        with open(path, encoding="utf-8") as f:
            for line in f:
                yield line.rstrip("\n")


def train_sentencepiece(texts: list[Path], model_prefix: Path, *, vocab_size: int, model_type: str,
                        seed: int, user_symbols: tuple[str, ...] = (BT_TAG,)) -> Path:
    """Train on the given text files; deterministic for the same files and seed
    (one thread, no input sampling). Sentences go in through an iterator and the
    model comes out through a writer, because a model trained from paths records
    those paths (temporary folders) and would differ byte for byte between clones."""
    spm.set_random_generator_seed(seed)
    model = io.BytesIO()
    try:
        spm.SentencePieceTrainer.train(
            sentence_iterator=_sentences(texts), model_writer=model, vocab_size=vocab_size,
            model_type=model_type, character_coverage=1.0, num_threads=1,
            input_sentence_size=0, shuffle_input_sentence=False, hard_vocab_limit=True,
            unk_id=0, bos_id=-1, eos_id=1, pad_id=-1, user_defined_symbols=list(user_symbols),
            minloglevel=2,
        )
    except RuntimeError as err:
        # SentencePiece says which way to go: more pieces than characters, fewer than the corpus holds.
        reason = str(err).split("] ", 1)[-1]
        raise XldistillError(f"params.yaml: vocab.size = {vocab_size} does not fit this corpus: {reason}") from None
    path = model_prefix.with_suffix(".model")
    path.write_bytes(model.getvalue())
    return path


def marian_vocab(spm_model: Path) -> dict[str, int]:
    processor = spm.SentencePieceProcessor(model_file=str(spm_model))
    vocab = {"</s>": 0, "<unk>": 1}
    for index in range(processor.get_piece_size()):
        if processor.is_control(index) or processor.is_unknown(index):
            continue
        vocab.setdefault(processor.id_to_piece(index), len(vocab))
    vocab["<pad>"] = len(vocab)
    return vocab


def write_tokenizer(spm_model: Path, out_dir: Path) -> MarianTokenizer:
    """A folder that ``MarianTokenizer.from_pretrained`` loads on its own."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        shutil.copy(spm_model, tmp / "source.spm")
        shutil.copy(spm_model, tmp / "target.spm")
        (tmp / "vocab.json").write_text(json.dumps(marian_vocab(spm_model), ensure_ascii=False, indent=0))
        tokenizer = MarianTokenizer(str(tmp / "source.spm"), str(tmp / "target.spm"), str(tmp / "vocab.json"))
        tokenizer.save_pretrained(str(out_dir))
    return MarianTokenizer.from_pretrained(str(out_dir))


def check_pad_last(tokenizer: MarianTokenizer) -> None:
    if tokenizer.pad_token_id != len(tokenizer) - 1:
        raise XldistillError(f"the tokenizer's <pad> has id {tokenizer.pad_token_id}, not the last id "
                             f"{len(tokenizer) - 1}; CTranslate2's Marian converter needs it last")
