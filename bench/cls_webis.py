"""The classification branch on real data: Webis-CLS-10 books, English train → German test, with WMT news
English–German as the parallel bridge.

    python bench/cls_webis.py [--steps 1000] [--translation-steps N] [--keep DIR]

Clones the committed project, brings the corpora into its corpora/ with `dvc add` (never into this repo),
sets the params below on top of the defaults and runs the stages the classification branch needs in order
(download, clean, vocab, cls_data, cls_teacher, cls_transfer, the three students, cls_quantize,
cls_evaluate). The transfer takes the parallel route (the teacher's soft labels on the English side of the
27k news pairs become the targets of their German side). With --translation-steps N it also trains the
pipeline's two translation models on the news pairs for N steps each (backtranslate's German→English model,
whose synthetic pairs come from the German train reviews' sentences without their labels, and the
English→German teacher), which adds translate-train (the English train reviews translated, sentence by
sentence, keep their labels) and the translate-test row; without it there are neither. The German train
reviews' labels train only the supervised upper bound. Beside every classifier's German test accuracy it
measures what the gap to the published 83.95 % (Xu & Yang 2017) is made of: the English teacher on English
test reviews (what it knows), its confidence on the news bridge against reviews (what its soft labels carry
there), how many of the German test reviews' words the bridge's German side contains against German reviews
(what the student can have learnt) and, with translation models, their BLEU on news and what translate-test
keeps of the teacher's accuracy (their quality on review text). Writes bench/results/cls_webis.json.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import torch
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import PROJECT, RESULTS, SHARED_CORPORA, clone_with_corpora, report, run_stages  # noqa: E402

CORPORA = ("news-en-de", "webis-cls-10")
STAGES = ["download", "clean", "vocab", "cls_data", "cls_teacher", "cls_transfer", "cls_student kd",
          "cls_student hard", "cls_student supervised", "cls_quantize", "cls_evaluate"]
TRANSLATION_STAGES = ["backtranslate", "quantize_reverse", "teacher", "quantize_teacher"]  # after vocab
MONO = "webis-unlabelled/books.train.de"  # in the clone's corpora/: German review sentences, no labels
LABEL_MAP = [{"from": "0", "to": "negative"}, {"from": "1", "to": "positive"}]
WORD = re.compile(r"\w+")


def profile(steps: int, corpora: Path, translation_steps: int = 0) -> dict:
    params = yaml.safe_load((PROJECT / "params.yaml").read_text())
    params["corpus"].update(source="local")
    params["corpus"]["local"].update(format="text", train=f"{corpora}/news-en-de/train",
                                     dev=f"{corpora}/news-en-de/dev", test=None,
                                     mono=f"{corpora}/{MONO}" if translation_steps else None)
    params["vocab"]["size"] = 8000  # real text: the default 1,500 pieces are made for the grammar corpus
    for stage in ("backtranslate", "teacher") if translation_steps else ():
        # the defaults' model sizes; more steps and tokens a step for real text
        params[stage]["train"].update(max_steps=translation_steps, max_tokens=4096,
                                      eval_every=max(translation_steps // 5, 1))
    webis = f"{corpora}/webis-cls-10"
    classify = params["classify"]
    classify.update(source="local", label_map=LABEL_MAP, dev_size=200)
    classify["local"].update(format="tsv", train=f"{webis}/en/books.train.txt", dev=None,
                             test=f"{webis}/de/books.test.txt", target_train=f"{webis}/de/books.train.txt",
                             target_dev=None)
    # every news pair; translate-train needs the translation teacher
    classify["transfer"].update(parallel_lines=30000, translate_train=bool(translation_steps))
    for role in ("teacher", "student"):
        classify[role]["model"]["max_positions"] = 256  # reviews run to hundreds of pieces; news lines are short
        classify[role]["train"].update(max_steps=steps, eval_every=max(steps // 5, 1),
                                       checkpoint_every=max(steps // 5, 1), patience=3)
    return params


def english_teacher(project: Path, test_file: Path) -> dict:
    """The English teacher on English test reviews: its accuracy (what it knows) and mean top probability."""
    from xldistill.data.labelled import read_tsv
    from xldistill.tasks.classification import load_classifier, predict_logits

    model, tokenizer = load_classifier(project / "models" / "cls-teacher")
    test = read_tsv(test_file)
    gold = torch.tensor([model.config.label2id[{m["from"]: m["to"] for m in LABEL_MAP}[label]] for label in test.labels])
    probs = predict_logits(model, tokenizer, test.texts).softmax(-1)
    return {"english_teacher_english_test_accuracy": round(100 * float((probs.argmax(-1) == gold).float().mean()), 2),
            "mean_top_probability_on_english_reviews": round(float(probs.max(-1).values.mean()), 3)}


def teacher_confidence(project: Path) -> dict:
    """The teacher's mean top probability on the news bridge (its soft labels for the student) and its label mix."""
    logits = torch.from_numpy(np.load(project / "data" / "cls_transfer" / "train.logits.npy"))
    probs = logits.softmax(-1)
    labels = json.loads((project / "data" / "cls" / "labels.json").read_text())
    mix = Counter(labels[i] for i in probs.argmax(-1).tolist())
    return {"mean_top_probability_on_bridge": round(float(probs.max(-1).values.mean()), 3),
            "bridge_label_share": {label: round(100 * mix[label] / len(probs), 1) for label in labels}}


def sentiment_words_in_bridge(reviews, bridge: Counter, top: int = 100, min_count: int = 10) -> dict:
    """The German words that most separate positive from negative train reviews (smoothed log-odds; these
    labels serve this diagnostic only, never training): how many occur at least 5 times in the bridge's
    German side, where the student could learn what the teacher says of them."""
    counts = {label: Counter() for label in set(reviews.labels)}
    for text, label in zip(reviews.texts, reviews.labels):
        counts[label].update(set(WORD.findall(text.lower())))
    negative, positive = (counts[label] for label in sorted(counts))  # "0", "1"
    totals = sum(negative.values()), sum(positive.values())
    frequent = [w for w in negative.keys() | positive.keys() if negative[w] + positive[w] >= min_count]

    def log_odds(word: str) -> float:
        return math.log((positive[word] + 1) / totals[1]) - math.log((negative[word] + 1) / totals[0])

    ranked = sorted(sorted(frequent), key=log_odds)  # ties in alphabetical order: the same list every run
    out = {}
    for name, words in (("negative", ranked[:top]), ("positive", ranked[-top:])):
        out[f"top{top}_{name}_words_in_bridge"] = sum(bridge[w] >= 5 for w in words)
        out[f"{name}_word_examples"] = words[:8] if name == "negative" else words[::-1][:8]
    return out


def word_counts(texts: list[str]) -> Counter:
    return Counter(w for text in texts for w in WORD.findall(text.lower()))


def word_coverage(test_texts: list[str], *, bridge: Counter, reviews: list[str]) -> dict:
    """Share of the German test reviews' word tokens (lowercased) that occur in the bridge's German side,
    and in the German train reviews (an in-domain text of about the same size, for scale)."""
    tokens = [w for text in test_texts for w in WORD.findall(text.lower())]
    out = {}
    for name, known in (("bridge_german", bridge), ("german_train_reviews", word_counts(reviews))):
        out[f"test_tokens_in_{name}"] = round(100 * sum(w in known for w in tokens) / len(tokens), 2)
    return out


def write_review_sentences(reviews: list[str], path: Path) -> None:
    """The German train reviews' sentences, one a line and without their labels: the target-side
    monolingual text backtranslate turns into synthetic pairs (in-domain text for both translation models)."""
    from xldistill.translation.segments import segmenter, split_text

    sentences = segmenter("de")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{s}\n" for review in reviews for s in split_text(review, sentences) if s))


def translation_quality(project: Path, metrics: dict, measured: dict) -> dict:
    """How good the bridge's translation models are: BLEU on held-out news (their own domain), and on review
    text the share of the English teacher's English-test accuracy that survives translate-test."""
    teacher = json.loads((project / "metrics" / "teacher.json").read_text())
    reverse = json.loads((project / "metrics" / "backtranslate.json").read_text())
    translate_test = metrics["translate_test"]["accuracy"]
    return {"en_de_news_test_bleu": teacher["test"]["bleu"], "en_de_news_dev_bleu": teacher["dev"]["bleu"],
            "de_en_news_dev_bleu": reverse["reverse_dev_bleu"], "synthetic_pairs": reverse["synthetic_pairs"],
            "translate_test_accuracy": translate_test,
            "translate_test_over_english_teacher_on_english": round(
                translate_test / measured["english_teacher_english_test_accuracy"], 3),
            "seconds": {"reverse": reverse["reverse_train_seconds"], "teacher": teacher["train_seconds"]}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1000, help="teacher and student training steps")
    parser.add_argument("--translation-steps", type=int, default=0,
                        help="train the two news translation models this many steps each (0: none)")
    parser.add_argument("--corpora", type=Path, default=SHARED_CORPORA)
    parser.add_argument("--keep", type=Path, help="run in this folder and keep it")
    parser.add_argument("--out", type=Path, default=RESULTS / "cls_webis.json")
    args = parser.parse_args()
    from xldistill.data.labelled import read_tsv

    torch.set_num_threads(2)
    with tempfile.TemporaryDirectory(prefix="xldistill-webis-") as tmp:
        project = args.keep or Path(tmp) / "project"
        clone_with_corpora(project, {f"corpora/{name}": args.corpora / name for name in CORPORA})
        params = profile(args.steps, Path("corpora"), args.translation_steps)
        (project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
        webis = project / "corpora" / "webis-cls-10"
        german_reviews = read_tsv(webis / "de" / "books.train.txt")
        stages = STAGES
        if args.translation_steps:
            write_review_sentences(german_reviews.texts, project / "corpora" / MONO)
            stages = STAGES[:3] + TRANSLATION_STAGES + STAGES[3:]
        seconds = run_stages(project, stages)
        metrics = json.loads((project / "metrics" / "cls_evaluate.json").read_text())
        german_test = read_tsv(webis / "de" / "books.test.txt").texts
        bridge = word_counts((project / "data" / "clean" / "train.tgt").read_text().splitlines())
        measured = {
            **english_teacher(project, webis / "en" / "books.test.txt"),
            **teacher_confidence(project),
            **word_coverage(german_test, bridge=bridge, reviews=german_reviews.texts),
            **sentiment_words_in_bridge(german_reviews, bridge),
            # how well the German students reproduce the teacher's labels on held-out bridge lines
            "students_agree_with_teacher_on_bridge_dev": {
                kind: json.loads((project / "metrics" / f"{name}.json").read_text())["best_dev_accuracy"]
                for kind, name in (("kd", "cls_student"), ("hard", "cls_student_hard"))},
            "transfer": json.loads((project / "metrics" / "cls_transfer.json").read_text()),
        }
        if args.translation_steps:
            measured["translation"] = translation_quality(project, metrics, measured)
        rows = [{"classifier": name, "german_test_accuracy": entry["accuracy"], "macro_f1": entry["macro_f1"],
                 "params": entry["params"], "size_mb": round(entry["size_bytes"] / 1e6, 2),
                 "texts_per_s_batch1": entry["texts_per_s"]["batch1"],
                 "texts_per_s_batch32": entry["texts_per_s"]["batch32"]}
                for name, entry in metrics.items() if name != "ratios" and "accuracy" in entry]
        report(rows, args.out, published_xu_yang_2017=83.95, steps=args.steps,
               translation_steps=args.translation_steps, ratios=metrics["ratios"],
               seconds=seconds, **measured)
        print(json.dumps(measured, indent=1))


if __name__ == "__main__":
    main()
