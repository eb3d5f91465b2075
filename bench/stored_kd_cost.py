"""What word-level KD from the stored teacher logits costs against a plain
cross-entropy step, and where it goes: losses.stored_word_kd (what the distill
stage trains with: each log-softmax over the vocabulary taken once, over the
unmasked logits, and shared by KD and CE at T = 1) against the two terms taken
apart, each on its own masked copy of the logits (topk_kl_divergence +
with_cross_entropy, the form stored_word_kd had before).

    python bench/stored_kd_cost.py --out bench/results/stored_kd_cost_builtin.json     # after `dvc repro`
    python bench/stored_kd_cost.py --project <a kept bench/multi30k.py run> \
        --out bench/results/stored_kd_cost_multi30k.json
    python bench/stored_kd_cost.py --temperature 2 ...   # what a `-S temp=2` sweep's student pays

Two measurements, in one process on the same machine:
- the loss alone: output layer, loss and backward on random tensors at the
  built-in corpus's shape and at Multi30k's (vocabulary, d_model, positions),
  median of ``--repeats``;
- whole student steps through the project's trainer on the project's own
  distill data and logit store (its params: model, batch size, label smoothing,
  alpha), the three losses in interleaved rounds from the same fresh weights,
  the median target tokens per second of the rounds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import PROJECT, RESULTS, report  # noqa: E402
from xldistill.training import losses  # noqa: E402
from xldistill.training.trainer import seed_everything  # noqa: E402

# (vocabulary, d_model, target positions per batch): the defaults' student and the Multi30k profile's
SHAPES = {"built-in": (1500, 96, 2048), "multi30k": (4000, 128, 4096)}
K = 32


def cross_entropy_loss(logits, labels, top_ids, top_logits, tail, alpha, label_smoothing, temperature):
    return losses.cross_entropy(logits, labels, label_smoothing)


def terms_apart(logits, labels, top_ids, top_logits, tail, alpha, label_smoothing, temperature):
    kd = losses.topk_kl_divergence(logits, top_ids, top_logits, labels, temperature, tail)
    return losses.with_cross_entropy(kd, logits, labels, alpha=alpha, label_smoothing=label_smoothing)


def stored_word_kd(logits, labels, top_ids, top_logits, tail, alpha, label_smoothing, temperature):
    return losses.stored_word_kd(logits, top_ids, top_logits, labels, temperature=temperature, alpha=alpha,
                                 label_smoothing=label_smoothing, teacher_tail_logit=tail)


NOW = "stored KD, losses.stored_word_kd (now)"
LOSSES = {"cross-entropy (baseline)": cross_entropy_loss,
          "stored KD, terms apart on masked copies (before)": terms_apart,
          NOW: stored_word_kd}


def time_loss_alone(vocab: int, width: int, positions: int, repeats: int, temperature: float) -> dict[str, float]:
    """Median ms of output layer + loss + backward for each loss, interleaved."""
    generator = torch.Generator().manual_seed(0)
    length = 32
    batch = positions // length
    hidden = torch.randn(batch, length, width, generator=generator)
    output = torch.nn.Linear(width, vocab)
    labels = torch.randint(0, vocab, (batch, length), generator=generator)
    labels[:, -4:] = losses.IGNORE  # some padding, as in a length-bucketed batch
    top_logits, top_ids = torch.randn(batch, length, vocab, generator=generator).topk(K, dim=-1)
    tail = torch.randn(batch, length, generator=generator)
    times = {name: [] for name in LOSSES}
    for _ in range(repeats):
        for name, loss_fn in LOSSES.items():
            started = time.perf_counter()
            loss_fn(output(hidden), labels, top_ids, top_logits, tail, 0.5, 0.1, temperature).backward()
            times[name].append(1000 * (time.perf_counter() - started))
            output.zero_grad(set_to_none=True)
    return {name: statistics.median(values) for name, values in times.items()}


def time_student_steps(project: Path, steps: int, rounds: int, temperature: float) -> dict[str, list[float]]:
    """Target tokens/s of the project's student under each loss, interleaved rounds."""
    from transformers import MarianTokenizer

    from xldistill.translation.distill import student_training_pairs
    from xldistill.translation.logit_store import LogitStore
    from xldistill.translation.models import build_marian
    from xldistill.translation.stage_io import read_split
    from xldistill.translation.task import train_translation

    params = yaml.safe_load((project / "params.yaml").read_text())
    cfg = params["distill"]
    os.chdir(project)  # student_training_pairs and the store read the project's data/ as the stages do
    tokenizer = MarianTokenizer.from_pretrained("models/tokenizer")
    pairs, _ = student_training_pairs(cfg["mode"], cfg["forward_share"])
    store = LogitStore(Path("data/logits"))
    store.check_matches(tokenizer, pairs, cfg["model"]["max_positions"])
    dev = read_split(Path("data/clean"), "dev")
    train_cfg = dict(cfg["train"], max_steps=steps, eval_every=10 ** 9, checkpoint_every=10 ** 9, dev_bleu_lines=1)
    alpha, label_smoothing = cfg["alpha"], cfg["train"]["label_smoothing"]

    def stored(loss):
        def loss_fn(model, batch):
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                           decoder_input_ids=batch["decoder_input_ids"]).logits
            labels = batch["labels"]
            top_ids, top_logits, tail = store.lookup(batch["index"], labels.shape[1], labels.device)
            return loss(logits, labels, top_ids, top_logits, tail, alpha, label_smoothing, temperature)
        return loss_fn

    speeds = {name: [] for name in LOSSES}
    names = list(LOSSES)
    for round_number in range(rounds):
        # each round starts with another loss, so that none always pays the first run's warm-up
        for name in names[round_number % len(names):] + names[:round_number % len(names)]:
            loss = LOSSES[name]
            seed_everything(params["seed"])
            model = build_marian(tokenizer, cfg["model"], max_positions=cfg["model"]["max_positions"])
            with tempfile.TemporaryDirectory() as work:
                result = train_translation(model, tokenizer, pairs, dev, train_cfg, seed=params["seed"],
                                           work_dir=Path(work), loss_fn=stored(loss), name="bench")
            speeds[name].append(result.items_per_s)
        print(f"round {round_number + 1}: " + ", ".join(f"{n} {v[-1]:.0f}" for n, v in speeds.items()),
              file=sys.stderr)
    return speeds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=PROJECT, help="a project after `dvc repro` (word-KD stored)")
    parser.add_argument("--out", type=Path, default=RESULTS / "stored_kd_cost.json")
    parser.add_argument("--steps", type=int, default=100, help="student steps per run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=20, help="loss-alone timings per shape and loss")
    parser.add_argument("--temperature", type=float, default=1.0, help="the KD temperature (the project's: `temp`)")
    args = parser.parse_args()
    project, out = args.project.resolve(), args.out.resolve()  # the step timing runs in the project's folder

    loss_alone = {}
    for shape, (vocab, width, positions) in SHAPES.items():
        timings = time_loss_alone(vocab, width, positions, args.repeats, args.temperature)
        loss_alone[shape] = {name: round(ms, 1) for name, ms in timings.items()}
        print(f"loss alone, {shape} (V {vocab}, d {width}, {positions} positions): {loss_alone[shape]} ms",
              file=sys.stderr)
    speeds = time_student_steps(project, args.steps, args.rounds, args.temperature)
    median = {name: statistics.median(values) for name, values in speeds.items()}
    baseline = median["cross-entropy (baseline)"]
    rows = [{"loss": name, "target_tokens_per_s": round(speed),
             "min_max": f"{min(speeds[name]):.0f}–{max(speeds[name]):.0f}",
             "step_cost_vs_baseline": round(baseline / speed, 2),
             **{f"loss alone ms, {shape}": loss_alone[shape][name] for shape in SHAPES}}
            for name, speed in median.items()]
    now = baseline / median[NOW]
    report(rows, out, project=project.name, temperature=args.temperature,
           steps=args.steps, rounds=args.rounds, threads=torch.get_num_threads(), shapes=SHAPES,
           target={"stored_kd_step_vs_baseline": "<= 1.2", "measured": round(now, 2), "met": now <= 1.2})


if __name__ == "__main__":
    main()
