"""int8 students: CTranslate2 (converted from the HF folder) and PyTorch dynamic int8.

The PyTorch int8 folder is an ordinary model folder (config, tokenizer) whose
safetensors hold the int8 weights, scales and zero points of every Linear and
the float tensors of the rest; ``load_torch_int8`` rebuilds the dynamically
quantized model from it (CPU kernels: x86 / fbgemm).
"""

from __future__ import annotations

import io
import json
import shutil
import warnings
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from transformers import MarianConfig, MarianMTModel, MarianTokenizer

TOKENIZER_FILES = ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json", "special_tokens_map.json")
INT8_MARKER = "quantization.json"
CT2_LIMITS = "xldistill_limits.json"


def copy_tokenizer(model_dir: Path, out_dir: Path) -> None:
    for name in TOKENIZER_FILES:
        if (model_dir / name).exists():
            shutil.copy(model_dir / name, out_dir / name)


def convert_ctranslate2(model_dir: Path, out_dir: Path, quantization: str = "int8") -> None:
    import ctranslate2

    ctranslate2.converters.TransformersConverter(str(model_dir)).convert(
        str(out_dir), quantization=quantization, force=True)
    copy_tokenizer(model_dir, out_dir)
    # CTranslate2 stops with an error past the position table; remember its size for decoding.
    positions = MarianConfig.from_pretrained(str(model_dir)).max_position_embeddings
    (out_dir / CT2_LIMITS).write_text(json.dumps({"max_positions": positions}))


def quantize_dynamic(model: torch.nn.Module) -> torch.nn.Module:
    """PyTorch dynamic int8 of every Linear layer (translation models and classifiers alike)."""
    with warnings.catch_warnings():  # torch.ao.quantization is deprecated; see README (int8 students)
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(model.eval(), {torch.nn.Linear}, dtype=torch.qint8)


def state_bytes(model: torch.nn.Module) -> int:
    """The size of a model's state as torch.save writes it (an in-memory int8 model's size)."""
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    return buffer.getbuffer().nbytes


def _quantized_linears(model: torch.nn.Module) -> dict:
    return {name: module for name, module in model.named_modules()
            if isinstance(module, torch.ao.nn.quantized.dynamic.Linear)}


def save_torch_int8(model_dir: Path, out_dir: Path) -> None:
    model = MarianMTModel.from_pretrained(str(model_dir), use_safetensors=True)
    # Tied tensors (shared, encoder and decoder embeddings) are stored once; loading re-ties them.
    float_state, seen = {}, set()
    for key, value in model.state_dict().items():
        if value.data_ptr() not in seen:
            seen.add(value.data_ptr())
            float_state[key] = value.detach().clone().contiguous()
    quantized = quantize_dynamic(model)
    tensors = {}
    for name, module in _quantized_linears(quantized).items():
        weight, bias = module._weight_bias()
        tensors[f"{name}.weight.int8"] = weight.int_repr().contiguous()
        tensors[f"{name}.weight.scale"] = torch.tensor([weight.q_scale()], dtype=torch.float64)
        tensors[f"{name}.weight.zero_point"] = torch.tensor([weight.q_zero_point()], dtype=torch.int64)
        float_state.pop(f"{name}.weight", None)
        if bias is not None:
            tensors[f"{name}.bias"] = bias.detach().contiguous()
    for key, value in float_state.items():
        tensors.setdefault(key, value)
    out_dir.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(out_dir / "model.safetensors"))
    model.config.save_pretrained(str(out_dir))
    model.generation_config.save_pretrained(str(out_dir))
    (out_dir / INT8_MARKER).write_text(json.dumps({"format": "torch-dynamic-int8", "dtype": "qint8",
                                                   "scheme": "per-tensor affine"}, indent=2))
    copy_tokenizer(model_dir, out_dir)


def load_torch_int8(folder: Path) -> torch.nn.Module:
    config = MarianConfig.from_pretrained(str(folder))
    model = MarianMTModel(config)
    tensors = load_file(str(folder / "model.safetensors"))
    float_state = {k: v for k, v in tensors.items() if not k.endswith((".int8", ".scale", ".zero_point"))}
    model.load_state_dict(float_state, strict=False)
    quantized = quantize_dynamic(model)
    for name, module in _quantized_linears(quantized).items():
        weight = torch._make_per_tensor_quantized_tensor(
            tensors[f"{name}.weight.int8"], float(tensors[f"{name}.weight.scale"]),
            int(tensors[f"{name}.weight.zero_point"]))
        module.set_weight_bias(weight, tensors.get(f"{name}.bias"))
    return quantized


def is_torch_int8(folder: Path) -> bool:
    return (Path(folder) / INT8_MARKER).exists()


def is_ctranslate2(folder: Path) -> bool:
    return (Path(folder) / "model.bin").exists()


def tokenizer_for(folder: Path) -> MarianTokenizer:
    return MarianTokenizer.from_pretrained(str(folder))
