"""NER: word alignment and the projection rule on hand-made examples, the tagging task on the
one trainer, the loss reuse, and every tagger folder through transformers' pipeline."""

import json
import random
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from xldistill.tasks.classification import classifier_tokenizer, save_classifier
from xldistill.tasks.projection import (alignment_quality, grow_diag_final_and, ibm1_links, project,
                                        project_spans, soft_targets)
from xldistill.tasks.tagging import (TaggingTask, build_tagger, decode, distillation_loss, predict_word_logits,
                                     tag_ids, train_tagger)
from xldistill.training import losses
from xldistill.training.trainer import seed_everything

LABELS = ["O", "B-LOC", "I-LOC", "B-PER", "I-PER"]


# --- projection ----------------------------------------------------------------------------

def test_a_span_projects_to_its_aligned_words_and_a_small_gap_is_filled():
    # "the University of Vienna" (ORG 1..4) → "der Universität Wien"; "of" unaligned
    assert project_spans([("ORG", 1, 4)], {(0, 0), (1, 1), (3, 2)}, 3, max_gap=1) == ([("ORG", 1, 3)], "kept")
    # an image with a one-word hole: filled with max_gap 1, the sentence dropped with max_gap 0
    links = {(0, 2), (1, 4)}
    assert project_spans([("PER", 0, 2)], links, 6, max_gap=1) == ([("PER", 2, 5)], "kept")
    assert project_spans([("PER", 0, 2)], links, 6, max_gap=0) == (None, "gap")


def test_an_unaligned_or_overlapping_entity_drops_the_sentence():
    assert project_spans([("LOC", 3, 4)], {(0, 0), (1, 1)}, 4, max_gap=1) == (None, "unaligned")
    assert project_spans([("PER", 0, 1), ("LOC", 2, 3)], {(0, 1), (2, 1)}, 3, max_gap=1) == (None, "overlap")


def test_soft_targets_fold_the_teacher_distribution_to_the_german_span_position():
    english_tags = ["B-PER", "O", "O", "B-LOC", "I-LOC"]  # Anna lives in New York
    probs = np.array([[0.1, 0.0, 0.0, 0.8, 0.1],       # Anna
                      [0.9, 0.05, 0.0, 0.05, 0.0],     # lives
                      [1.0, 0.0, 0.0, 0.0, 0.0],       # in
                      [0.2, 0.7, 0.1, 0.0, 0.0],       # New
                      [0.1, 0.3, 0.6, 0.0, 0.0]])      # York
    links = {(0, 0), (1, 1), (2, 2), (3, 3), (4, 4)}  # Anna wohnt in New York .
    tags, soft, rule = project(english_tags, probs, links, 6, LABELS, max_gap=1)
    assert rule == "kept" and tags == ["B-PER", "O", "O", "B-LOC", "I-LOC", "O"]
    assert np.allclose(soft[0], [0.1, 0.0, 0.0, 0.9, 0.0])   # B position: B + I mass on B
    assert np.allclose(soft[4], [0.1, 0.0, 0.9, 0.0, 0.0])   # I position: B + I mass on I
    assert np.allclose(soft[5], [1, 0, 0, 0, 0])             # "." is unlinked and outside every span
    assert np.allclose(soft.sum(1), 1)
    assert np.allclose(soft_targets(probs, links, tags, LABELS), soft)


def test_grow_diag_final_and_keeps_the_intersection_and_stays_inside_the_union():
    forward, reverse = {(0, 0), (1, 1), (2, 1), (4, 4)}, {(0, 0), (1, 1), (2, 2), (3, 4)}
    links = grow_diag_final_and(forward, reverse, 5, 5)
    assert forward & reverse <= links <= forward | reverse
    assert (2, 1) in links  # a neighbour of (1, 1) whose English word was unaligned
    assert (4, 4) in links and (3, 4) not in links  # final-and: only while both words are unaligned


CITIES = {"Munich": "München", "Vienna": "Wien", "Cologne": "Köln", "Paris": "Paris"}
ANIMALS = {"dog": "Hund", "cat": "Katze", "horse": "Pferd", "bird": "Vogel"}


def dictionary_corpus(n: int, seed: int = 0):
    """English → German word by word, "today" moved before the object (heute), a city at the end."""
    rng = random.Random(seed)
    english, german, cities = [], [], []
    for _ in range(n):
        person, (verb, verb_de) = rng.choice(["Anna", "Paul"]), rng.choice([("sees", "sieht"), ("finds", "findet")])
        animal, city, today = rng.choice(list(ANIMALS)), rng.choice(list(CITIES)), rng.random() < 0.5
        english.append([person, verb, "the", animal, "in", city] + (["today"] if today else []))
        german.append([person, verb_de] + (["heute"] if today else []) + ["der", ANIMALS[animal], "in", CITIES[city]])
        cities.append((5, len(german[-1]) - 1))
    return english, german, cities


def test_ibm1_aligns_a_dictionary_corpus_deterministically():
    english, german, cities = dictionary_corpus(400)
    links = ibm1_links(english, german)
    assert links == ibm1_links(english, german)
    assert sum(city in sentence_links for city, sentence_links in zip(cities, links)) >= 390
    records = [{"en": e, "de": g, "en_tags": ["B-PER"] + ["O"] * 4 + ["B-LOC"] + ["O"] * (len(e) - 6),
                "de_tags": ["B-PER"] + ["O"] * (len(g) - 2) + ["B-LOC"],
                "entities": [{"type": "PER", "en": [0], "de": [0]}, {"type": "LOC", "en": [5], "de": [len(g) - 1]}]}
               for e, g in zip(english, german)]
    quality = alignment_quality(records, links, max_gap=1)
    assert quality["exact_image"] >= 95 and quality["projection_f1"] >= 95


# --- the tagging task -------------------------------------------------------------------------

TINY = {"arch": "modernbert", "hidden": 32, "layers": 1, "heads": 2, "ffn_dim": 64, "dropout": 0.0, "max_positions": 64}
TRAIN = {"max_steps": 150, "max_tokens": 400, "accumulation": 1, "lr": 0.005, "warmup_steps": 5,
         "schedule": "inverse_sqrt", "label_smoothing": 0.0, "clip_norm": 1.0, "weight_decay": 0.0,
         "eval_every": 50, "patience": 3, "checkpoint_every": 50, "mixed_precision": "fp32", "average_last": 0}


def tagged_data(n: int):
    """Names and places every tiny vocabulary has, at varying positions."""
    people, places = ["Anna", "Paul", "Maria"], ["Berlin", "Paris", "London"]
    sentences, tags = [], []
    for i in range(n):
        person, place = people[i % 3], places[i // 3 % 3]
        if i % 2:
            sentences.append([person, "sah", "den", "Hund", "in", place, "."])
            tags.append(["B-PER", "O", "O", "O", "O", "B-LOC", "O"])
        else:
            sentences.append(["In", place, "sah", person, "die", "Katze", "."])
            tags.append(["O", "B-LOC", "O", "B-PER", "O", "O", "O"])
    return sentences, tag_ids(tags, LABELS, "test")


@pytest.fixture(scope="module")
def trained(setup, tmp_path_factory):
    root, _, _ = setup
    tokenizer = classifier_tokenizer(root / "tokenizer", TINY["max_positions"])
    sentences, tags = tagged_data(60)
    work = tmp_path_factory.mktemp("ner")

    def run(seed=1, **kwargs):
        seed_everything(seed)
        model = build_tagger(tokenizer, TINY, LABELS)
        result = train_tagger(model, tokenizer, LABELS, (sentences, tags), (sentences[:20], tags[:20]), TRAIN,
                              seed=seed, work_dir=work / f"run{seed}", **kwargs)
        return model, result

    model, result = run()
    save_classifier(model, tokenizer, work / "tagger")
    return SimpleNamespace(model=model, result=result, run=run, tokenizer=tokenizer, folder=work / "tagger",
                           sentences=sentences, tags=tags)


def test_the_trainer_learns_a_tagger_reproducibly(trained):
    assert trained.result.best_dev_score >= 90
    predicted = decode(predict_word_logits(trained.model, trained.tokenizer, trained.sentences[:6]), LABELS)
    assert predicted == [[LABELS[t] for t in tags] for tags in trained.tags[:6]]
    again, _ = trained.run()
    assert all(torch.equal(a, b) for a, b in zip(trained.model.state_dict().values(), again.state_dict().values()))


def test_the_kd_loss_is_the_translation_students_word_kd_on_every_sub_word(trained):
    sentences, tags = trained.sentences[:4], trained.tags[:4]
    rng = np.random.default_rng(0)
    soft = [np.log(rng.dirichlet(np.ones(len(LABELS)), size=len(s)).astype(np.float32)) for s in sentences]
    task = TaggingTask(trained.tokenizer, LABELS, (sentences, tags), (sentences, tags), max_length=64,
                       teacher_log_probs=soft)
    batch = task.collate([0, 1, 2, 3], "cpu")
    logits = trained.model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
    loss = distillation_loss(temperature=2.0, alpha=0.5)(trained.model, batch)
    assert torch.equal(loss, losses.word_kd(logits, batch["teacher_logits"], batch["labels"], temperature=2.0,
                                            alpha=0.5))
    # a word's first sub-word carries its tag, later sub-words the I- form: never a B- inside a word
    first = task.positions[0]
    for word, pieces in enumerate(first):
        assert batch["labels"][0, pieces[0]] == tags[0][word]
        for piece in pieces[1:]:
            assert not LABELS[int(batch["labels"][0, piece])].startswith("B-")


def test_a_tagger_folder_loads_with_pipeline_in_a_clean_python(trained):
    code = ("from transformers import pipeline\n"
            f"tag = pipeline('token-classification', model={str(trained.folder)!r}, aggregation_strategy='simple')\n"
            "print([(e['entity_group'], e['word'].strip()) for e in tag('Anna sah den Hund in Paris .')])\n")
    out = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[('PER', 'Anna'), ('LOC', 'Paris')]"


def test_the_tag_command_tags_stdin_lines_with_offsets_into_the_line(trained):
    lines = "In London sah Maria die Katze.\n\n"
    out = subprocess.run([sys.executable, "-m", "xldistill.tasks.tag", str(trained.folder)], input=lines,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    first, empty = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(e["type"], e["text"]) for e in first["entities"]] == [("LOC", "London"), ("PER", "Maria")]
    assert all(first["text"][e["start"]:e["end"]] == e["text"] for e in first["entities"])
    assert empty == {"text": "", "entities": []}
    bad = subprocess.run([sys.executable, "-m", "xldistill.tasks.tag", str(trained.folder.parent / "nope")],
                         input="x\n", capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0 and "cannot load" in bad.stderr


def test_a_pretrained_folder_gets_a_token_head_for_the_tasks_labels(trained, tmp_path):
    """ner.teacher.init = a folder (offline: a tiny model saved here) gets a head for the task's tags."""
    from xldistill.errors import XldistillError
    from xldistill.tasks.tagging import load_pretrained_tagger

    other = build_tagger(trained.tokenizer, dict(TINY, arch="bert"), ["O", "B-X", "I-X"])
    save_classifier(other, trained.tokenizer, tmp_path / "pretrained")
    model, tokenizer = load_pretrained_tagger(str(tmp_path / "pretrained"), LABELS)
    assert model.config.num_labels == len(LABELS) and model.config.id2label[3] == "B-PER"
    with pytest.raises(XldistillError, match="ner.teacher.init = .* cannot be loaded"):
        load_pretrained_tagger(str(tmp_path / "missing"), LABELS)
