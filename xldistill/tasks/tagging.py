"""Named-entity tagging as a task of the one trainer, and the taggers it trains.

A tagger is an ordinary Hugging Face folder (``ModernBertForTokenClassification`` from
scratch on the pipeline's SentencePiece vocabulary, or any
``AutoModelForTokenClassification`` fine-tuned from a name or path) with a fast
tokenizer and ``id2label`` over BIO tags: ``pipeline("token-classification",
model=folder, aggregation_strategy="simple")`` loads it with nothing of this project
imported.

Words, not sub-words, carry the tags: prediction and evaluation read each word's first
sub-word. Training labels every sub-word (run_ner.py's ``label_all_tokens``): a word's
later sub-words get its tag with B- turned into I-, so that ``pipeline(...,
aggregation_strategy="simple")``, which groups sub-words by their own predicted tags, reads
whole entities. Distillation targets are per-word log-probabilities over the tags (the
projected teacher distribution), folded the same way for later sub-words; the temperature
applies at training time.
"""

from __future__ import annotations

import hashlib

import numpy as np
import torch
from seqeval.metrics import f1_score
from transformers import (AutoModelForTokenClassification, AutoTokenizer, BertForTokenClassification,
                          ModernBertForTokenClassification)

from xldistill.data.tagged import repair_bio
from xldistill.errors import XldistillError
from xldistill.tasks.classification import encoder_config, length_batches, max_length_of, pad
from xldistill.training import losses
from xldistill.training.trainer import LossFn, TrainResult, train

IGNORE = losses.IGNORE


# --- models ------------------------------------------------------------------------

def build_tagger(tokenizer, cfg: dict, labels: list[str]):
    """A small transformer encoder from scratch with a per-token head (classification.encoder_config)."""
    config = encoder_config(tokenizer, cfg, labels)
    if cfg["arch"] == "modernbert":
        return ModernBertForTokenClassification(config)
    return BertForTokenClassification(config)


def load_pretrained_tagger(init: str, labels: list[str]):
    """A Hugging Face name or folder with a fresh token head for ``labels`` (safetensors only)."""
    try:
        tokenizer = AutoTokenizer.from_pretrained(init)
        model = AutoModelForTokenClassification.from_pretrained(init, use_safetensors=True,
            num_labels=len(labels), id2label=dict(enumerate(labels)),
            label2id={label: i for i, label in enumerate(labels)}, ignore_mismatched_sizes=True)
    except (OSError, ValueError) as err:
        raise XldistillError(f"params.yaml: ner.teacher.init = {init!r} cannot be loaded: {err}") from None
    if not tokenizer.is_fast:
        raise XldistillError(f"params.yaml: ner.teacher.init = {init!r} has no fast tokenizer (word ids are needed)")
    return model, tokenizer


def load_tagger(folder):
    folder = str(folder)
    return (AutoModelForTokenClassification.from_pretrained(folder, use_safetensors=True),
            AutoTokenizer.from_pretrained(folder))


# --- words to sub-words -----------------------------------------------------------------

def encode_words(tokenizer, sentences: list[list[str]], max_length: int) -> tuple[list[list[int]], list[list[list[int]]]]:
    """Sub-word ids of each sentence and, per word, the positions of its sub-words (none where
    truncation cut the word off)."""
    encoded = tokenizer(sentences, is_split_into_words=True, truncation=True, max_length=max_length)
    ids, positions = [], []
    for row, words in enumerate(sentences):
        pieces = [[] for _ in words]
        for position, word in enumerate(encoded.word_ids(row)):
            if word is not None:
                pieces[word].append(position)
        ids.append(encoded["input_ids"][row])
        positions.append(pieces)
    return ids, positions


def first_pieces(positions: list[list[int]]) -> list[int]:
    """Each word's first sub-word position, −1 for a word truncation cut off."""
    return [pieces[0] if pieces else -1 for pieces in positions]


def continuation_labels(labels: list[str]) -> list[int]:
    """For each label id, the id a word's later sub-words carry: B-X → I-X, the rest unchanged."""
    index = {label: i for i, label in enumerate(labels)}
    return [index.get("I-" + label[2:], i) if label.startswith("B-") else i for i, label in enumerate(labels)]


def fold_continuation(log_probs: np.ndarray, labels: list[str]) -> np.ndarray:
    """A word's distribution for its later sub-words: the mass of B-X moves to I-X."""
    probs = np.exp(log_probs)
    folded = np.zeros_like(probs)
    np.add.at(folded, (slice(None), continuation_labels(labels)), probs)
    return np.log(np.maximum(folded, 1e-6))


@torch.inference_mode()
def predict_word_logits(model, tokenizer, sentences: list[list[str]], *, batch_size: int = 64) -> list[np.ndarray]:
    """Per sentence, the logits [words, labels] of each word's first sub-word (a word cut off
    by truncation gets logits that say O)."""
    model.eval()
    ids, positions = encode_words(tokenizer, sentences, max_length_of(model, tokenizer))
    firsts = [first_pieces(p) for p in positions]
    out: list = [None] * len(sentences)
    order = sorted(range(len(sentences)), key=lambda i: len(ids[i]))
    device = next(model.parameters()).device
    n_labels = model.config.num_labels
    for start in range(0, len(order), batch_size):
        index = order[start:start + batch_size]
        logits = model(**pad([ids[i] for i in index], tokenizer.pad_token_id, device)).logits.float().cpu()
        for row, i in enumerate(index):
            words = np.zeros((len(firsts[i]), n_labels), dtype=np.float32)
            words[:, 0] = 10.0  # O (label 0) for words truncation cut off
            kept = [w for w, p in enumerate(firsts[i]) if p >= 0]
            words[kept] = logits[row, [firsts[i][w] for w in kept]].numpy()
            out[i] = words
    return out


def decode(word_logits: list[np.ndarray], labels: list[str]) -> list[list[str]]:
    """Argmax tags, repaired to IOB2 (an I- that starts an entity becomes B-)."""
    return [repair_bio([labels[k] for k in logits.argmax(-1)]) for logits in word_logits]


# --- losses: the translation student's, on word positions ----------------------------------

def cross_entropy(label_smoothing: float = 0.0) -> LossFn:
    def loss_fn(model, batch: dict) -> torch.Tensor:
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
        return losses.cross_entropy(logits, batch["labels"], label_smoothing)

    return loss_fn


def distillation_loss(*, temperature: float, alpha: float, label_smoothing: float = 0.0) -> LossFn:
    """alpha · T² · KL(projected teacher ‖ student at T) + (1 − alpha) · CE(projected hard tag),
    over the first sub-word of every word: ``losses.word_kd``."""
    def loss_fn(model, batch: dict) -> torch.Tensor:
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
        return losses.word_kd(logits, batch["teacher_logits"], batch["labels"], temperature=temperature,
                              alpha=alpha, label_smoothing=label_smoothing)

    return loss_fn


# --- the task ------------------------------------------------------------------------

class TaggingTask:
    """Sentences of words with tag ids (and per-word teacher log-probabilities); early
    stopping on dev entity F1 (seqeval, micro, %)."""

    score_name = "dev_f1"

    def __init__(self, tokenizer, labels: list[str], train: tuple[list, list], dev: tuple[list, list], *,
                 max_length: int, teacher_log_probs: list[np.ndarray] | None = None):
        (train_words, train_tags), (dev_words, dev_tags) = train, dev
        if not train_words or not dev_words:
            raise XldistillError(f"NER: {len(train_words)} train and {len(dev_words)} dev sentences; "
                                 "both must be non-empty")
        self.labels = labels
        self.pad_id = tokenizer.pad_token_id
        self.ids, self.positions = encode_words(tokenizer, train_words, max_length)
        self.dev_ids, dev_positions = encode_words(tokenizer, dev_words, max_length)
        self.dev_firsts = [first_pieces(p) for p in dev_positions]
        self.tags, self.dev_tags = train_tags, dev_tags  # tag ids per word
        self.continuation = continuation_labels(labels)
        self.teacher = teacher_log_probs
        self.teacher_later = [fold_continuation(x, labels) for x in teacher_log_probs] if teacher_log_probs else None
        digest = hashlib.sha256()
        for part in (train_words, train_tags, dev_words, dev_tags):
            digest.update(repr(part).encode() + b"\x00")
        for array in teacher_log_probs or []:
            digest.update(array.tobytes())
        self.digest = digest.hexdigest()

    def prepare(self, model) -> None:
        pass

    def batches(self, max_tokens: int) -> list[list[int]]:
        return length_batches(self.ids, max_tokens)

    @staticmethod
    def _first_labels(index: list[int], firsts: list, tags: list, width: int) -> torch.Tensor:
        """Dev: each word's tag on its first sub-word, the rest ignored (as prediction reads them)."""
        labels = torch.full((len(index), width), IGNORE, dtype=torch.long)
        for row, i in enumerate(index):
            for position, tag in zip(firsts[i], tags[i]):
                if position >= 0:
                    labels[row, position] = tag
        return labels

    def collate(self, index: list[int], device) -> dict:
        """Every sub-word labelled: the word's tag on the first, its continuation (B- → I-) on the rest."""
        batch = pad([self.ids[i] for i in index], self.pad_id, device)
        width = batch["input_ids"].shape[1]
        labels = torch.full((len(index), width), IGNORE, dtype=torch.long)
        teacher = torch.zeros(len(index), width, len(self.labels)) if self.teacher is not None else None
        for row, i in enumerate(index):
            for word, (pieces, tag) in enumerate(zip(self.positions[i], self.tags[i])):
                if not pieces:
                    continue
                labels[row, pieces[0]] = tag
                labels[row, pieces[1:]] = self.continuation[tag]
                if teacher is not None:
                    teacher[row, pieces[0]] = torch.from_numpy(self.teacher[i][word])
                    teacher[row, pieces[1:]] = torch.from_numpy(self.teacher_later[i][word])
        batch["labels"] = labels.to(device)
        if teacher is not None:
            batch["teacher_logits"] = teacher.to(device)
        batch["index"] = index
        return batch

    def default_loss(self, label_smoothing: float) -> LossFn:
        return cross_entropy(label_smoothing)

    def count(self, batch: dict) -> int:
        return len(batch["index"])

    def evaluate(self, model, device, max_tokens: int) -> tuple[float, float]:
        """Dev loss (cross-entropy per word) and dev entity F1 in %."""
        total, words, gold, predicted = 0.0, 0, [], []
        for index in length_batches(self.dev_ids, max_tokens):
            batch = pad([self.dev_ids[i] for i in index], self.pad_id, device)
            labels = self._first_labels(index, self.dev_firsts, self.dev_tags, batch["input_ids"].shape[1]).to(device)
            logits = model(**batch).logits.float()
            total += torch.nn.functional.cross_entropy(logits.flatten(0, 1), labels.flatten(),
                                                       ignore_index=IGNORE, reduction="sum").item()
            words += int((labels != IGNORE).sum())
            best = logits.argmax(-1).cpu()
            for row, i in enumerate(index):
                gold.append([self.labels[t] for t in self.dev_tags[i]])
                predicted.append(repair_bio([self.labels[int(best[row, p])] if p >= 0 else "O"
                                             for p in self.dev_firsts[i]]))
        return total / max(words, 1), round(100 * f1_score(gold, predicted, zero_division=0), 2)


def tag_ids(tags: list[list[str]], labels: list[str], where: str) -> list[list[int]]:
    index = {label: i for i, label in enumerate(labels)}
    out = []
    for number, sentence in enumerate(tags, start=1):
        unknown = [tag for tag in sentence if tag not in index]
        if unknown:
            raise XldistillError(f"{where}: sentence {number} has tag {unknown[0]!r}, not one of {', '.join(labels)}")
        out.append([index[tag] for tag in sentence])
    return out


def train_tagger(model, tokenizer, labels: list[str], train_set: tuple[list, list], dev_set: tuple[list, list],
                 cfg: dict, *, teacher_log_probs: list[np.ndarray] | None = None, **kwargs) -> TrainResult:
    """The trainer on a tagging task: (words, tag ids) per sentence."""
    task = TaggingTask(tokenizer, labels, train_set, dev_set, max_length=max_length_of(model, tokenizer),
                       teacher_log_probs=teacher_log_probs)
    return train(model, task, cfg, **kwargs)
