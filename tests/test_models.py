"""Vocabulary, the trainer and the translate function on tiny models."""

import csv
import json

import pytest
import torch
from transformers import MarianMTModel, MarianTokenizer

from models_fixtures import TINY_TRAIN, readme_snippet_output, tiny_model
from xldistill.training.trainer import restored_state
from xldistill.translation.models import count_parameters, save_model
from xldistill.translation.task import collate, cross_entropy, encode_pairs, make_batches
from xldistill.translation.task import train_translation
from xldistill.translation.translate import translate
from xldistill.data.vocab import BT_TAG


def test_tokenizer_round_trip_pad_last_and_bt_tag(setup):
    root, corpus, tokenizer = setup
    assert tokenizer.pad_token_id == len(tokenizer) - 1
    assert tokenizer.eos_token_id == 0 and tokenizer.unk_token_id == 1
    vocab = json.loads((root / "tokenizer" / "vocab.json").read_text())
    assert vocab["<pad>"] == max(vocab.values())
    for sentence in corpus["train"][1][:50] + corpus["train"][0][:50]:
        ids = tokenizer(sentence).input_ids
        assert tokenizer.unk_token_id not in ids
        assert tokenizer.decode(ids, skip_special_tokens=True) == sentence
    assert BT_TAG in tokenizer.convert_ids_to_tokens(tokenizer(f"{BT_TAG} Hello").input_ids)
    # the folder loads with plain transformers
    reloaded = MarianTokenizer.from_pretrained(str(root / "tokenizer"))
    assert reloaded(corpus["dev"][0][0]).input_ids == tokenizer(corpus["dev"][0][0]).input_ids


def test_batches_respect_the_token_budget(setup):
    _, corpus, tokenizer = setup
    src_ids, tgt_ids = encode_pairs(tokenizer, *corpus["train"], 64)
    batches = make_batches(src_ids, tgt_ids, max_tokens=400)
    assert sorted(i for b in batches for i in b) == list(range(len(src_ids)))
    for batch in batches:
        longest = max(len(src_ids[i]) + len(tgt_ids[i]) for i in batch)
        assert longest * len(batch) <= 400 or len(batch) == 1


def test_cross_entropy_ignores_padding(setup):
    _, corpus, tokenizer = setup
    model = tiny_model(tokenizer).eval()
    src_ids, tgt_ids = encode_pairs(tokenizer, *corpus["train"], 64)
    short, long_ = 0, max(range(len(tgt_ids)), key=lambda i: len(tgt_ids[i]))
    together = cross_entropy()(model, collate([short, long_], src_ids, tgt_ids, tokenizer.pad_token_id, "cpu"))
    alone = [cross_entropy()(model, collate([i], src_ids, tgt_ids, tokenizer.pad_token_id, "cpu")) for i in (short, long_)]
    n_short, n_long = len(tgt_ids[short]), len(tgt_ids[long_])
    expected = (alone[0] * n_short + alone[1] * n_long) / (n_short + n_long)
    assert torch.allclose(together, expected, atol=1e-5)


def run(tokenizer, corpus, work_dir, cfg=None, seed=1, on_step=None, curve=None):
    model = tiny_model(tokenizer, seed)
    result = train_translation(model, tokenizer, corpus["train"], corpus["dev"], {**TINY_TRAIN, **(cfg or {})},
                   seed=seed, work_dir=work_dir, on_step=on_step, curve_path=curve)
    return model, result


def weights(model):
    return {k: v.clone() for k, v in model.state_dict().items()}


def same_weights(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_loss_decreases_and_the_curve_is_written(setup, tmp_path):
    _, corpus, tokenizer = setup
    _, result = run(tokenizer, corpus, tmp_path / "work", {"max_steps": 30, "eval_every": 10},
                    curve=tmp_path / "curve.csv")
    rows = (tmp_path / "curve.csv").read_text().splitlines()
    assert rows[0] == "step,train_loss,dev_loss,dev_bleu,lr"
    losses = [float(r.split(",")[1]) for r in rows[1:]]
    dev_losses = [float(r.split(",")[2]) for r in rows[1:]]
    assert len(rows) == 4 and losses[-1] < losses[0] - 0.5 and dev_losses[-1] < dev_losses[0]
    assert result.steps == 30 and result.items_per_s > 0


def test_same_seed_bit_identical_and_resume_after_interruption(setup, tmp_path):
    _, corpus, tokenizer = setup
    first, _ = run(tokenizer, corpus, tmp_path / "a")
    second, _ = run(tokenizer, corpus, tmp_path / "b")
    assert same_weights(weights(first), weights(second))

    class Killed(Exception):
        pass

    def kill_at_step_6(step):
        if step == 6:
            raise Killed

    with pytest.raises(Killed):
        run(tokenizer, corpus, tmp_path / "c", on_step=kill_at_step_6)
    resumed, result = run(tokenizer, corpus, tmp_path / "c")
    assert result.resumed_from == 4  # the last checkpoint before the kill
    assert same_weights(weights(first), weights(resumed))

    other_seed, _ = run(tokenizer, corpus, tmp_path / "d", seed=2)
    assert not same_weights(weights(first), weights(other_seed))


def test_a_checkpoint_of_another_config_is_not_resumed(setup, tmp_path):
    _, corpus, tokenizer = setup

    def stop(step):
        if step == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(tokenizer, corpus, tmp_path / "w", on_step=stop)
    _, result = run(tokenizer, corpus, tmp_path / "w", {"lr": 0.001})
    assert result.resumed_from == 0


def test_a_checkpoint_from_before_best_loss_resumes_to_the_same_weights(setup, tmp_path):
    """Checkpoints written before the trainer kept best_loss held best_value (minus the dev loss under
    select: loss); a run killed then and resumed after the upgrade must end where an unbroken run ends."""
    _, corpus, tokenizer = setup
    cfg = {"select": "loss"}
    unbroken, unbroken_result = run(tokenizer, corpus, tmp_path / "a", cfg)

    def kill_at_step_10(step):
        if step == 10:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(tokenizer, corpus, tmp_path / "b", cfg, on_step=kill_at_step_10)
    checkpoint_path = tmp_path / "b" / "checkpoint.pt"
    checkpoint = torch.load(checkpoint_path, weights_only=True)
    state = json.loads(checkpoint["state"])
    assert state["step"] == 8 and state["best_step"] == 6  # an evaluation has set the kept loss
    kept_loss = state.pop("best_loss")
    state["best_value"] = -kept_loss  # the old layout
    assert restored_state(state, {}, "loss")["best_loss"] == kept_loss
    checkpoint["state"] = json.dumps(state)
    torch.save(checkpoint, checkpoint_path)

    resumed, result = run(tokenizer, corpus, tmp_path / "b", cfg)
    assert result.resumed_from == 8
    assert result.best_step == unbroken_result.best_step
    assert same_weights(weights(unbroken), weights(resumed))


def test_early_stopping_when_dev_bleu_stalls(setup, tmp_path):
    _, corpus, tokenizer = setup
    _, result = run(tokenizer, corpus, tmp_path / "w",
                    {"lr": 1e-12, "warmup_steps": 0, "eval_every": 1, "patience": 2, "max_steps": 50})
    assert result.stopped_early and result.steps == 3 and result.best_step == 1


def test_translate_keeps_input_order(setup):
    _, corpus, tokenizer = setup
    model = tiny_model(tokenizer)
    sources = corpus["dev"][0][:12]
    batched = translate(model, tokenizer, sources, batch_size=5, max_length=20)
    one_by_one = [translate(model, tokenizer, [s], batch_size=1, max_length=20)[0] for s in sources]
    assert batched == one_by_one


def test_saved_model_loads_with_plain_transformers(setup, tmp_path):
    _, corpus, tokenizer = setup
    model = tiny_model(tokenizer)
    save_model(model, tokenizer, tmp_path / "m", beam=2, max_length=48)
    assert (tmp_path / "m" / "model.safetensors").exists()
    assert not list((tmp_path / "m").glob("*.bin"))
    reloaded = MarianMTModel.from_pretrained(str(tmp_path / "m"))
    assert count_parameters(reloaded) == count_parameters(model)
    # non-ASCII too; the shortest such line, within the tiny model's 64 positions (the snippet does not truncate)
    sources = corpus["test"][0][:3] + [min((line for line in corpus["test"][1] if "ü" in line), key=len)]
    assert readme_snippet_output(tmp_path / "m", sources) == translate(model, tokenizer, sources, beam=2, max_length=48)


def test_select_keeps_the_checkpoint_its_criterion_picks(setup, tmp_path):
    """score: the best greedy dev BLEU; loss: the lowest dev loss; last: the final step (first of ties),
    and the model ends up holding exactly that step's weights."""
    _, corpus, tokenizer = setup
    kept = {}
    for select in ("score", "loss", "last"):
        snapshots = {}
        model = tiny_model(tokenizer, 1)
        curve = tmp_path / f"{select}.csv"
        result = train_translation(model, tokenizer, corpus["train"], corpus["dev"],
                                   {**TINY_TRAIN, "eval_every": 2, "patience": 100, "select": select},
                                   seed=1, work_dir=tmp_path / select, curve_path=curve,
                                   on_step=lambda step: snapshots.__setitem__(step, weights(model)))
        rows = list(csv.DictReader(curve.open()))
        criterion = {"score": lambda row: float(row["dev_bleu"]), "loss": lambda row: -float(row["dev_loss"]),
                     "last": lambda row: int(row["step"])}[select]
        expected = int(max(rows, key=criterion)["step"])  # max returns the first of ties
        assert result.best_step == expected and result.steps == TINY_TRAIN["max_steps"]
        assert result.best_dev_score == float(next(r for r in rows if int(r["step"]) == expected)["dev_bleu"])
        assert same_weights(weights(model), snapshots[expected])
        kept[select] = expected
    assert kept["last"] == TINY_TRAIN["max_steps"]
    assert kept["score"] != kept["loss"]  # this run's curve tells the criteria apart (BLEU flat, loss falling)


def test_checkpoint_averaging_averages_the_last_checkpoints_and_survives_a_resume(setup, tmp_path):
    _, corpus, tokenizer = setup
    snapshots = {}
    cfg = {"max_steps": 14, "checkpoint_every": 4, "eval_every": 7, "average_last": 2}

    def snapshot(step):
        snapshots[step] = weights(model_holder[0])

    model_holder = [tiny_model(tokenizer, 1)]
    result = train_translation(model_holder[0], tokenizer, corpus["train"], corpus["dev"], {**TINY_TRAIN, **cfg},
                   seed=1, work_dir=tmp_path / "a", on_step=snapshot)
    assert result.average["steps"] == [8, 12]  # the last two checkpoints at or before max_steps
    average = {k: (snapshots[8][k].float() + snapshots[12][k].float()) / 2 for k in snapshots[8]}
    final = weights(model_holder[0])
    matches_average = all(torch.allclose(final[k].float(), average[k], atol=1e-6) for k in final)
    assert matches_average == result.average["kept"]
    assert result.average["kept"] == (result.average["dev_bleu"] >= result.best_dev_score)

    class Killed(Exception):
        pass

    def kill_at_step_10(step):
        if step == 10:
            raise Killed

    with pytest.raises(Killed):
        run(tokenizer, corpus, tmp_path / "b", cfg, on_step=kill_at_step_10)
    resumed, resumed_result = run(tokenizer, corpus, tmp_path / "b", cfg)
    assert resumed_result.resumed_from == 8 and resumed_result.average == result.average
    assert same_weights(final, weights(resumed))


@pytest.mark.parametrize("schedule", ["inverse_sqrt", "cosine"])
def test_learning_rate_schedules(schedule):
    from xldistill.training.trainer import lr_lambda

    factor = lr_lambda(schedule, warmup=100, max_steps=1000)
    assert factor(50) == pytest.approx(0.5) and factor(100) == pytest.approx(1.0)  # linear warm-up to the peak
    after = [factor(step) for step in range(100, 1001)]
    assert all(a >= b for a, b in zip(after, after[1:]))  # never rises after the warm-up
    if schedule == "cosine":  # the defaults' (bench/README.md table 20): half way down at mid-decay, 0 at the end
        assert factor(550) == pytest.approx(0.5) and factor(1000) == pytest.approx(0.0, abs=1e-12)
    else:  # warmup / step: still a third of the peak at step 900
        assert factor(900) == pytest.approx(1 / 3)
