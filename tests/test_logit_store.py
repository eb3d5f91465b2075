"""The stored teacher logits: what compute_store writes, what the student's loss reads back."""

import numpy as np
import pytest
import torch

from models_fixtures import tiny_model
from xldistill.translation.distill import distillation_loss, forward_lines, stored_distillation_loss
from xldistill.errors import XldistillError
from xldistill.translation.logit_store import LogitStore, compute_store, tail_logits
from xldistill.translation.task import collate, encode_pairs


def test_the_store_holds_the_teachers_top_k_and_its_tail(setup, tmp_path):
    _, corpus, tokenizer = setup
    teacher = tiny_model(tokenizer, seed=1).eval()
    pairs = (corpus["train"][0][:30], corpus["train"][1][:30])
    meta = compute_store(teacher, tokenizer, pairs, tmp_path, k=5, max_length=64, max_tokens=300)
    src_ids, tgt_ids = encode_pairs(tokenizer, *pairs, 64)
    assert meta["sentences"] == 30 and meta["positions"] == sum(map(len, tgt_ids))
    store = LogitStore(tmp_path)
    index = [3, 17, 0]
    batch = collate(index, src_ids, tgt_ids, tokenizer.pad_token_id, "cpu")
    with torch.no_grad():
        full = teacher(**{k: batch[k] for k in ("input_ids", "attention_mask", "decoder_input_ids")}).logits
    ids, values, tail = store.lookup(index, batch["labels"].shape[1], "cpu")
    mask = batch["labels"] != -100
    top_values, top_ids = full.topk(5, dim=-1)
    assert torch.equal(ids[mask], top_ids[mask])
    assert torch.allclose(values[mask], top_values[mask], atol=2e-2)  # stored as float16
    # the tail logit gives the other V − 5 tokens their total probability at T = 1
    probs = full[mask].softmax(-1)
    tail_mass = 1 - probs.topk(5, dim=-1).values.sum(-1)
    vocab = full.shape[-1]
    assert torch.allclose(torch.exp(tail[mask]) * (vocab - 5) / torch.exp(full[mask]).sum(-1), tail_mass, rtol=1e-3)
    assert torch.allclose(tail_logits(full, top_values)[mask], tail[mask], atol=1e-4)


def test_stored_kd_equals_live_kd_when_the_store_holds_every_token(setup, tmp_path):
    _, corpus, tokenizer = setup
    teacher, student = tiny_model(tokenizer, seed=1).eval(), tiny_model(tokenizer, seed=2).eval()
    pairs = (corpus["train"][0][:12], corpus["train"][1][:12])
    compute_store(teacher, tokenizer, pairs, tmp_path, k=teacher.config.vocab_size, max_length=64)
    store = LogitStore(tmp_path)
    src_ids, tgt_ids = encode_pairs(tokenizer, *pairs, 64)
    batch = collate([5, 2, 9], src_ids, tgt_ids, tokenizer.pad_token_id, "cpu")
    live = distillation_loss(teacher, kind="kl", temperature=2.0, alpha=0.6, label_smoothing=0.1)(student, batch)
    stored = stored_distillation_loss(store, temperature=2.0, alpha=0.6, label_smoothing=0.1)(student, batch)
    assert stored.item() == pytest.approx(live.item(), rel=1e-3)  # float16 logits
    stored.backward()  # the student learns from it
    assert student.model.shared.weight.grad.abs().sum() > 0


def test_a_store_of_other_training_data_is_refused(setup, tmp_path):
    _, corpus, tokenizer = setup
    teacher = tiny_model(tokenizer, seed=1).eval()
    pairs = (corpus["train"][0][:10], corpus["train"][1][:10])
    compute_store(teacher, tokenizer, pairs, tmp_path, k=4, max_length=64)
    store = LogitStore(tmp_path)
    store.check_matches(tokenizer, pairs, 64)
    with pytest.raises(XldistillError, match="other training data"):
        store.check_matches(tokenizer, (pairs[0][:9], pairs[1][:9]), 64)
    with pytest.raises(XldistillError, match="no logit store"):
        LogitStore(tmp_path / "missing")


def test_forward_lines_make_up_the_share_at_most_all_there_are():
    assert forward_lines(1000, 5000, 0.5) == 1000
    assert forward_lines(1000, 5000, 0.75) == 3000
    assert forward_lines(1000, 500, 0.75) == 500
    assert forward_lines(1000, 5000, 0.0) == 0
    assert np.isclose(forward_lines(300, 10_000, 0.25) / (300 + forward_lines(300, 10_000, 0.25)), 0.25)
