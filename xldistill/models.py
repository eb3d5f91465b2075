"""Marian models: built from params, saved as plain Hugging Face folders."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

from xldistill.errors import XldistillError


def build_marian(tokenizer: MarianTokenizer, arch: dict, *, max_positions: int = 256) -> MarianMTModel:
    """A fresh Marian transformer over ``tokenizer``'s vocabulary (pad last, eos 0)."""
    vocab_size = len(tokenizer)
    config = MarianConfig(
        vocab_size=vocab_size,
        decoder_vocab_size=vocab_size,
        d_model=arch["d_model"],
        encoder_layers=arch["encoder_layers"],
        decoder_layers=arch["decoder_layers"],
        encoder_attention_heads=arch["heads"],
        decoder_attention_heads=arch["heads"],
        encoder_ffn_dim=arch["ffn_dim"],
        decoder_ffn_dim=arch["ffn_dim"],
        dropout=arch["dropout"],
        attention_dropout=arch["dropout"],
        activation_dropout=0.0,
        activation_function="swish",
        max_position_embeddings=max_positions,
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.pad_token_id,
        forced_eos_token_id=tokenizer.eos_token_id,
        # d_model^-0.5 (not transformers' 0.02): with sqrt(d_model) embedding scaling the token
        # embeddings start at unit scale like the sinusoidal positions. At 0.02 small models let
        # positions swamp the tokens and collapse into a target-side language model.
        init_std=arch["d_model"] ** -0.5,
    )
    return MarianMTModel(config)


def check_local_init(init: str, key: str = "teacher.init") -> None:
    """A value that looks like a path must be an existing folder: otherwise
    transformers would take it for a hub name and fail on the network instead."""
    looks_local = init.startswith((".", "/", "~")) or init.count("/") > 1 or Path(init).exists()
    if looks_local and not Path(init).expanduser().is_dir():
        raise XldistillError(f"params.yaml: {key} {init!r}: no such folder")


def load_marian(path: str | Path) -> MarianMTModel:
    """Weights from safetensors only; never remote code."""
    config_file = Path(path) / "config.json"
    if config_file.is_file():  # else a hub name: from_pretrained fetches (and checks) the config
        try:
            model_type = json.loads(config_file.read_text(encoding="utf-8")).get("model_type")
        except (ValueError, UnicodeDecodeError) as err:
            raise XldistillError(f"{config_file}: not valid JSON: {err}") from None
        if model_type != "marian":
            # from_pretrained would build a Marian model from a foreign config and initialise it randomly
            raise XldistillError(f"{path}: a {model_type!r} model, not a Marian translation model")
    try:
        return MarianMTModel.from_pretrained(str(path), use_safetensors=True)
    except (OSError, ValueError) as err:
        raise XldistillError(f"{path}: not a loadable Marian model folder with safetensors weights: {err}") from None


def save_model(model: MarianMTModel, tokenizer: MarianTokenizer, out_dir: Path, *,
               beam: int, max_length: int) -> None:
    """A folder that MarianMTModel.from_pretrained and pipeline('translation') load."""
    # max_length (not max_new_tokens): pipeline("translation") honours it over its own default of 256
    # new tokens, which would run past the position table of a small model.
    max_length = min(max_length, model.config.max_position_embeddings)
    model.generation_config = GenerationConfig(
        num_beams=beam, max_length=max_length, bad_words_ids=[[tokenizer.pad_token_id]],
        decoder_start_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id,
        forced_eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id,
    )
    model.save_pretrained(str(out_dir), safe_serialization=True)
    tokenizer.save_pretrained(str(out_dir))


def count_parameters(model: torch.nn.Module) -> int:
    """Distinct parameters (tied embeddings counted once)."""
    return sum(p.numel() for p in {id(p): p for p in model.parameters()}.values())


def size_on_disk(path: Path) -> int:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())
