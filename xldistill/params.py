"""params.yaml: loading and validation against one schema.

Every stage validates the whole file before it starts, so a typo anywhere stops
the pipeline at once with a message that names the dotted key, and returns the
values with numbers coerced (DVC's ``-S temp=4`` writes an int where a float is
meant).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import yaml

from xldistill.errors import ParamsError

PARAMS_FILE = "params.yaml"


@dataclass(frozen=True)
class Value:
    """A leaf of the schema."""

    kind: type  # int, float, str or bool; float accepts ints
    min: float | None = None
    max: float | None = None
    min_exclusive: bool = False
    choices: tuple | None = None
    nullable: bool = False


@dataclass(frozen=True)
class ListOf:
    item: object  # a Value or a dict schema


def _number(**kw) -> Value:
    return Value(float, **kw)


def _count(**kw) -> Value:
    return Value(int, min=kw.pop("min", 0), **kw)


def _path() -> Value:
    return Value(str, nullable=True)


CORPUS_FILES = {"format": Value(str, choices=("text", "tsv", "jsonl")),
                "train": Value(str), "dev": _path(), "test": _path(), "mono": _path(), "mono_src": _path()}

MODEL = {
    "d_model": _count(min=8),
    "encoder_layers": _count(min=1),
    "decoder_layers": _count(min=1),
    "heads": _count(min=1),
    "ffn_dim": _count(min=8),
    "dropout": _number(min=0, max=0.9),
    "max_positions": _count(min=16),
}

TRAIN = {
    "max_steps": _count(min=1),
    "max_tokens": _count(min=16),  # source + target tokens per batch, padding included
    "accumulation": _count(min=1),
    "lr": _number(min=0, min_exclusive=True),
    "warmup_steps": _count(),
    "schedule": Value(str, choices=("inverse_sqrt", "cosine")),
    "label_smoothing": _number(min=0, max=0.5),
    "clip_norm": _number(min=0, min_exclusive=True),
    "weight_decay": _number(min=0),
    "eval_every": _count(min=1),
    "patience": _count(min=1),
    "checkpoint_every": _count(min=1),
    "dev_bleu_lines": _count(min=1),
    # not "no": DVC writes params back as YAML 1.2, where a bare no is a string PyYAML reads as false
    "mixed_precision": Value(str, choices=("fp32", "bf16", "fp16")),
    "average_last": _count(),  # > 1: average the weights of the last n checkpoints (kept if better on dev)
    # the checkpoint kept and what early stopping watches: the dev score (greedy BLEU, accuracy), the dev loss, the last
    "select": Value(str, choices=("score", "loss", "last")),
}

CLASSIFIER = {  # a transformer encoder from scratch (tasks/classification.py)
    "arch": Value(str, choices=("modernbert", "bert")),  # modernbert: mean of the token states; bert: first token
    "hidden": _count(min=8),
    "layers": _count(min=1),
    "heads": _count(min=1),
    "ffn_dim": _count(min=8),
    "dropout": _number(min=0, max=0.9),
    "max_positions": _count(min=16),  # longer texts are truncated
}
CLASSIFIER_TRAIN = {key: spec for key, spec in TRAIN.items() if key != "dev_bleu_lines"}  # max_tokens: text tokens
# The teacher and student sections of the classification and NER branches
ENCODER_TEACHER = {
    "init": Value(str),  # scratch, or a Hugging Face name / folder (AutoModelFor{Sequence,Token}Classification)
    "model": CLASSIFIER,
    "train": CLASSIFIER_TRAIN,
}
ENCODER_STUDENT = {
    "alpha": _number(min=0, max=1),  # alpha · T² · KL(teacher ‖ student) + (1 − alpha) · CE(hard label)
    "model": CLASSIFIER,
    "train": CLASSIFIER_TRAIN,
}

SCHEMA = {
    "seed": _count(),
    "temp": _number(min=0, min_exclusive=True),
    "corpus": {
        "source": Value(str, choices=("builtin", "local", "hf", "url")),
        "src_lang": Value(str),
        "tgt_lang": Value(str),
        "dev_size": _count(),
        "test_size": _count(),
        "builtin": {
            "train_size": _count(min=1),
            "mono_size": _count(),
            "mono_src_size": _count(),
            "noise": _number(min=0, max=0.9),
        },
        "local": dict(CORPUS_FILES, train=_path()),
        "hf": {
            "name": _path(),
            "config": _path(),
            "revision": _path(),
            "field": _path(),
            "train_split": Value(str),
            "dev_split": _path(),
            "test_split": _path(),
            "mono_src_split": _path(),
        },
        "url": dict(CORPUS_FILES, train=_path(),
                    files=ListOf({"url": Value(str), "sha256": _path()}),
                    timeout_s=_number(min=0, min_exclusive=True),
                    retries=_count(max=10)),
    },
    "clean": {
        "empty": {"enabled": Value(bool)},
        "markup": {"enabled": Value(bool)},
        "length": {"enabled": Value(bool), "min_words": _count(), "max_words": _count(min=1)},
        "long_token": {"enabled": Value(bool), "max_chars": _count(min=1)},
        "ratio": {"enabled": Value(bool), "max_ratio": _number(min=1)},
        "identical": {"enabled": Value(bool)},
        "langid": {"enabled": Value(bool), "candidates": ListOf(Value(str)),
                   "min_confidence": _number(min=0, max=1)},
        "alignment": {"enabled": Value(bool), "min_score": _number(min=0, max=1),
                      "sample_size": _count(min=1), "min_count": _count(min=1)},
        "duplicates": {"enabled": Value(bool), "normalized": Value(bool)},
    },
    "vocab": {
        "size": _count(min=16),
        "model_type": Value(str, choices=("unigram", "bpe")),
    },
    "backtranslate": {
        "model": MODEL,
        "train": TRAIN,
        "synthetic_share": _number(min=0, max=0.9),
        "tagged": Value(bool),
        "beam": _count(min=1),
        "max_length": _count(min=1),
    },
    "teacher": {
        "init": Value(str),  # scratch, a local model folder or a Hugging Face model name
        "model": MODEL,
        "train": TRAIN,
        "beam": _count(min=1),
        "max_length": _count(min=1),
    },
    "teacher_translate": {
        "engine": Value(str, choices=("auto", "ctranslate2", "transformers")),
        "beam": _count(min=1),
        "nbest": _count(min=1),
        "max_length": _count(min=1),
        "batch_size": _count(min=1),
        "mono_lines": _count(),  # source-side monolingual lines to forward-translate (data/forward)
        "mono_beam": _count(min=1),
    },
    "teacher_logits": {
        "k": _count(min=1),  # the teacher's top-k logits per target position, for word-level KD
    },
    "distill": {
        "mode": Value(str, choices=("word", "seq", "seq+word")),
        "loss": Value(str, choices=("kl", "mse")),
        "alpha": _number(min=0, max=1),
        "teacher_logits": Value(str, choices=("stored", "stored_topk", "live")),
        "forward_share": _number(min=0, max=0.95),
        "hidden": {"weight": _number(min=0), "student_layers": ListOf(_count()),
                   "teacher_layers": ListOf(_count())},
        "init": Value(str, choices=("scratch", "teacher")),
        "model": MODEL,
        "train": TRAIN,
        "beam": _count(min=1),
        "max_length": _count(min=1),
    },
    "quantize": {
        "ctranslate2": Value(str, choices=("int8", "int8_float32", "int16", "float32")),
    },
    "classify": {
        "task": Value(str, choices=("sentiment", "topic")),  # the built-in corpus's label
        "source": Value(str, choices=("builtin", "local", "hf")),
        "dev_size": _count(min=1),  # dev carved from train when the source has none (English; German too)
        "label_map": ListOf({"from": Value(str), "to": Value(str)}),  # own data: rename labels ("1" → positive)
        "builtin": {
            "train_size": _count(min=1),
            "dev_size": _count(min=1),
            "test_size": _count(min=1),
            "label_noise": _number(min=0, max=0.9),  # share of English train labels replaced by another
        },
        "local": {
            "format": Value(str, choices=("tsv", "jsonl")),
            "train": _path(), "dev": _path(), "test": _path(), "target_dev": _path(), "target_train": _path(),
            "text_field": Value(str), "label_field": Value(str),  # jsonl
        },
        "hf": {
            "name": _path(), "config": _path(), "revision": _path(),
            "text_field": Value(str), "label_field": Value(str),
            "train_split": Value(str), "dev_split": _path(),
            "target_name": _path(), "target_config": _path(),  # null: the same dataset as name
            "test_split": Value(str), "target_dev_split": _path(), "target_train_split": _path(),
        },
        "teacher": ENCODER_TEACHER,
        "transfer": {
            "parallel_lines": _count(),  # cleaned pairs whose English side the teacher labels for the German side
            "translate_train": Value(bool),  # translate the English labelled set with the translation teacher
            "direct": Value(bool),  # a multilingual teacher labels the German side directly
            "beam": _count(min=1),
            "max_length": _count(min=1),
            "dev_lines": _count(min=1),  # transfer data held out for the students' early stopping
        },
        "student": ENCODER_STUDENT,
        "evaluate": {
            "threads": _count(min=1),
            "speed_texts": _count(min=1),
            "beam": _count(min=1),  # translate-test: the reverse model's beam
        },
    },
    "ner": {
        "source": Value(str, choices=("builtin", "local")),
        "dev_size": _count(min=1),  # dev carved from train when the source has none (English; German too)
        "type_map": ListOf({"from": Value(str), "to": Value(str)}),  # own data: OTH → MISC, LOCderiv → O
        "builtin": {
            "train_size": _count(min=1),
            "dev_size": _count(min=1),
            "test_size": _count(min=1),
            "alignment_size": _count(),  # pairs with gold entity alignments: scores the aligner
            "entity_share": _number(min=0, max=1),  # share of sentences with at least one entity
        },
        "local": {
            "source_format": Value(str, choices=("conll", "germeval")),  # English train / dev
            "target_format": Value(str, choices=("conll", "germeval")),  # German test / dev / train
            "scheme": Value(str, choices=("iob2", "iob1")),  # CoNLL files: iob1 is converted to iob2
            "train": _path(), "dev": _path(), "test": _path(), "target_dev": _path(), "target_train": _path(),
        },
        "teacher": ENCODER_TEACHER,
        "project": {
            "parallel_lines": _count(),  # cleaned pairs whose English side the teacher tags for the German side
            "aligner": Value(str, choices=("ibm1", "attention", "eflomal")),
            "max_gap": _count(),  # German words a projected span may skip (filled); more drops the sentence
            "translate_train": Value(bool),  # translate the English labelled set and project its gold tags
            "beam": _count(min=1),
            "max_length": _count(min=1),
            "dev_lines": _count(min=1),  # projected sentences held out for the students' early stopping
        },
        "student": {**ENCODER_STUDENT,
                    # NER's own KD temperature (not `temp`): its teacher is near-certain, see docs/ner.md
                    "temperature": _number(min=0, min_exclusive=True)},
        "evaluate": {
            "threads": _count(min=1),
            "speed_sentences": _count(min=1),
        },
    },
    "evaluate": {
        "beam": _count(min=1),
        "max_length": _count(min=1),
        "threads": _count(min=1),
        "speed_sentences": _count(min=1),
    },
    "significance": {
        "samples": _count(min=100),
    },
}


KIND_NAMES = {float: "a number", int: "an integer", str: "a string", bool: "true or false"}


def _fail(key: str, message: str):
    raise ParamsError(f"{PARAMS_FILE}: '{key}' {message}")


def _check_value(key: str, spec: Value, value):
    if value is None:
        if spec.nullable:
            return None
        _fail(key, "must be set (got null)")
    kind = spec.kind
    type_ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value, type_ok = float(value), True
    if not type_ok:
        _fail(key, f"must be {KIND_NAMES[kind]}, got {value!r} ({type(value).__name__})")
    if spec.choices is not None and value not in spec.choices:
        _fail(key, f"must be one of {', '.join(map(str, spec.choices))}; got {value!r}")
    if spec.min is not None and (value <= spec.min if spec.min_exclusive else value < spec.min):
        _fail(key, f"must be {'>' if spec.min_exclusive else '>='} {spec.min:g}; got {value!r}")
    if spec.max is not None and value > spec.max:
        _fail(key, f"must be <= {spec.max:g}; got {value!r}")
    return value


def _check(key: str, spec, value):
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            _fail(key, f"must be a mapping, got {value!r}")
        return _check_mapping(key + ".", spec, value)
    if isinstance(spec, ListOf):
        if not isinstance(value, list):
            _fail(key, f"must be a list, got {value!r}")
        return [_check(f"{key}[{i}]", spec.item, item) for i, item in enumerate(value)]
    return _check_value(key, spec, value)


def _check_mapping(prefix: str, schema: dict, values: dict) -> dict:
    for name in values:
        if name not in schema:
            hint = difflib.get_close_matches(str(name), list(schema), n=1)
            _fail(prefix + str(name), "is not a known key"
                  + (f"; did you mean '{prefix}{hint[0]}'?" if hint else ""))
    missing = [name for name in schema if name not in values]
    if missing:
        _fail(prefix + missing[0], "is missing")
    return {name: _check(prefix + name, spec, values[name]) for name, spec in schema.items()}


def validate(params: dict) -> dict:
    if not isinstance(params, dict):
        raise ParamsError(f"{PARAMS_FILE}: must be a mapping of sections")
    return _check_mapping("", SCHEMA, params)


def load_params(path: str | Path = PARAMS_FILE) -> dict:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParamsError(f"{path}: not found (run stages from the project root)") from None
    except yaml.YAMLError as err:
        raise ParamsError(f"{path}: not valid YAML: {err}") from None
    return validate(raw)
