"""The one translate function (batched, length-sorted ``generate``) and scoring."""

from __future__ import annotations

import sacrebleu
import torch
from tqdm.auto import tqdm
from transformers import MarianMTModel, MarianTokenizer


@torch.inference_mode()
def translate(model: MarianMTModel, tokenizer: MarianTokenizer, sentences: list[str], *,
              beam: int = 1, max_length: int = 128, batch_size: int = 64,
              progress: bool = False) -> list[str]:
    """Translations in the order of ``sentences``. Sorting by length keeps
    padding, and so wasted compute, small within each batch."""
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]), reverse=True)
    output: list[str | None] = [None] * len(sentences)
    for start in tqdm(range(0, len(order), batch_size), desc="translate", disable=not progress,
                      unit="batch"):
        index = order[start:start + batch_size]
        batch = tokenizer([sentences[i] for i in index], return_tensors="pt", padding=True,
                          truncation=True, max_length=model.config.max_position_embeddings).to(device)
        generated = model.generate(**batch, num_beams=beam, do_sample=False,
                                   max_length=min(max_length, model.config.max_position_embeddings),
                                   # whatever beam the folder was saved with: search as CTranslate2 does
                                   **({"early_stopping": True} if beam > 1 else {}))
        for i, text in zip(index, tokenizer.batch_decode(generated, skip_special_tokens=True)):
            output[i] = text
    model.train(was_training)
    return output


def score(hypotheses: list[str], references: list[str]) -> dict:
    """Corpus BLEU, chrF and TER (sacrebleu defaults: cased, 13a) with signatures."""
    bleu, chrf, ter = sacrebleu.metrics.BLEU(), sacrebleu.metrics.CHRF(), sacrebleu.metrics.TER()
    result = {}
    for name, metric in (("bleu", bleu), ("chrf", chrf), ("ter", ter)):
        result[name] = round(metric.corpus_score(hypotheses, [references]).score, 2)
        result[f"{name}_signature"] = metric.get_signature().format()
    return result
