"""Translation models: building, decoding, engines, quantization, distillation losses and data."""
