"""Student initialisation, the distillation loss the trainer gets, and int8 students."""

import pytest
import torch

from models_fixtures import TINY_MODEL, tiny_model
from xldistill.training import losses
from xldistill.translation.distill import distillation_loss, every_kth_layer, shrink_from_teacher
from xldistill.translation.engines import open_engine
from xldistill.errors import XldistillError
from xldistill.translation.models import build_marian, save_model
from xldistill.translation.quantize import convert_ctranslate2, save_torch_int8
from xldistill.translation.task import collate, encode_pairs


def test_every_kth_layer():
    assert every_kth_layer(6, 3) == [1, 3, 5]
    assert every_kth_layer(6, 2) == [2, 5]
    assert every_kth_layer(4, 4) == [0, 1, 2, 3]
    assert every_kth_layer(2, 1) == [1]
    with pytest.raises(XldistillError):
        every_kth_layer(2, 3)


def test_shrink_copies_embeddings_and_the_layers_it_claims(setup):
    _, _, tokenizer = setup
    teacher = build_marian(tokenizer, {**TINY_MODEL, "encoder_layers": 4, "decoder_layers": 2})
    student = build_marian(tokenizer, {**TINY_MODEL, "encoder_layers": 2, "decoder_layers": 1})
    copied = shrink_from_teacher(student, teacher)
    assert copied == {"encoder": [1, 3], "decoder": [1]}
    assert torch.equal(student.model.shared.weight, teacher.model.shared.weight)
    for part, chosen in copied.items():
        for i, j in enumerate(chosen):
            s_state = getattr(student.model, part).layers[i].state_dict()
            t_state = getattr(teacher.model, part).layers[j].state_dict()
            assert all(torch.equal(s_state[k], t_state[k]) for k in s_state)
    other = getattr(teacher.model, "encoder").layers[0].state_dict()
    assert not torch.equal(student.model.encoder.layers[0].self_attn.q_proj.weight, other["self_attn.q_proj.weight"])
    narrow = build_marian(tokenizer, {**TINY_MODEL, "d_model": 16, "encoder_layers": 1})
    with pytest.raises(XldistillError, match="d_model"):
        shrink_from_teacher(narrow, teacher)


def test_distillation_loss_is_word_kd_on_the_teachers_logits(setup):
    _, corpus, tokenizer = setup
    teacher, student = tiny_model(tokenizer, seed=1).eval(), tiny_model(tokenizer, seed=2).eval()
    src_ids, tgt_ids = encode_pairs(tokenizer, *corpus["train"], 64)
    batch = collate([0, 1, 2], src_ids, tgt_ids, tokenizer.pad_token_id, "cpu")
    inputs = {k: batch[k] for k in ("input_ids", "attention_mask", "decoder_input_ids")}
    expected = losses.word_kd(student(**inputs).logits, teacher(**inputs).logits, batch["labels"],
                              temperature=3.0, alpha=0.7)
    loss_fn = distillation_loss(teacher, kind="kl", temperature=3.0, alpha=0.7, label_smoothing=0.0)
    assert torch.allclose(loss_fn(student, batch), expected)
    assert not any(p.requires_grad for p in teacher.parameters())


def test_int8_students_stay_close_to_the_fp32_student(setup, tmp_path):
    _, corpus, tokenizer = setup
    model = tiny_model(tokenizer).eval()
    save_model(model, tokenizer, tmp_path / "fp32", beam=1, max_length=40)
    save_torch_int8(tmp_path / "fp32", tmp_path / "int8")
    convert_ctranslate2(tmp_path / "fp32", tmp_path / "ct2", quantization="int8")
    src_ids, tgt_ids = encode_pairs(tokenizer, *corpus["test"], 64)
    batch = collate(list(range(8)), src_ids, tgt_ids, tokenizer.pad_token_id, "cpu")
    inputs = {k: batch[k] for k in ("input_ids", "attention_mask", "decoder_input_ids")}
    int8 = open_engine(tmp_path / "int8").model
    with torch.no_grad():
        full, quantized = model(**inputs).logits, int8(**inputs).logits
    mask = batch["labels"] != -100
    relative_error = (quantized - full)[mask].norm() / full[mask].norm()
    assert relative_error < 0.05, relative_error
    assert (quantized[mask].argmax(-1) == full[mask].argmax(-1)).float().mean() > 0.9
    assert (tmp_path / "int8" / "model.safetensors").stat().st_size < 0.8 * (tmp_path / "fp32" / "model.safetensors").stat().st_size
    outputs = open_engine(tmp_path / "ct2").translate(corpus["test"][0], beam=1, max_length=40)
    assert len(outputs) == len(corpus["test"][0]) and all(isinstance(o, str) for o in outputs)
