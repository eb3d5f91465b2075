"""The int8 classifier for CPU inference: the student exported to ONNX and run by ONNX Runtime.

At these model sizes a PyTorch call costs about the same for the teacher and the student (Python and
operator overhead, not arithmetic), and PyTorch's dynamic int8 gains nothing at batch 1; ONNX Runtime
removes the overhead (bench/cls_onnx.py, bench/README.md table 14). So the pipeline's int8 classifier is
an ONNX Runtime model:

    models/cls-student-int8/
        model.onnx      the student's graph, weights int8 (ONNX Runtime dynamic quantization)
        config.json     the student's config (id2label): the layout optimum's ORT classes read
        tokenizer.json  ...

`save_onnx` writes it, `OnnxClassifier(folder)` runs it, and
`python -m xldistill.tasks.classify models/cls-student-int8` classifies stdin lines with it.
"""

from __future__ import annotations

import logging
import tempfile
import warnings
from pathlib import Path

import numpy as np
import onnxruntime
import torch
from onnxruntime.quantization import QuantType, quantize_dynamic
from transformers import AutoConfig, AutoTokenizer

from xldistill.data.textio import atomic_dir
from xldistill.tasks.classification import batched_logits, max_length_of, pad

MODEL_FILE = "model.onnx"  # the name optimum's ORTModel classes look for
OPSET = 17


def export_onnx(model, tokenizer, path: Path) -> None:
    """The classifier's graph with dynamic batch and length (the TorchScript exporter: deterministic bytes)."""
    batch = pad(tokenizer(["a b c", "a"])["input_ids"], tokenizer.pad_token_id, "cpu")
    model.eval()
    with warnings.catch_warnings():
        # the tracer's notes on Python-side shape checks: the graph is exact for every batch and length
        # (tests/test_classification.py compares it with PyTorch on padded batches of mixed lengths)
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        warnings.filterwarnings("ignore", message="Exporting aten::index operator")
        torch.onnx.export(model, (batch["input_ids"], batch["attention_mask"]), str(path), dynamo=False,
                          input_names=["input_ids", "attention_mask"], output_names=["logits"],
                          dynamic_axes={"input_ids": {0: "batch", 1: "length"},
                                        "attention_mask": {0: "batch", 1: "length"}, "logits": {0: "batch"}},
                          opset_version=OPSET)


def save_onnx(model, tokenizer, out_dir: Path, *, int8: bool = True) -> None:
    """``out_dir`` (atomically): the classifier exported to ONNX, its weights int8 (ONNX Runtime dynamic
    quantization) unless ``int8`` is false, with its config and tokenizer."""
    with atomic_dir(out_dir) as out, tempfile.TemporaryDirectory() as tmp:
        fp32 = (Path(tmp) if int8 else out) / MODEL_FILE
        export_onnx(model, tokenizer, fp32)
        if int8:
            quantize_int8(fp32, out / MODEL_FILE)
        model.config.save_pretrained(str(out))
        tokenizer.save_pretrained(str(out))


def quantize_int8(fp32: Path, int8: Path) -> None:
    # it logs advice to pre-process the graph first; the session optimises the graph when it loads anyway
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
    finally:
        root.setLevel(level)


class OnnxClassifier:
    """An ONNX classifier folder in ONNX Runtime: ``classifier(texts, batch_size)`` → logits [texts, labels]."""

    def __init__(self, folder: str | Path, threads: int = 1):
        self.folder = Path(folder)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(str(self.folder / MODEL_FILE), options,
                                                    providers=["CPUExecutionProvider"])
        self.config = AutoConfig.from_pretrained(str(self.folder))
        self.tokenizer = AutoTokenizer.from_pretrained(str(self.folder))
        self.labels = [self.config.id2label[i] for i in range(self.config.num_labels)]

    def __call__(self, texts: list[str], batch_size: int = 64) -> np.ndarray:

        def forward(batch: dict) -> np.ndarray:
            return self.session.run(["logits"], {name: batch[name].numpy() for name in ("input_ids", "attention_mask")})[0]

        return batched_logits(forward, self.tokenizer, texts, batch_size=batch_size,
                              max_length=max_length_of(self.config, self.tokenizer), num_labels=len(self.labels)).numpy()

    def size_bytes(self) -> int:
        return (self.folder / MODEL_FILE).stat().st_size
