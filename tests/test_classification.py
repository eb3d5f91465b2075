"""Classifiers: the distillation loss is the translation student's, the trainer trains them,
and every folder loads with transformers' pipeline in a clean Python."""

import subprocess
import sys
from types import SimpleNamespace

import pytest
import torch
import torch.nn.functional as F

from xldistill.tasks.classification import (build_classifier, classifier_tokenizer, cross_entropy,
                                            distillation_loss, predict_logits, save_classifier, train_classifier)
from xldistill.tasks.onnx_int8 import MODEL_FILE, OnnxClassifier, save_onnx
from xldistill.training import losses
from xldistill.training.trainer import seed_everything

LABELS = ["negative", "neutral", "positive"]
TINY = {"arch": "modernbert", "hidden": 32, "layers": 1, "heads": 2, "ffn_dim": 64, "dropout": 0.0, "max_positions": 64}
TRAIN = {"max_steps": 120, "max_tokens": 400, "accumulation": 1, "lr": 0.005, "warmup_steps": 5,
         "schedule": "inverse_sqrt", "label_smoothing": 0.0, "clip_norm": 1.0, "weight_decay": 0.0,
         "eval_every": 40, "patience": 3, "checkpoint_every": 40, "mixed_precision": "fp32", "average_last": 0}


class FixedLogits(torch.nn.Module):
    def __init__(self, logits):
        super().__init__()
        self.logits = logits

    def forward(self, input_ids, attention_mask):
        return SimpleNamespace(logits=self.logits)


def test_the_distillation_loss_is_alpha_t2_kl_plus_cross_entropy():
    torch.manual_seed(0)
    student, teacher = torch.randn(5, 3), torch.randn(5, 3)
    labels = torch.tensor([0, 2, 1, 1, 0])
    batch = {"input_ids": None, "attention_mask": None, "labels": labels, "teacher_logits": teacher}
    temperature, alpha = 3.0, 0.7
    p_t = F.softmax(teacher / temperature, -1)
    kl = (p_t * (p_t.log() - F.log_softmax(student / temperature, -1))).sum(-1).mean()
    expected = alpha * temperature ** 2 * kl + (1 - alpha) * F.cross_entropy(student, labels)
    loss = distillation_loss(temperature=temperature, alpha=alpha)(FixedLogits(student), batch)
    assert torch.allclose(loss, expected, atol=1e-6)
    # the very function the translation student calls, one position per text
    reused = losses.word_kd(student[:, None], teacher[:, None], labels[:, None], temperature=temperature, alpha=alpha)
    assert torch.equal(loss, reused)
    assert torch.allclose(cross_entropy()(FixedLogits(student), batch), F.cross_entropy(student, labels))


def keyword_data(n: int) -> tuple[list[str], list[int]]:
    """The label is which animal the sentence names (words every tiny vocabulary has)."""
    animals = {0: "den Hund", 1: "die Katze", 2: "das Pferd"}
    people = ["Ich", "Anna", "Der Mann", "Die Frau", "Wir"]
    texts, labels = [], []
    for i in range(n):
        label = i % 3
        texts.append(f"{people[i % 5]} sah {animals[label]}.")
        labels.append(label)
    return texts, labels


@pytest.fixture(scope="module")
def trained(setup, tmp_path_factory):
    root, _, _ = setup
    tokenizer = classifier_tokenizer(root / "tokenizer", TINY["max_positions"])
    texts, labels = keyword_data(90)
    work = tmp_path_factory.mktemp("cls")

    def run(seed=1, **kwargs):
        seed_everything(seed)
        model = build_classifier(tokenizer, TINY, LABELS)
        result = train_classifier(model, tokenizer, texts, labels, texts[:30], labels[:30], TRAIN, seed=seed,
                                  work_dir=work / f"run{seed}", **kwargs)
        return model, result

    model, result = run()
    save_classifier(model, tokenizer, work / "classifier")
    return SimpleNamespace(model=model, result=result, run=run, tokenizer=tokenizer, folder=work / "classifier",
                           texts=texts)


def test_the_trainer_learns_a_classifier_reproducibly(trained):
    assert trained.result.best_dev_score == 100.0
    assert trained.result.items_per_s > 0
    again, _ = trained.run()
    assert all(torch.equal(a, b) for a, b in zip(trained.model.state_dict().values(), again.state_dict().values()))


def test_kd_from_teacher_logits_alone_follows_the_teacher(trained):
    """alpha = 1: no hard label is read; the student learns the task from the teacher's logits alone."""
    teacher_logits = predict_logits(trained.model, trained.tokenizer, trained.texts)
    _, labels = keyword_data(90)
    wrong_labels = [(label + 1) % 3 for label in labels]  # ignored at alpha = 1
    seed_everything(2)
    student = build_classifier(trained.tokenizer, TINY, LABELS)
    result = train_classifier(student, trained.tokenizer, trained.texts, wrong_labels, trained.texts[:30],
                              labels[:30], TRAIN, seed=2, work_dir=trained.folder.parent / "kd",
                              teacher_logits=teacher_logits, loss_fn=distillation_loss(temperature=2.0, alpha=1.0))
    assert result.best_dev_score >= 60  # the wrong labels, were they read, would teach ~0 %


def test_a_classifier_folder_loads_with_pipeline_in_a_clean_python(trained):
    expected = [LABELS[i] for i in predict_logits(trained.model, trained.tokenizer, trained.texts[:6]).argmax(-1)]
    code = ("import sys\nfrom transformers import pipeline\n"
            f"classify = pipeline('text-classification', model={str(trained.folder)!r})\n"
            f"print([r['label'] for r in classify({trained.texts[:6]!r})])\n"
            "assert not any(m.startswith('xldistill') for m in sys.modules)\n")
    out = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True,
                         cwd=trained.folder.parent)
    assert out.returncode == 0, out.stderr
    assert eval(out.stdout.strip().splitlines()[-1]) == expected
    assert (trained.folder / "model.safetensors").exists()


def test_the_classify_command_labels_stdin_lines(trained):
    lines = ["Ich sah das Pferd.", "", "Ich sah den Hund."]
    out = subprocess.run([sys.executable, "-m", "xldistill.tasks.classify", str(trained.folder)],
                         input="\n".join(lines) + "\n", capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    rows = out.stdout.splitlines()
    assert len(rows) == 3 and rows[1] == ""
    assert rows[0].split("\t")[0] == "positive" and rows[0].endswith("Ich sah das Pferd.")
    assert rows[2].split("\t")[0] == "negative"
    bad = subprocess.run([sys.executable, "-m", "xldistill.tasks.classify", str(trained.folder.parent / "nope")],
                         input="x\n", capture_output=True, text=True)
    assert bad.returncode != 0 and "cannot load" in bad.stderr


def test_the_onnx_export_classifies_as_pytorch_does_at_every_batch_size(trained, tmp_path):
    """The graph is traced on one padded batch; it must hold for other batch sizes and lengths (padding
    masked), in fp32 to float precision and in int8 to the label."""
    texts = trained.texts[:12] + ["Ich sah den Hund , die Katze und das Pferd , und Anna sah den Hund ."]
    expected = predict_logits(trained.model, trained.tokenizer, texts)
    save_onnx(trained.model, trained.tokenizer, tmp_path / "fp32", int8=False)
    save_onnx(trained.model, trained.tokenizer, tmp_path / "int8", int8=True)
    fp32, int8 = OnnxClassifier(tmp_path / "fp32"), OnnxClassifier(tmp_path / "int8")
    assert fp32.labels == LABELS
    for batch_size in (1, 5, 13):
        assert torch.allclose(torch.from_numpy(fp32(texts, batch_size)), expected, atol=1e-4), batch_size
        assert (torch.from_numpy(int8(texts, batch_size)).argmax(-1) == expected.argmax(-1)).all(), batch_size
    # int8 weights (the tiny graph's overhead keeps it above a quarter); the same model gives the same bytes
    assert (tmp_path / "int8" / MODEL_FILE).stat().st_size < 0.75 * (tmp_path / "fp32" / MODEL_FILE).stat().st_size
    save_onnx(trained.model, trained.tokenizer, tmp_path / "again", int8=True)
    assert (tmp_path / "again" / MODEL_FILE).read_bytes() == (tmp_path / "int8" / MODEL_FILE).read_bytes()
    # the classify command reads the ONNX folder too
    out = subprocess.run([sys.executable, "-m", "xldistill.tasks.classify", str(tmp_path / "int8")],
                         input="\n".join(texts[:3]) + "\n", capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert [row.split("\t")[0] for row in out.stdout.splitlines()] == [LABELS[i] for i in expected[:3].argmax(-1)]


def test_a_pretrained_folder_is_fine_tuned_with_a_new_head(trained, tmp_path):
    """classify.teacher.init = a folder (offline: a tiny model saved here) gets a head for the task's labels."""
    from xldistill.errors import XldistillError
    from xldistill.tasks.classification import load_pretrained

    seed_everything(3)
    two_way = build_classifier(trained.tokenizer, dict(TINY, arch="bert"), ["bad", "good"])
    save_classifier(two_way, trained.tokenizer, tmp_path / "pretrained")
    model, tokenizer = load_pretrained(str(tmp_path / "pretrained"), LABELS)
    assert model.config.num_labels == 3 and model.config.id2label == dict(enumerate(LABELS))
    assert torch.equal(model.bert.embeddings.word_embeddings.weight, two_way.bert.embeddings.word_embeddings.weight)
    assert predict_logits(model, tokenizer, ["Ich sah den Hund."]).shape == (1, 3)
    with pytest.raises(XldistillError, match="classify.teacher.init = .* cannot be loaded"):
        load_pretrained(str(tmp_path / "missing"), LABELS)
