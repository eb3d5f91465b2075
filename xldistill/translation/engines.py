"""One interface over the three ways a model folder runs: transformers (fp32),
PyTorch dynamic int8, and CTranslate2. Used by evaluate, teacher translation
and the translate command."""

from __future__ import annotations

import json
import time
from pathlib import Path

import torch

from xldistill.translation.models import count_parameters, load_marian
from xldistill.translation.quantize import CT2_LIMITS, is_ctranslate2, is_torch_int8, load_torch_int8, tokenizer_for
from xldistill.translation.translate import translate


class Engine:
    """``translate(sentences, beam, max_length, batch_size) -> list[str]``."""

    kind = "transformers"

    def __init__(self, folder: Path, threads: int):
        self.folder = Path(folder)
        self.tokenizer = tokenizer_for(self.folder)
        torch.set_num_threads(threads)
        self.model = self.load()

    def load(self):
        return load_marian(self.folder)

    def parameters(self) -> int:
        return count_parameters(self.model)

    def translate(self, sentences: list[str], *, beam: int, max_length: int, batch_size: int = 32,
                  progress: bool = False) -> list[str]:
        return translate(self.model, self.tokenizer, sentences, beam=beam, max_length=max_length,
                         batch_size=batch_size, progress=progress)


class TorchInt8Engine(Engine):
    kind = "torch-int8"

    def load(self):
        return load_torch_int8(self.folder)

    def parameters(self) -> int:
        floats = sum(p.numel() for p in self.model.parameters())
        int8 = sum(m.weight().numel() for m in self.model.modules()
                   if isinstance(m, torch.ao.nn.quantized.dynamic.Linear))
        return floats + int8


class CTranslate2Engine(Engine):
    kind = "ctranslate2"

    def __init__(self, folder: Path, threads: int):
        self.threads = threads
        super().__init__(folder, threads)

    def load(self):
        import ctranslate2

        limits = self.folder / CT2_LIMITS
        self.max_positions = json.loads(limits.read_text())["max_positions"] if limits.exists() else 10 ** 6
        # Threads go to parallel batches, one thread each: on the 2-core CI machine CTranslate2's
        # OpenMP intra-op threads made a 0.5M-parameter model 5-43x slower than one thread per batch
        # (bench/inference_speed.py), and a model this small has nothing to split within a batch.
        return ctranslate2.Translator(str(self.folder), device="cpu", compute_type="default",
                                      inter_threads=self.threads, intra_threads=1)

    def parameters(self) -> int | None:
        return None  # CTranslate2 does not expose them; the fp32 student's count applies

    def translate(self, sentences: list[str], *, beam: int, max_length: int, batch_size: int = 32,
                  progress: bool = False, num_hypotheses: int = 1) -> list:
        tokens = [self.tokenizer.convert_ids_to_tokens(ids) for ids in
                  self.tokenizer(sentences, truncation=True, max_length=self.max_positions).input_ids]
        results = self.model.translate_batch(tokens, beam_size=beam, max_batch_size=batch_size,
                                             batch_type="examples",
                                             # transformers' max_length counts the start token
                                             max_decoding_length=min(max_length, self.max_positions) - 1,
                                             patience=1,  # stop once `beam` hypotheses ended, as generate does
                                             num_hypotheses=num_hypotheses)
        decoded = [[self.tokenizer.convert_tokens_to_string(h) for h in r.hypotheses] for r in results]
        return [d[0] for d in decoded] if num_hypotheses == 1 else decoded


def open_engine(folder: str | Path, threads: int = 2) -> Engine:
    folder = Path(folder)
    if is_ctranslate2(folder):
        return CTranslate2Engine(folder, threads)
    if is_torch_int8(folder):
        return TorchInt8Engine(folder, threads)
    return Engine(folder, threads)


def timed_translation(engine: Engine, sentences: list[str], *, batch_size: int, beam: int, max_length: int) -> tuple:
    """The translations and their speed (sentences/s, target tokens/s), after a warm-up batch."""
    engine.translate(sentences[:batch_size], beam=beam, max_length=max_length, batch_size=batch_size)
    started = time.perf_counter()
    output = engine.translate(sentences, beam=beam, max_length=max_length, batch_size=batch_size)
    seconds = time.perf_counter() - started
    tokens = sum(len(ids) for ids in engine.tokenizer(text_target=output).input_ids)
    return output, {"sentences_per_s": round(len(sentences) / seconds, 1), "tokens_per_s": round(tokens / seconds, 1)}
