"""Translation as a task of the one trainer: tokenized pairs, length-grouped
batches, teacher-forced collation, cross-entropy, and dev loss + greedy dev BLEU."""

from __future__ import annotations

import hashlib

import torch
from transformers import MarianMTModel, MarianTokenizer

from xldistill.training import losses
from xldistill.training.batching import token_batches
from xldistill.training.trainer import LossFn, TrainResult, train
from xldistill.translation.models import hold_start_embedding_at_zero
from xldistill.translation.translate import score, translate


def encode_pairs(tokenizer: MarianTokenizer, sources: list[str], targets: list[str],
                 max_length: int) -> tuple[list[list[int]], list[list[int]]]:
    encoded = tokenizer(sources, text_target=targets, truncation=True, max_length=max_length)
    return encoded["input_ids"], encoded["labels"]


def make_batches(src_ids: list, tgt_ids: list, max_tokens: int) -> list[list[int]]:
    """Indices grouped by length so that (longest source + longest target) ×
    sentences stays within ``max_tokens``; the order inside is deterministic."""
    return token_batches([(len(s), len(t)) for s, t in zip(src_ids, tgt_ids)],
                         [len(s) + len(t) for s, t in zip(src_ids, tgt_ids)], max_tokens)


def collate(index: list[int], src_ids: list, tgt_ids: list, pad_id: int, device) -> dict:
    src = [src_ids[i] for i in index]
    tgt = [tgt_ids[i] for i in index]
    src_len, tgt_len = max(map(len, src)), max(map(len, tgt))
    input_ids = torch.full((len(index), src_len), pad_id, dtype=torch.long)
    labels = torch.full((len(index), tgt_len), -100, dtype=torch.long)
    for row, (s, t) in enumerate(zip(src, tgt)):
        input_ids[row, :len(s)] = torch.tensor(s)
        labels[row, :len(t)] = torch.tensor(t)
    # Teacher forcing: the decoder reads the target shifted right, starting from pad (Marian's start token).
    decoder_input_ids = torch.cat([torch.full((len(index), 1), pad_id), labels[:, :-1]], dim=1)
    decoder_input_ids[decoder_input_ids == -100] = pad_id
    return {"input_ids": input_ids.to(device), "attention_mask": (input_ids != pad_id).long().to(device),
            "decoder_input_ids": decoder_input_ids.to(device), "labels": labels.to(device), "index": index}


def cross_entropy(label_smoothing: float = 0.0) -> LossFn:
    """Token-level cross-entropy on the reference, padding ignored."""

    def loss_fn(model: MarianMTModel, batch: dict) -> torch.Tensor:
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                       decoder_input_ids=batch["decoder_input_ids"]).logits
        return losses.cross_entropy(logits, batch["labels"], label_smoothing)

    return loss_fn


def text_digest(*columns: list) -> str:
    digest = hashlib.sha256()
    for column in columns:
        for item in column:
            digest.update(str(item).encode() + b"\n")
    return digest.hexdigest()


class TranslationTask:
    """What the trainer needs to know about translation; early stopping on greedy dev BLEU."""

    score_name = "dev_bleu"

    def __init__(self, tokenizer: MarianTokenizer, train_pairs: tuple[list, list], dev_pairs: tuple[list, list],
                 *, max_length: int, dev_bleu_lines: int):
        self.tokenizer, self.max_length = tokenizer, max_length
        self.pad_id = tokenizer.pad_token_id
        self.src_ids, self.tgt_ids = encode_pairs(tokenizer, *train_pairs, max_length)
        self.dev_src_ids, self.dev_tgt_ids = encode_pairs(tokenizer, *dev_pairs, max_length)
        self.bleu_src, self.bleu_ref = dev_pairs[0][:dev_bleu_lines], dev_pairs[1][:dev_bleu_lines]
        self.digest = text_digest(*train_pairs, *dev_pairs)

    def prepare(self, model: MarianMTModel) -> None:
        # Every model trained here must translate alike in transformers and CTranslate2 (see models.py);
        # a pretrained init whose start row is not zero is zeroed here, before its weights are fingerprinted.
        hold_start_embedding_at_zero(model)

    def batches(self, max_tokens: int) -> list[list[int]]:
        return make_batches(self.src_ids, self.tgt_ids, max_tokens)

    def collate(self, index: list[int], device) -> dict:
        return collate(index, self.src_ids, self.tgt_ids, self.pad_id, device)

    def default_loss(self, label_smoothing: float) -> LossFn:
        return cross_entropy(label_smoothing)

    def count(self, batch: dict) -> int:
        return int((batch["labels"] != -100).sum())

    def evaluate(self, model: MarianMTModel, device, max_tokens: int) -> tuple[float, float]:
        """Dev loss (plain cross-entropy, per target token) and greedy dev BLEU."""
        total, tokens = 0.0, 0
        plain = cross_entropy(0.0)
        for index in make_batches(self.dev_src_ids, self.dev_tgt_ids, max_tokens):
            batch = collate(index, self.dev_src_ids, self.dev_tgt_ids, self.pad_id, device)
            n = self.count(batch)
            total += plain(model, batch).item() * n
            tokens += n
        hypotheses = translate(model, self.tokenizer, self.bleu_src, beam=1, max_length=self.max_length)
        return total / max(tokens, 1), score(hypotheses, self.bleu_ref)["bleu"]


def train_translation(model: MarianMTModel, tokenizer: MarianTokenizer, train_pairs: tuple[list, list],
                      dev_pairs: tuple[list, list], cfg: dict, **kwargs) -> TrainResult:
    """The trainer on a translation task (sentences up to the model's positions)."""
    task = TranslationTask(tokenizer, train_pairs, dev_pairs, max_length=model.config.max_position_embeddings,
                           dev_bleu_lines=cfg["dev_bleu_lines"])
    return train(model, task, cfg, **kwargs)
