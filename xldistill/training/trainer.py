"""The one training loop for every model this project trains.

Read top to bottom: the task (translation, classification, ...) has tokenized its
data once and groups it into length-sorted token batches; then step: loss (a
function the caller passes in, or the task's cross-entropy) → backward → clip →
AdamW → schedule; every ``eval_every`` steps the task's dev loss and dev score
(greedy BLEU, accuracy), early stopping on the criterion ``select`` names (that
score, the dev loss, or the last step), keep the best weights by it;
every ``checkpoint_every`` steps a checkpoint that a rerun resumes from (same
final weights as an uninterrupted run). With ``average_last`` n > 1 the weights of the last n checkpoints are averaged at the
end (as Vaswani et al. 2017 did for their models) and kept if better on dev.

Runs unchanged on CPU, one GPU, or several under ``accelerate launch`` /
``torchrun``: each process takes every n-th batch and DDP averages gradients.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import random
import shutil
import sys
import time
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol

import torch
from tqdm.auto import tqdm

from xldistill.errors import XldistillError

LossFn = Callable[[torch.nn.Module, dict], torch.Tensor]


class Task(Protocol):
    """What the loop needs to know about a task (see translation/task.py, tasks/classification.py)."""

    score_name: str  # the dev score early stopping maximises, a column of the curve ("dev_bleu")
    digest: str  # of the train and dev data: a checkpoint of other data is never resumed

    def prepare(self, model: torch.nn.Module) -> None: ...
    def batches(self, max_tokens: int) -> list[list[int]]: ...
    def collate(self, index: list[int], device) -> dict: ...
    def default_loss(self, label_smoothing: float) -> LossFn: ...
    def count(self, batch: dict) -> int: ...  # what throughput counts: target tokens, texts
    def evaluate(self, model: torch.nn.Module, device, max_tokens: int) -> tuple[float, float]: ...


def seed_everything(seed: int) -> None:
    """Same seed → same weights on CPU (bit for bit) and, with deterministic
    kernels, on GPU."""
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    if torch.cuda.is_available():
        # The fused attention kernels' backward passes are not deterministic; the math one is.
        torch.backends.cuda.enable_flash_sdp(False)
        torch.backends.cuda.enable_mem_efficient_sdp(False)
        torch.backends.cuda.enable_cudnn_sdp(False)


def selection_value(select: str, dev_loss: float, dev_score: float, step: int) -> float:
    """What checkpoint selection and early stopping maximise. ``score``: the task's dev score
    (greedy BLEU on ``dev_bleu_lines``, accuracy); ``loss``: minus the dev loss, which every
    reference token counts in (a 200-line greedy BLEU cannot tell checkpoints 0.1 BLEU apart);
    ``last``: the step, so the final weights are kept and nothing stops early."""
    if select == "score":
        return dev_score
    if select == "loss":
        return -dev_loss
    if select == "last":
        return float(step)
    raise XldistillError(f"select: {select!r} is not one of score, loss, last")


def restored_state(saved: dict, fresh: dict, select: str) -> dict:
    """A checkpoint's loop state over the fresh one's keys. A checkpoint written before the trainer kept
    ``best_loss`` holds ``best_value``, the kept checkpoint's selection_value: only ``select: loss``
    compared a loss with it, so it gives that loss back; ``score`` and ``last`` compare ``best_score``
    and ``best_step``, which such a checkpoint holds too."""
    saved = dict(saved)
    if "best_value" in saved:
        best_value = saved.pop("best_value")
        saved.setdefault("best_loss", -best_value if select == "loss" else math.inf)
    return {**fresh, **saved}


def lr_lambda(schedule: str, warmup: int, max_steps: int) -> Callable[[int], float]:
    def factor(step: int) -> float:
        step = max(step, 1)
        if step < warmup:
            return step / warmup
        if schedule == "inverse_sqrt":
            return math.sqrt(max(warmup, 1) / step)
        progress = (step - warmup) / max(max_steps - warmup, 1)
        return 0.5 * (1 + math.cos(math.pi * min(progress, 1.0)))

    return factor


# --- the loop ----------------------------------------------------------------------

@dataclass
class TrainResult:
    steps: int
    best_step: int
    best_dev_score: float  # the task's score_name: greedy dev BLEU, dev accuracy
    stopped_early: bool
    train_seconds: float
    items_per_s: float  # what the task counts (target tokens, texts) per second, evaluation excluded
    resumed_from: int
    average: dict | None = None  # {"checkpoints", "steps", score_name, "kept"} when averaging ran


def fingerprint(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def curve_fields(score_name: str = "dev_bleu") -> tuple[str, ...]:
    return ("step", "train_loss", "dev_loss", score_name, "lr")


def write_curve(path: Path, rows: list[dict], score_name: str = "dev_bleu") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=curve_fields(score_name))
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, path)


def train(model: torch.nn.Module, task: Task, cfg: dict, *, seed: int, work_dir: Path,
          curve_path: Path | None = None, loss_fn: LossFn | None = None, name: str = "train",
          on_step: Callable[[int], None] | None = None, frozen_modules: tuple = (),
          trained_modules: tuple = (), identity: dict | None = None) -> TrainResult:
    """Train ``model`` on ``task`` in place and leave it holding the best dev-score weights.

    ``work_dir`` holds the checkpoint and the best weights so far; a rerun with
    the same model, data, config and seed resumes from the checkpoint.
    ``on_step`` is called after every optimizer step (tests use it to interrupt).
    ``frozen_modules`` (a teacher) are moved to the training device; ``trained_modules``
    (a projection the loss uses) are optimized and checkpointed with the model.
    ``identity`` names what else shapes the run (the loss's settings), so a checkpoint
    of a run with another temperature is never resumed.
    """
    from accelerate import Accelerator

    precision = cfg.get("mixed_precision", "fp32")
    accelerator = Accelerator(cpu=not torch.cuda.is_available(),
                              mixed_precision="no" if precision == "fp32" else precision)
    device, is_main = accelerator.device, accelerator.is_main_process
    loss_fn = loss_fn or task.default_loss(cfg["label_smoothing"])
    accumulation = cfg["accumulation"]
    task.prepare(model)  # before the weights are fingerprinted
    batches = task.batches(cfg["max_tokens"])

    trained_parameters = list(model.parameters()) + [p for m in trained_modules for p in m.parameters()]
    optimizer = torch.optim.AdamW(trained_parameters, lr=cfg["lr"], betas=(0.9, 0.98),
                                  eps=1e-9, weight_decay=cfg["weight_decay"])
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lr_lambda(cfg["schedule"], cfg["warmup_steps"], cfg["max_steps"]))

    # Resume only a checkpoint of this very run: same weights at start, data, config, seed.
    work_dir.mkdir(parents=True, exist_ok=True)
    checkpoint_path, best_dir = work_dir / "checkpoint.pt", work_dir / "best"
    if len(batches) < accumulation * accelerator.num_processes:
        raise XldistillError(f"{name}: {len(batches)} batches of train data, fewer than accumulation "
                             f"({accumulation}) × processes ({accelerator.num_processes}); lower max_tokens")
    run_id = fingerprint(cfg, seed, task.digest, _weights_digest(model),
                         [_weights_digest(m) for m in frozen_modules], identity, accelerator.num_processes)
    select = cfg.get("select", "score")
    # the kept checkpoint's dev loss, dev score and step: what selection_value compares against
    state = {"step": 0, "epoch": 0, "position": 0, "best_loss": math.inf, "best_score": -math.inf,
             "best_step": 0, "bad_evals": 0, "curve": [], "train_seconds": 0.0, "eval_seconds": 0.0,
             "counted": 0, "running_loss": 0.0, "running_steps": 0}
    resumed_from = 0
    if checkpoint_path.exists():
        saved = torch.load(checkpoint_path, map_location="cpu", weights_only=True)
        if saved.get("run_id") == run_id:
            model.load_state_dict(saved["model"])
            for module, module_state in zip(trained_modules, saved["trained_modules"]):
                module.load_state_dict(module_state)
            optimizer.load_state_dict(saved["optimizer"])
            scheduler.load_state_dict(saved["scheduler"])
            torch.set_rng_state(saved["torch_rng"])
            if torch.cuda.is_available() and "cuda_rng" in saved:
                torch.cuda.set_rng_state(saved["cuda_rng"])  # dropout on the GPU draws from this one
            state = restored_state(json.loads(saved["state"]), state, select)
            resumed_from = state["step"]
            if is_main:
                print(f"{name}: resuming from step {resumed_from}")
    if resumed_from == 0 and best_dir.exists():
        shutil.rmtree(best_dir)
    average_last = cfg.get("average_last", 0)
    every = cfg["checkpoint_every"]
    last_checkpoint = cfg["max_steps"] // every * every
    averaged_steps = [step for step in range(last_checkpoint, 0, -every)][:average_last][::-1]
    average_sum = saved.get("average_sum") if resumed_from else None

    model.to(device)
    for module in (*frozen_modules, *trained_modules):
        module.to(device)
    model, optimizer = accelerator.prepare(model, optimizer)
    raw_model = accelerator.unwrap_model(model)

    def save_checkpoint() -> None:
        if is_main:
            tmp = checkpoint_path.with_suffix(".tmp")
            rng = {"torch_rng": torch.get_rng_state()}
            if torch.cuda.is_available():
                rng["cuda_rng"] = torch.cuda.get_rng_state()
            torch.save({"run_id": run_id, "model": raw_model.state_dict(),
                        "trained_modules": [m.state_dict() for m in trained_modules],
                        "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(),
                        "average_sum": average_sum, "state": json.dumps(state), **rng}, tmp)
            os.replace(tmp, checkpoint_path)
        accelerator.wait_for_everyone()

    def evaluate() -> tuple[float, float]:
        """The task's dev loss and dev score; every process computes the same
        numbers, so they agree on early stopping."""
        raw_model.eval()
        with torch.inference_mode():
            result = task.evaluate(raw_model, device, cfg["max_tokens"])
        raw_model.train()
        return result

    if resumed_from == 0:
        torch.manual_seed(seed)  # dropout draws depend on the seed alone, not on what ran before
    model.train()
    progress = tqdm(total=cfg["max_steps"], initial=state["step"], desc=name, disable=not is_main,
                    unit="step", dynamic_ncols=True,
                    mininterval=0.5 if sys.stderr.isatty() else 30)  # a log file gets a line every 30 s
    stopped_early = False
    started = time.perf_counter() - state["train_seconds"]
    while state["step"] < cfg["max_steps"] and not stopped_early:
        epoch_order = list(range(len(batches)))
        random.Random(seed * 1000 + state["epoch"]).shuffle(epoch_order)
        mine = epoch_order[accelerator.process_index::accelerator.num_processes]
        while state["position"] + accumulation <= len(mine) and state["step"] < cfg["max_steps"]:
            micro = mine[state["position"]:state["position"] + accumulation]
            step_loss = 0.0
            for k, batch_number in enumerate(micro):
                batch = task.collate(batches[batch_number], device)
                state["counted"] += task.count(batch)
                sync = accelerator.no_sync(model) if k < len(micro) - 1 else nullcontext()
                with sync:
                    loss = loss_fn(model, batch) / accumulation
                    accelerator.backward(loss)
                step_loss += loss.item()
            accelerator.clip_grad_norm_(trained_parameters, cfg["clip_norm"])
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            state["step"] += 1
            state["position"] += accumulation
            state["running_loss"] += step_loss
            state["running_steps"] += 1
            state["train_seconds"] = time.perf_counter() - started
            training_seconds = state["train_seconds"] - state["eval_seconds"]
            progress.update(1)
            progress.set_postfix(loss=f"{step_loss:.3f}",  # shown at tqdm's next refresh, not redrawn each step
                                 per_s=f"{state['counted'] / max(training_seconds, 1e-9):.0f}", refresh=False)

            if state["step"] % cfg["eval_every"] == 0 or state["step"] == cfg["max_steps"]:
                eval_started = time.perf_counter()
                dev_loss, dev_score = evaluate()
                state["eval_seconds"] += time.perf_counter() - eval_started
                state["train_seconds"] = time.perf_counter() - started  # includes the eval it subtracts
                state["curve"].append({"step": state["step"],
                                       "train_loss": round(state["running_loss"] / state["running_steps"], 4),
                                       "dev_loss": round(dev_loss, 4), task.score_name: dev_score,
                                       "lr": f"{scheduler.get_last_lr()[0]:.3e}"})
                state["running_loss"], state["running_steps"] = 0.0, 0
                if (selection_value(select, dev_loss, dev_score, state["step"])
                        > selection_value(select, state["best_loss"], state["best_score"], state["best_step"])):
                    state.update(best_loss=dev_loss, best_score=dev_score, best_step=state["step"], bad_evals=0)
                    if is_main:
                        raw_model.save_pretrained(str(best_dir))  # safetensors: the only format of transformers 5
                else:
                    state["bad_evals"] += 1
                    stopped_early = state["bad_evals"] >= cfg["patience"]
                if is_main and curve_path:
                    write_curve(curve_path, state["curve"], task.score_name)
                if is_main:
                    progress.write(f"{name}: step {state['step']} dev loss {dev_loss:.3f} "
                                   f"{task.score_name} {dev_score:.2f}"
                                   + (" (stopping early)" if stopped_early else ""))
            if average_last > 1 and state["step"] in averaged_steps:
                average_sum = add_weights(average_sum, raw_model)
            if state["step"] % cfg["checkpoint_every"] == 0:
                state["train_seconds"] = time.perf_counter() - started
                save_checkpoint()
            if on_step:
                on_step(state["step"])
            if stopped_early:
                break
        else:
            state["epoch"] += 1
            state["position"] = 0
    progress.close()
    accelerator.wait_for_everyone()

    average = None
    if average_last > 1 and len(averaged_steps) == average_last and state["step"] >= averaged_steps[-1]:
        raw_model.load_state_dict({name: (total / average_last).to(raw_model.state_dict()[name].dtype)
                                   for name, total in average_sum.items()})
        dev_loss, dev_score = evaluate()
        criterion = "score" if select == "last" else select  # "last": against the last checkpoint, on the score
        kept = (selection_value(criterion, dev_loss, dev_score, state["step"])
                >= selection_value(criterion, state["best_loss"], state["best_score"], state["best_step"]))
        average = {"checkpoints": average_last, "steps": averaged_steps, task.score_name: dev_score,
                   "dev_loss": round(dev_loss, 4), "kept": kept}
        if is_main:
            progress.write(f"{name}: average of the checkpoints at steps {averaged_steps}: {task.score_name} "
                           f"{dev_score:.2f} ({'kept' if average['kept'] else 'not kept'}; "
                           f"best single {state['best_score']:.2f})")
            if average["kept"]:
                raw_model.save_pretrained(str(best_dir))
        accelerator.wait_for_everyone()

    best = type(raw_model).from_pretrained(str(best_dir), use_safetensors=True)
    raw_model.load_state_dict(best.state_dict())
    raw_model.to("cpu")
    training_seconds = state["train_seconds"] - state["eval_seconds"]
    return TrainResult(steps=state["step"], best_step=state["best_step"], best_dev_score=state["best_score"],
                       stopped_early=stopped_early, train_seconds=round(state["train_seconds"], 1),
                       items_per_s=round(state["counted"] / max(training_seconds, 1e-9), 1),
                       resumed_from=resumed_from, average=average)


def add_weights(total: dict | None, model: torch.nn.Module) -> dict:
    """Running float32 sum of the model's weights on the CPU (checkpoint averaging)."""
    weights = {name: tensor.detach().to("cpu", torch.float32) for name, tensor in model.state_dict().items()}
    if total is None:
        return {name: tensor.clone() for name, tensor in weights.items()}
    for name, tensor in weights.items():
        total[name] += tensor
    return total


def _weights_digest(model: torch.nn.Module) -> str:
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode() + tensor.detach().cpu().contiguous().view(-1).float().numpy().tobytes())
    return digest.hexdigest()
