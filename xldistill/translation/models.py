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
        forced_eos_token_id=None,  # MarianConfig's default (0, </s>); see generation_config()
        # d_model^-0.5 (not transformers' 0.02): with sqrt(d_model) embedding scaling the token
        # embeddings start at unit scale like the sinusoidal positions. At 0.02 small models let
        # positions swamp the tokens and collapse into a target-side language model.
        init_std=arch["d_model"] ** -0.5,
    )
    model = MarianMTModel(config)
    initialise(model, config.init_std, seed=torch.initial_seed())  # the seed seed_everything() set
    model.generation_config = generation_config(tokenizer, beam=1, max_length=max_positions)
    return model  # its start row is zero (a padding row); train() keeps it so


@torch.no_grad()
def initialise(model: MarianMTModel, std: float, seed: int) -> None:
    """Draw every trainable weight again, module by module in name order, from a generator of its
    own: the same seed then gives the same model whatever a transformers release draws while it
    builds one (4.57 and 5.x draw differently, which is a different seed in effect).
    Linear and embedding weights ~ N(0, std), biases 0, layer norms 1 and 0, padding rows 0;
    the sinusoidal position tables are not drawn. Tied weights are drawn once."""
    generator, drawn = torch.Generator().manual_seed(seed), set()
    for _, module in sorted(model.named_modules(), key=lambda item: item[0]):
        weight = getattr(module, "weight", None)
        if weight is None or not weight.requires_grad or weight.data_ptr() in drawn:
            continue
        drawn.add(weight.data_ptr())
        if isinstance(module, torch.nn.LayerNorm):
            weight.fill_(1.0)
            module.bias.zero_()
            continue
        weight.normal_(0.0, std, generator=generator)
        if getattr(module, "bias", None) is not None:
            module.bias.zero_()
    # after every draw: a tied embedding may have been drawn as the output projection (lm_head sorts first)
    for module in model.modules():
        if isinstance(module, torch.nn.Embedding) and module.padding_idx is not None:
            module.weight[module.padding_idx].zero_()


def hold_start_embedding_at_zero(model: MarianMTModel) -> None:
    """Zero the decoder start token's embedding row and keep it zero through training.

    transformers starts Marian's decoder from the embedding of ``<pad>`` (the decoder start
    token); CTranslate2's Marian loader starts it from a zero vector. The row starts at zero
    (``padding_idx``), but with tied embeddings it is also the output projection's ``<pad>``
    row, which the softmax trains, so without this the converted model is another model.
    Zeroing its gradient keeps it zero under AdamW (zero moments, decoupled decay of zero).
    """
    start = model.config.decoder_start_token_id
    weight = model.get_decoder().embed_tokens.weight
    with torch.no_grad():
        weight[start].zero_()
    if getattr(weight, "_xldistill_start_row_held", False):
        return
    weight.register_hook(lambda grad: grad.index_fill(0, torch.tensor([start], device=grad.device), 0.0))
    weight._xldistill_start_row_held = True


def start_embedding_norm(model: MarianMTModel) -> float:
    """Norm of the decoder start token's embedding row (0 for a model CTranslate2 runs alike)."""
    return model.get_decoder().embed_tokens.weight[model.config.decoder_start_token_id].norm().item()


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


def generation_config(tokenizer: MarianTokenizer, *, beam: int, max_length: int) -> GenerationConfig:
    """How every model here decodes, in memory and once saved: chosen so that transformers'
    ``generate`` and CTranslate2 search alike. CTranslate2 drops ``<pad>`` from the vocabulary
    (here: a banned word), stops a beam search once ``beam`` hypotheses have ended (here:
    ``early_stopping=True``, which transformers 5 accepts only with a beam) and forces no
    ``</s>`` at the length limit (a forced ``</s>`` changes the length-normalised score of the
    hypotheses that reach it, and with it which one wins). ``max_length`` (not
    ``max_new_tokens``) counts the decoder start token."""
    return GenerationConfig(
        num_beams=beam, max_length=max_length, early_stopping=beam > 1, bad_words_ids=[[tokenizer.pad_token_id]],
        decoder_start_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )


def save_model(model: MarianMTModel, tokenizer: MarianTokenizer, out_dir: Path, *,
               beam: int, max_length: int) -> None:
    """A folder that ``MarianMTModel.from_pretrained`` loads and ``generate`` decodes as evaluated here."""
    model.generation_config = generation_config(
        tokenizer, beam=beam, max_length=min(max_length, model.config.max_position_embeddings))
    model.save_pretrained(str(out_dir))
    tokenizer.save_pretrained(str(out_dir))


def count_parameters(model: torch.nn.Module) -> int:
    """Distinct parameters (tied embeddings counted once)."""
    return sum(p.numel() for p in {id(p): p for p in model.parameters()}.values())


def size_on_disk(path: Path) -> int:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())
