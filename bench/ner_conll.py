"""The NER branch on real data: English CoNLL-2003 → German, scored on GermEval 2014 dev, with
WMT news English–German (the domain of CoNLL-2003) as the parallel bridge.

    python bench/ner_conll.py [--steps 3000] [--keep DIR]

Clones the committed project, brings the three corpora into its corpora/ with `dvc add` (never
into this repo), sets the params below on top of the defaults and runs the stages the NER branch
needs in order (download, clean, vocab, ner_data, ner_teacher, ner_project, the three students,
ner_evaluate). The projection uses the ibm1 aligner and no translate-train, so no translation
model is trained here: the bridge is the 27k news pairs themselves. GermEval has no German train
split, so there is no supervised upper bound. Reports every tagger's GermEval-dev F1, the English
teacher's CoNLL-2003 test F1, the projection's counts, and the share of GermEval entities whose words
the student never saw as an entity in its projected data. Writes bench/results/ner_conll.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import PROJECT, RESULTS, SHARED_CORPORA, clone_with_corpora, report, run_stages  # noqa: E402

CORPORA = ("news-en-de", "conll2003-en", "germeval2014-de")
STAGES = ["download", "clean", "vocab", "ner_data", "ner_teacher", "ner_project", "ner_student kd",
          "ner_student hard", "ner_student supervised", "ner_evaluate"]
# GermEval → CoNLL types: OTH is MISC; derivations (deutsche: LOCderiv) and parts of words
# (EU-Gipfel: ORGpart) are not CoNLL entities, so they become O.
TYPE_MAP = [{"from": "OTH", "to": "MISC"}] + [{"from": f"{kind}{sub}", "to": "O"}
                                             for kind in ("PER", "LOC", "ORG", "OTH") for sub in ("deriv", "part")]


def profile(steps: int, corpora: Path) -> dict:
    params = yaml.safe_load((PROJECT / "params.yaml").read_text())
    params["corpus"].update(source="local")
    params["corpus"]["local"].update(format="text", train=f"{corpora}/news-en-de/train",
                                     dev=f"{corpora}/news-en-de/dev", test=None)
    params["vocab"]["size"] = 8000  # news text: the default 1,500 pieces are made for the grammar corpus
    ner = params["ner"]
    ner.update(source="local", type_map=TYPE_MAP)
    ner["local"].update(source_format="conll", target_format="germeval", scheme="iob2",
                        train=f"{corpora}/conll2003-en/train.txt", dev=f"{corpora}/conll2003-en/valid.txt",
                        test=f"{corpora}/germeval2014-de/dev.tsv")
    ner["project"].update(parallel_lines=30000, translate_train=False)
    for role in ("teacher", "student"):
        ner[role]["train"].update(max_steps=steps, eval_every=max(steps // 6, 1), checkpoint_every=max(steps // 6, 1),
                                  patience=4)
    return params


def unseen_entities(project: Path) -> dict:
    """GermEval entities none of whose words the student's projected data ever tagged as an entity."""
    from xldistill.data.tagged import read_conll, spans

    transfer = read_conll(project / "data" / "ner_transfer" / "train.conll")
    seen = {w for words, tags in zip(transfer.sentences, transfer.tags) for w, t in zip(words, tags) if t != "O"}
    test = read_conll(project / "data" / "ner" / "test.tgt.conll")
    entities = [words[a:b] for words, tags in zip(test.sentences, test.tags) for _, a, b in spans(tags)]
    unseen = sum(not any(w in seen for w in entity) for entity in entities)
    return {"germeval_entities": len(entities), "unseen_share": round(100 * unseen / max(len(entities), 1), 2)}


def english_test_f1(project: Path, test_file: Path) -> float:
    import torch
    from seqeval.metrics import f1_score

    from xldistill.data.tagged import read_conll
    from xldistill.tasks.tagging import decode, load_tagger, predict_word_logits

    torch.set_num_threads(2)
    model, tokenizer = load_tagger(project / "models" / "ner-teacher")
    labels = [model.config.id2label[i] for i in range(model.config.num_labels)]
    test = read_conll(test_file)
    return round(100 * f1_score(test.tags, decode(predict_word_logits(model, tokenizer, test.sentences), labels)), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=3000, help="teacher and student training steps")
    parser.add_argument("--corpora", type=Path, default=SHARED_CORPORA)
    parser.add_argument("--keep", type=Path, help="run in this folder and keep it")
    parser.add_argument("--out", type=Path, default=RESULTS / "ner_conll.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="xldistill-ner-") as tmp:
        project = args.keep or Path(tmp) / "project"
        clone_with_corpora(project, {f"corpora/{name}": args.corpora / name for name in CORPORA})
        (project / "params.yaml").write_text(yaml.safe_dump(profile(args.steps, Path("corpora")), sort_keys=False))
        seconds = run_stages(project, STAGES)
        metrics = json.loads((project / "metrics" / "ner_evaluate.json").read_text())
        projection = json.loads((project / "metrics" / "ner_project.json").read_text())
        teacher_f1 = english_test_f1(project, project / "corpora" / "conll2003-en" / "test.txt")
        rows = [{"tagger": name, "germeval_dev_f1": entry["f1"], "precision": entry["precision"],
                 "recall": entry["recall"], **{f"f1_{kind}": v["f1"] for kind, v in entry["per_type"].items()},
                 "params": entry["params"], "sentences_per_s_batch32": entry["sentences_per_s"]["batch32"]}
                for name, entry in metrics.items() if name != "ratios" and "f1" in entry]
        report(rows, args.out, english_teacher_conll_test_f1=teacher_f1, projection=projection,
               ratios=metrics["ratios"], seconds=seconds, steps=args.steps, **unseen_entities(project))
        print(f"English teacher, CoNLL-2003 test F1: {teacher_f1}; ratios: {metrics['ratios']}")


if __name__ == "__main__":
    main()
