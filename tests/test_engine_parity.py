"""CTranslate2 runs the very model that transformers trained: the decoder start
embedding stays zero through training, so a float32 conversion translates alike."""

import pytest
import torch

from models_fixtures import TINY_MODEL, TINY_TRAIN, tiny_model
from xldistill.translation.engines import CTranslate2Engine, Engine
from xldistill.translation.models import build_marian, save_model, start_embedding_norm
from xldistill.translation.quantize import convert_ctranslate2
from xldistill.training.trainer import seed_everything
from xldistill.translation.task import train_translation

MAX_LENGTH = 64


@pytest.fixture(scope="module")
def converted(setup, tmp_path_factory):
    """A tiny model trained 300 steps on a copy task (enough for most outputs to end
    before the length limit), saved, and converted to CTranslate2 float32."""
    _, corpus, tokenizer = setup
    folder = tmp_path_factory.mktemp("parity")
    seed_everything(1)
    model = build_marian(tokenizer, {**TINY_MODEL, "dropout": 0.0}, max_positions=MAX_LENGTH)
    before = model.model.shared.weight.detach().clone()
    copy = (corpus["train"][0], corpus["train"][0])
    train_translation(model, tokenizer, copy, (corpus["dev"][0], corpus["dev"][0]),
          {**TINY_TRAIN, "max_steps": 300, "eval_every": 300, "lr": 0.005}, seed=1, work_dir=folder / "work")
    save_model(model, tokenizer, folder / "fp32", beam=4, max_length=MAX_LENGTH)
    convert_ctranslate2(folder / "fp32", folder / "ct2", quantization="float32")
    return model, before, folder


def test_training_keeps_the_start_embedding_at_zero(converted, setup):
    model, before, _ = converted
    _, _, tokenizer = setup
    start = model.config.decoder_start_token_id
    assert start == tokenizer.pad_token_id
    weight = model.model.shared.weight
    assert torch.count_nonzero(weight[start]) == 0 and start_embedding_norm(model) == 0.0
    assert (weight - before).abs().sum(-1).gt(0).float().mean() > 0.5  # the other rows did train


def test_a_built_model_starts_with_a_zero_start_row(setup):
    _, _, tokenizer = setup
    model = tiny_model(tokenizer)  # lm_head, tied to the embeddings, is drawn first: the row must still be zero
    assert start_embedding_norm(model) == 0.0
    assert model.model.shared.weight[:-1].abs().sum(-1).gt(0).all()  # every other row drawn


def test_a_pretrained_start_row_is_zeroed_before_fine_tuning(setup, tmp_path):
    _, corpus, tokenizer = setup
    model = tiny_model(tokenizer)
    with torch.no_grad():
        model.model.shared.weight[tokenizer.pad_token_id] = 1.0  # as an init from elsewhere might have it
    train_translation(model, tokenizer, corpus["train"], corpus["dev"], {**TINY_TRAIN, "max_steps": 2, "eval_every": 2},
          seed=1, work_dir=tmp_path / "work")
    assert start_embedding_norm(model) == 0.0


@pytest.mark.parametrize("beam", [1, 4])
def test_ctranslate2_float32_translates_exactly_like_transformers(converted, setup, beam):
    _, corpus, tokenizer = setup
    _, _, folder = converted
    sources = corpus["dev"][0] + corpus["test"][0] + corpus["train"][0][:160]
    expected = Engine(folder / "fp32", threads=1).translate(sources, beam=beam, max_length=MAX_LENGTH)
    actual = CTranslate2Engine(folder / "ct2", threads=1).translate(sources, beam=beam, max_length=MAX_LENGTH)
    if beam == 1:
        assert actual == expected
        return
    # Beam search: where every hypothesis runs into max_length without </s>, the engines
    # length-normalise the cut-off ones differently, so only outputs that ended on their own count.
    # On this under-trained model's flat distributions a few near-ties among those still go the
    # other way (149 of 152 identical when written; 2 of 113 without the zero start embedding); the
    # default student's whole test split is identical (docs/pipeline.md).
    ended = [i for i, text in enumerate(expected)
             if len(tokenizer(text_target=text).input_ids) < MAX_LENGTH - 1]
    assert len(ended) >= len(sources) // 2
    identical = sum(actual[i] == expected[i] for i in ended)
    assert identical >= 0.95 * len(ended), f"{identical} of {len(ended)} identical"
