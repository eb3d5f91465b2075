"""Text classification as a task of the one trainer, and the classifiers it trains.

A classifier is an ordinary Hugging Face folder (``BertForSequenceClassification``
from scratch on the pipeline's SentencePiece vocabulary, or any
``AutoModelForSequenceClassification`` fine-tuned from a name or path) with its
tokenizer and ``id2label``: ``pipeline("text-classification", model=folder)``
loads it with nothing of this project imported.

Targets: a hard label id per text and, for distillation, the teacher's logits
(stored at temperature 1; the temperature is applied at training time, so a
temperature sweep reruns only the student).
"""

from __future__ import annotations

import hashlib
import shutil
import time
from pathlib import Path
from types import SimpleNamespace

import torch
from transformers import (AutoModelForSequenceClassification, AutoTokenizer, BertConfig,
                          BertForSequenceClassification, ModernBertConfig, ModernBertForSequenceClassification,
                          PreTrainedTokenizerFast)

from xldistill.errors import XldistillError
from xldistill.training import losses
from xldistill.training.batching import token_batches
from xldistill.training.trainer import LossFn, TrainResult, train


# --- models ------------------------------------------------------------------------

def classifier_tokenizer(tokenizer_dir: str | Path, max_length: int) -> PreTrainedTokenizerFast:
    """The pipeline's SentencePiece vocabulary as a fast tokenizer (tokenizer.json) for classifiers
    from scratch: the same pieces as the Marian tokenizer, in SentencePiece's id order, plus <pad>.
    A fast tokenizer because AutoTokenizer loads a ModernBERT folder only from tokenizer.json."""
    from transformers.convert_slow_tokenizer import SpmConverter

    spm_model = Path(tokenizer_dir) / "source.spm"
    converted = SpmConverter(SimpleNamespace(vocab_file=str(spm_model))).converted()
    return PreTrainedTokenizerFast(tokenizer_object=converted, unk_token="<unk>", eos_token="</s>",
                                   pad_token="<pad>", model_max_length=max_length)


def encoder_config(tokenizer, cfg: dict, labels: list[str]):
    """The config of a small transformer encoder from scratch for ``labels``: ``cfg`` = arch,
    hidden, layers, heads, ffn_dim, dropout, max_positions (a teacher's or student's model
    section, classification or NER)."""
    if cfg["hidden"] % cfg["heads"]:
        raise XldistillError(f"params.yaml: encoder hidden ({cfg['hidden']}) is not a multiple of heads "
                             f"({cfg['heads']})")
    names = {"id2label": dict(enumerate(labels)), "label2id": {label: i for i, label in enumerate(labels)}}
    if cfg["arch"] == "modernbert":
        eos = tokenizer.eos_token_id
        return ModernBertConfig(
            vocab_size=len(tokenizer), hidden_size=cfg["hidden"], num_hidden_layers=cfg["layers"],
            num_attention_heads=cfg["heads"], intermediate_size=cfg["ffn_dim"],
            max_position_embeddings=cfg["max_positions"], global_attn_every_n_layers=1,  # every layer global
            local_attention=cfg["max_positions"], classifier_pooling="mean",
            embedding_dropout=cfg["dropout"], attention_dropout=cfg["dropout"], mlp_dropout=cfg["dropout"],
            classifier_dropout=cfg["dropout"], pad_token_id=tokenizer.pad_token_id, bos_token_id=eos,
            eos_token_id=eos, cls_token_id=eos, sep_token_id=eos, **names)  # ids it must hold; unused
    return BertConfig(
        vocab_size=len(tokenizer), hidden_size=cfg["hidden"], num_hidden_layers=cfg["layers"],
        num_attention_heads=cfg["heads"], intermediate_size=cfg["ffn_dim"],
        hidden_dropout_prob=cfg["dropout"], attention_probs_dropout_prob=cfg["dropout"],
        max_position_embeddings=cfg["max_positions"], type_vocab_size=1, pad_token_id=tokenizer.pad_token_id,
        **names)


def build_classifier(tokenizer, cfg: dict, labels: list[str]):
    """A small transformer encoder from scratch (see ``encoder_config``).

    arch ``modernbert`` averages the token states for the label (``classifier_pooling: mean``);
    ``bert`` reads the first token's state, which here is the first word (the pipeline's
    tokenizer adds no [CLS]). bench/cls_encoder.py measures the two side by side."""
    config = encoder_config(tokenizer, cfg, labels)
    if cfg["arch"] == "modernbert":
        return ModernBertForSequenceClassification(config)
    return BertForSequenceClassification(config)


def load_pretrained(init: str, labels: list[str]):
    """A Hugging Face name or folder with a fresh classification head for ``labels``
    (safetensors only; offline, a name loads from the local cache or fails clearly)."""
    try:
        tokenizer = AutoTokenizer.from_pretrained(init)
        model = AutoModelForSequenceClassification.from_pretrained(init, use_safetensors=True,
            num_labels=len(labels), id2label=dict(enumerate(labels)),
            label2id={label: i for i, label in enumerate(labels)}, ignore_mismatched_sizes=True)
    except (OSError, ValueError) as err:
        raise XldistillError(f"params.yaml: classify.teacher.init = {init!r} cannot be loaded: {err}") from None
    return model, tokenizer


def load_classifier(folder: str | Path):
    folder = str(folder)
    return (AutoModelForSequenceClassification.from_pretrained(folder, use_safetensors=True),
            AutoTokenizer.from_pretrained(folder))


def labels_of(model) -> list[str]:
    return [model.config.id2label[i] for i in range(model.config.num_labels)]


def max_length_of(model, tokenizer) -> int:
    """The longest input, in tokens, of a model (or its config) with this tokenizer."""
    config = getattr(model, "config", model)
    positions = getattr(config, "max_position_embeddings", None) or tokenizer.model_max_length
    return min(positions, tokenizer.model_max_length or positions)


def save_classifier(model, tokenizer, out_dir: Path) -> None:
    """Any encoder folder, classifier or tagger: model (safetensors, transformers 5's only format) and tokenizer."""
    model.save_pretrained(str(out_dir))
    tokenizer.save_pretrained(str(out_dir))


def finish_training(model, tokenizer, result: TrainResult, *, out_dir: Path, work_dir: Path, score: str,
                    counted: str, train_items: int) -> dict:
    """The shared tail of every encoder stage (classifier or tagger): save the folder atomically,
    drop the work folder, return the metrics (``best_<score>``, ``train_<counted>[_per_s]``)."""
    from xldistill.data.textio import atomic_dir
    from xldistill.translation.models import count_parameters, size_on_disk

    metrics = {"params": count_parameters(model), f"train_{counted}": train_items, "steps": result.steps,
               "best_step": result.best_step, f"best_{score}": result.best_dev_score,
               "stopped_early": result.stopped_early, "train_seconds": result.train_seconds,
               f"train_{counted}_per_s": result.items_per_s}
    if result.average:
        metrics["checkpoint_average"] = result.average
    with atomic_dir(out_dir) as out:
        save_classifier(model, tokenizer, out)
        metrics["size_bytes"] = size_on_disk(out)
    shutil.rmtree(work_dir, ignore_errors=True)
    return metrics


@torch.inference_mode()
def predict_logits(model, tokenizer, texts: list[str], *, batch_size: int = 64) -> torch.Tensor:
    """Logits [texts, labels], batched by length (the order of ``texts`` is kept)."""
    model.eval()
    device = next(model.parameters()).device
    return batched_logits(lambda batch: model(**{k: v.to(device) for k, v in batch.items()}).logits.float().cpu(),
                          tokenizer, texts, batch_size=batch_size, max_length=max_length_of(model, tokenizer),
                          num_labels=model.config.num_labels)


def batched_logits(forward, tokenizer, texts: list[str], *, batch_size: int, max_length: int,
                   num_labels: int) -> torch.Tensor:
    """``forward(padded batch)`` → logits on texts sorted by length (little padding), back in their order."""
    ids = tokenizer(texts, truncation=True, max_length=max_length)["input_ids"]
    out = torch.empty(len(texts), num_labels)
    order = sorted(range(len(texts)), key=lambda i: len(ids[i]))
    for start in range(0, len(order), batch_size):
        index = order[start:start + batch_size]
        out[index] = torch.as_tensor(forward(pad([ids[i] for i in index], tokenizer.pad_token_id, "cpu")))
    return out


def items_per_second(run, items: list, batch_size: int, repeats: int = 1) -> float:
    """Items a second through ``run(batch, batch_size)`` over ``items`` in batches, after one warm-up
    batch; the best of ``repeats`` passes (classifiers' texts, taggers' sentences)."""
    run(items[:batch_size], batch_size)
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        for start in range(0, len(items), batch_size):
            run(items[start:start + batch_size], batch_size)
        best = min(best, time.perf_counter() - started)
    return round(len(items) / best, 1)


def pad(sequences: list[list[int]], pad_id: int, device) -> dict:
    width = max(map(len, sequences))
    input_ids = torch.full((len(sequences), width), pad_id, dtype=torch.long)
    for row, ids in enumerate(sequences):
        input_ids[row, :len(ids)] = torch.tensor(ids)
    return {"input_ids": input_ids.to(device), "attention_mask": (input_ids != pad_id).long().to(device)}


# --- losses: the ones the translation student uses, on one "position" per text ----------

def cross_entropy(label_smoothing: float = 0.0) -> LossFn:
    def loss_fn(model, batch: dict) -> torch.Tensor:
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
        return losses.cross_entropy(logits[:, None], batch["labels"][:, None], label_smoothing)

    return loss_fn


def distillation_loss(*, temperature: float, alpha: float, label_smoothing: float = 0.0) -> LossFn:
    """alpha · T² · KL(teacher ‖ student at T) + (1 − alpha) · CE(hard label): ``losses.word_kd``
    with each text as one position."""
    def loss_fn(model, batch: dict) -> torch.Tensor:
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
        return losses.word_kd(logits[:, None], batch["teacher_logits"][:, None], batch["labels"][:, None],
                              temperature=temperature, alpha=alpha, label_smoothing=label_smoothing)

    return loss_fn


# --- the task ------------------------------------------------------------------------

class ClassificationTask:
    """Texts with label ids (and the teacher's logits); early stopping on dev accuracy (%)."""

    score_name = "dev_accuracy"

    def __init__(self, tokenizer, train_texts: list[str], train_labels: list[int], dev_texts: list[str],
                 dev_labels: list[int], *, max_length: int, teacher_logits: torch.Tensor | None = None):
        if not train_texts or not dev_texts:
            raise XldistillError(f"classification: {len(train_texts)} train and {len(dev_texts)} dev texts; "
                                 "both must be non-empty")
        self.pad_id = tokenizer.pad_token_id
        self.ids = tokenizer(train_texts, truncation=True, max_length=max_length)["input_ids"]
        self.dev_ids = tokenizer(dev_texts, truncation=True, max_length=max_length)["input_ids"]
        self.labels = torch.tensor(train_labels, dtype=torch.long)
        self.dev_labels = torch.tensor(dev_labels, dtype=torch.long)
        self.teacher_logits = teacher_logits
        digest = hashlib.sha256()
        for part in (train_texts, train_labels, dev_texts, dev_labels):
            digest.update("\n".join(map(str, part)).encode() + b"\x00")
        if teacher_logits is not None:
            digest.update(teacher_logits.float().numpy().tobytes())
        self.digest = digest.hexdigest()

    def prepare(self, model) -> None:
        pass

    def batches(self, max_tokens: int) -> list[list[int]]:
        return length_batches(self.ids, max_tokens)

    def collate(self, index: list[int], device) -> dict:
        batch = pad([self.ids[i] for i in index], self.pad_id, device)
        batch["labels"] = self.labels[index].to(device)
        if self.teacher_logits is not None:
            batch["teacher_logits"] = self.teacher_logits[index].to(device)
        batch["index"] = index
        return batch

    def default_loss(self, label_smoothing: float) -> LossFn:
        return cross_entropy(label_smoothing)

    def count(self, batch: dict) -> int:
        return len(batch["index"])

    def evaluate(self, model, device, max_tokens: int) -> tuple[float, float]:
        """Dev loss (cross-entropy per text) and dev accuracy in %."""
        total, correct = 0.0, 0
        for index in length_batches(self.dev_ids, max_tokens):
            batch = pad([self.dev_ids[i] for i in index], self.pad_id, device)
            logits = model(**batch).logits.float()
            labels = self.dev_labels[index].to(device)
            total += torch.nn.functional.cross_entropy(logits, labels, reduction="sum").item()
            correct += int((logits.argmax(-1) == labels).sum())
        return total / len(self.dev_ids), round(100 * correct / len(self.dev_ids), 2)


def length_batches(ids: list[list[int]], max_tokens: int) -> list[list[int]]:
    return token_batches([(len(x),) for x in ids], [len(x) for x in ids], max_tokens)


def train_classifier(model, tokenizer, train_texts: list[str], train_labels: list[int], dev_texts: list[str],
                     dev_labels: list[int], cfg: dict, *, teacher_logits: torch.Tensor | None = None,
                     **kwargs) -> TrainResult:
    """The trainer on a classification task (texts up to the model's positions)."""
    task = ClassificationTask(tokenizer, train_texts, train_labels, dev_texts, dev_labels,
                              max_length=max_length_of(model, tokenizer), teacher_logits=teacher_logits)
    return train(model, task, cfg, **kwargs)
