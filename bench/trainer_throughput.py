"""Training throughput: the project's trainer against a plain PyTorch loop and
against transformers' Seq2SeqTrainer, on the same model, batches and steps;
and the cost of word-level KD (a teacher forward every step) over plain CE.

    python bench/trainer_throughput.py          # after `dvc repro`: models/, data/augmented

Target tokens per second of each, and their ratios. The variants run in
interleaved rounds (plain, xldistill, Seq2SeqTrainer, KD, plain, ...) in one
process, each from the same fresh weights, and each figure is the median over
the rounds, so drift on a shared machine hits them alike; the spread
(min–max) is reported beside it. ``--profile`` adds a torch.profiler pass of
the plain loop and the project's trainer: the operators where their time goes.
Writes bench/results/trainer_throughput.json.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import torch
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import PROJECT, RESULTS, report  # noqa: E402
from xldistill.translation.distill import distillation_loss  # noqa: E402
from xldistill.translation.models import build_marian, load_marian  # noqa: E402
from xldistill.translation.stage_io import read_split  # noqa: E402
from xldistill.translation.task import collate, encode_pairs, make_batches  # noqa: E402
from xldistill.training.trainer import seed_everything  # noqa: E402
from xldistill.translation.task import train_translation  # noqa: E402


def batch_order(batches: list, steps: int, seed: int) -> list:
    """The batches the project's trainer takes, in its order (a shuffle per epoch)."""
    order, epoch = [], 0
    while len(order) < steps:
        epoch_order = list(range(len(batches)))
        random.Random(seed * 1000 + epoch).shuffle(epoch_order)
        order += [batches[i] for i in epoch_order]
        epoch += 1
    return order[:steps]


def plain_loop(model, data, batches, pad_id, lr) -> float:
    """model(**batch).loss.backward(); opt.step(): target tokens per second."""
    src_ids, tgt_ids = data
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    model.train()
    tokens, started = 0, time.perf_counter()
    for index in batches:
        batch = collate(index, src_ids, tgt_ids, pad_id, "cpu")
        batch.pop("index")
        tokens += int((batch["labels"] != -100).sum())
        model(**batch).loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
    return tokens / (time.perf_counter() - started)


def hf_trainer(model, data, batches, pad_id, lr, tokenizer) -> float:
    """transformers.Seq2SeqTrainer fed the same batches through a batch sampler."""
    from transformers import Seq2SeqTrainer, Seq2SeqTrainingArguments

    src_ids, tgt_ids = data
    rows = [{"input_ids": s, "labels": t} for s, t in zip(src_ids, tgt_ids)]

    def collator(features):
        index = list(range(len(features)))
        batch = collate(index, [f["input_ids"] for f in features], [f["labels"] for f in features], pad_id, "cpu")
        batch.pop("index")
        return batch

    class SameBatches(Seq2SeqTrainer):
        def get_train_dataloader(self):
            return torch.utils.data.DataLoader(rows, batch_sampler=batches, collate_fn=collator)

    with tempfile.TemporaryDirectory() as out:
        args = Seq2SeqTrainingArguments(output_dir=out, max_steps=len(batches), learning_rate=lr,
                                        lr_scheduler_type="constant", save_strategy="no", report_to=[],
                                        logging_strategy="no", disable_tqdm=True, use_cpu=True, seed=0,
                                        max_grad_norm=1.0)
        trainer = SameBatches(model=model, args=args, data_collator=collator, processing_class=tokenizer)
        tokens = sum(len(tgt_ids[i]) for index in batches for i in index)
        started = time.perf_counter()
        trainer.train()
        return tokens / (time.perf_counter() - started)


def project_trainer(model, pairs, dev, cfg, steps, tokenizer, loss_fn=None, frozen=()) -> float:
    with tempfile.TemporaryDirectory() as work:
        result = train_translation(model, tokenizer, pairs, dev,
                                   dict(cfg, max_steps=steps, eval_every=10 ** 9, checkpoint_every=10 ** 9),
                                   seed=1234, work_dir=Path(work), loss_fn=loss_fn, frozen_modules=frozen,
                                   name="bench")
    return result.items_per_s


def profile_both(variants: dict, steps: int, top: int = 12) -> dict:
    """Self CPU time per operator (ms per step) of the plain loop and the project's
    trainer, the operators that take the most in either, and each run's total."""
    from torch.profiler import ProfilerActivity, profile

    per_op = {}
    for name in ("plain loop", "xldistill trainer"):
        with profile(activities=[ProfilerActivity.CPU]) as prof:
            variants[name]()
        per_op[name] = {event.key: event.self_cpu_time_total / 1000 / steps for event in prof.key_averages()}
    ops = sorted(set().union(*per_op.values()), key=lambda op: -max(d.get(op, 0) for d in per_op.values()))
    table = [{"operator": op, **{f"{name} ms/step": round(d.get(op, 0), 2) for name, d in per_op.items()}}
             for op in ops[:top]]
    print(pd.DataFrame(table).to_markdown(index=False), file=sys.stderr)
    return {"top_operators": table,
            "total_ms_per_step": {name: round(sum(d.values()), 1) for name, d in per_op.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200, help="steps per run")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each variant, interleaved")
    parser.add_argument("--profile", action="store_true", help="also profile the plain loop and the trainer")
    parser.add_argument("--arch", choices=("distill", "teacher"), default="distill",
                        help="which model section of params.yaml to train")
    parser.add_argument("--params", type=Path, default=PROJECT / "params.yaml")
    parser.add_argument("--models", type=Path, default=PROJECT / "models")
    parser.add_argument("--data", type=Path, default=PROJECT / "data")
    parser.add_argument("--out", type=Path, default=RESULTS / "trainer_throughput.json")
    args = parser.parse_args()

    from transformers import MarianTokenizer

    params = yaml.safe_load(args.params.read_text())
    section = params[args.arch]
    cfg = dict(section["train"], label_smoothing=0.0, dev_bleu_lines=1)  # plain CE in every variant
    tokenizer = MarianTokenizer.from_pretrained(str(args.models / "tokenizer"))
    pairs = read_split(args.data / "augmented", "train")
    dev = read_split(args.data / "clean", "dev")
    positions = section["model"]["max_positions"]
    data = encode_pairs(tokenizer, *pairs, positions)
    batches = batch_order(make_batches(*data, cfg["max_tokens"]), args.steps, seed=1234)
    torch.set_num_threads(torch.get_num_threads())

    def fresh():
        seed_everything(1234)
        return build_marian(tokenizer, section["model"], max_positions=positions)

    teacher = load_marian(args.models / "teacher")
    kd = distillation_loss(teacher, kind="kl", temperature=float(params["temp"]), alpha=0.5, label_smoothing=0.0)
    pad_id = tokenizer.pad_token_id
    variants = {
        "plain loop": lambda: plain_loop(fresh(), data, batches, pad_id, cfg["lr"]),
        "xldistill trainer": lambda: project_trainer(fresh(), pairs, dev, cfg, args.steps, tokenizer),
        "Seq2SeqTrainer": lambda: hf_trainer(fresh(), data, batches, pad_id, cfg["lr"], tokenizer),
        "xldistill trainer + word-level KD": lambda: project_trainer(fresh(), pairs, dev, cfg, args.steps, tokenizer,
                                                                    loss_fn=kd, frozen=(teacher,)),
    }
    runs = {name: [] for name in variants}
    for round_number in range(args.rounds):
        for name, run in variants.items():
            runs[name].append(run())
        print(f"round {round_number + 1}: " + ", ".join(f"{n} {r[-1]:.0f}" for n, r in runs.items()), file=sys.stderr)
    speeds = {name: statistics.median(values) for name, values in runs.items()}
    rows = [{"trainer": name, "target_tokens_per_s": round(speed),
             "min_max": f"{min(runs[name]):.0f}–{max(runs[name]):.0f}",
             "vs_plain_loop": round(speed / speeds["plain loop"], 2)} for name, speed in speeds.items()]
    kd_overhead = round(speeds["xldistill trainer"] / speeds["xldistill trainer + word-level KD"], 2)
    per_round = [round(mine / plain, 3) for mine, plain in zip(runs["xldistill trainer"], runs["plain loop"])]
    profiles = profile_both(variants, args.steps) if args.profile else None
    report(rows, args.out, arch=args.arch, steps=args.steps, rounds=args.rounds, threads=torch.get_num_threads(),
           word_kd_time_ratio=kd_overhead, teacher_output_cache="none (the teacher runs every step)",
           trainer_vs_plain_loop_per_round=per_round, profile=profiles,
           target={"trainer_vs_plain_loop": ">= 1.0",
                   "met": speeds["xldistill trainer"] >= speeds["plain loop"]})
    print(f"\nword-level KD costs {kd_overhead}x the time of plain CE per target token")


if __name__ == "__main__":
    main()
