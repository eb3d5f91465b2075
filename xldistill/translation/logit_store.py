"""The teacher's top-k logits on every target position of the student's training
data, computed once (the teacher_logits stage) so that a word-level KD step needs
no teacher forward: the student trains from the store at about a plain step's cost.

Files in the store's folder:
    topk_ids.npy     int32   [positions, k]   vocabulary ids, best first
    topk_logits.npy  float16 [positions, k]   the teacher's raw logits (temperature 1)
    tail_logit.npy   float32 [positions]      one logit for each of the other V − k tokens: the uniform
                                              tail with their total probability at T = 1
    offsets.npy      int64   [sentences + 1]  sentence i owns positions offsets[i]:offsets[i+1]
    meta.json        k, sizes and a digest of the tokenized training pairs

Raw logits, not probabilities: the temperature is applied when training
(losses.topk_kl_divergence), so `dvc exp run -S temp=4`
never recomputes the store.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import numpy as np
import torch
from transformers import MarianMTModel, MarianTokenizer

from xldistill.errors import XldistillError
from xldistill.translation.task import collate, encode_pairs, make_batches


def pairs_digest(src_ids: list[list[int]], tgt_ids: list[list[int]]) -> str:
    """Identifies the tokenized training data a store was computed on."""
    digest = hashlib.sha256()
    for side in (src_ids, tgt_ids):
        for ids in side:
            digest.update(np.asarray(ids, dtype=np.int32).tobytes() + b"|")
    return digest.hexdigest()[:16]


def tail_logits(logits: torch.Tensor, top_values: torch.Tensor) -> torch.Tensor:
    """The logit that, given to each of the V − k tokens outside the top k, gives
    them together the probability they have at T = 1:
    log(Σ_tail e^l) − log(V − k), with Σ_tail e^l = e^lse(all) · (1 − e^(lse(top) − lse(all)))."""
    n_tail = logits.shape[-1] - top_values.shape[-1]
    if n_tail == 0:
        return torch.full(logits.shape[:-1], -math.inf)
    lse_all = torch.logsumexp(logits, dim=-1)
    top_share = torch.exp(torch.logsumexp(top_values, dim=-1) - lse_all).clamp(max=1 - 1e-7)
    return lse_all + torch.log1p(-top_share) - math.log(n_tail)


@torch.inference_mode()
def compute_store(teacher: MarianMTModel, tokenizer: MarianTokenizer, pairs: tuple[list, list], out_dir: Path,
                  *, k: int, max_length: int, max_tokens: int = 4096) -> dict:
    """Run the teacher over ``pairs`` with teacher forcing and write its top-k
    logits per target position into ``out_dir``; ``max_length`` is the student's,
    so that the positions are exactly those the student trains on."""
    if k > teacher.config.vocab_size:
        raise XldistillError(f"params.yaml: 'teacher_logits.k' {k} exceeds the vocabulary ({teacher.config.vocab_size})")
    src_ids, tgt_ids = encode_pairs(tokenizer, *pairs, max_length)
    offsets = np.zeros(len(tgt_ids) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(ids) for ids in tgt_ids])
    top_ids = np.zeros((offsets[-1], k), dtype=np.int32)
    top_logits = np.zeros((offsets[-1], k), dtype=np.float16)
    tail_logit = np.zeros(offsets[-1], dtype=np.float32)
    teacher.eval()
    for index in make_batches(src_ids, tgt_ids, max_tokens):
        batch = collate(index, src_ids, tgt_ids, tokenizer.pad_token_id, teacher.device)
        logits = teacher(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                         decoder_input_ids=batch["decoder_input_ids"]).logits
        values, ids = logits.float().topk(k, dim=-1)
        tail = tail_logits(logits.float(), values)
        for row, sentence in enumerate(index):
            start, end = offsets[sentence], offsets[sentence + 1]
            top_ids[start:end] = ids[row, :end - start].cpu().numpy()
            top_logits[start:end] = values[row, :end - start].cpu().numpy()
            tail_logit[start:end] = tail[row, :end - start].cpu().numpy()
    out_dir.mkdir(parents=True, exist_ok=True)
    np.save(out_dir / "topk_ids.npy", top_ids)
    np.save(out_dir / "topk_logits.npy", top_logits)
    np.save(out_dir / "tail_logit.npy", tail_logit)
    np.save(out_dir / "offsets.npy", offsets)
    meta = {"k": k, "sentences": len(tgt_ids), "positions": int(offsets[-1]), "max_length": max_length,
            "pairs_digest": pairs_digest(src_ids, tgt_ids)}
    (out_dir / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    return meta


class LogitStore:
    """A store read back for training: ``lookup`` gives a batch's [B, T, k] ids and logits."""

    def __init__(self, folder: Path):
        meta_path = Path(folder) / "meta.json"
        if not meta_path.exists():
            raise XldistillError(f"{folder}: no logit store here (run the teacher_logits stage: dvc repro)")
        self.folder = Path(folder)
        self.meta = json.loads(meta_path.read_text())
        self.ids = torch.from_numpy(np.load(self.folder / "topk_ids.npy")).long()
        self.logits = torch.from_numpy(np.load(self.folder / "topk_logits.npy"))
        self.tail = torch.from_numpy(np.load(self.folder / "tail_logit.npy"))
        self.offsets = np.load(self.folder / "offsets.npy")

    def digest(self) -> str:
        """Of the stored values: a checkpoint trained from another teacher's store is never resumed."""
        digest = hashlib.sha256()
        for array in (self.ids, self.logits, self.tail):
            digest.update(array.numpy().tobytes())
        return digest.hexdigest()[:16]

    def check_matches(self, tokenizer: MarianTokenizer, pairs: tuple[list, list], max_length: int) -> None:
        """Refuse a store computed on other training data or another tokenization."""
        digest = pairs_digest(*encode_pairs(tokenizer, *pairs, max_length))
        if digest != self.meta["pairs_digest"]:
            raise XldistillError(f"{self.folder}: the stored teacher logits were computed on other training data "
                                 f"than the student's ({self.meta['sentences']} sentences stored, "
                                 f"{len(pairs[0])} now); rerun the teacher_logits stage (dvc repro)")

    def lookup(self, index: list[int], length: int, device) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """[B, length, k] ids, [B, length, k] logits and [B, length] tail logits of a batch's sentences."""
        k = self.meta["k"]
        ids = torch.zeros((len(index), length, k), dtype=torch.long)
        logits = torch.zeros((len(index), length, k), dtype=torch.float32)
        tail = torch.zeros((len(index), length), dtype=torch.float32)
        for row, sentence in enumerate(index):
            start, end = self.offsets[sentence], self.offsets[sentence + 1]
            ids[row, :end - start] = self.ids[start:end]
            logits[row, :end - start] = self.logits[start:end].float()
            tail[row, :end - start] = self.tail[start:end]
        return ids.to(device), logits.to(device), tail.to(device)
