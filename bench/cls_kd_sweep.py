"""The classification student's KD settings, side by side: alpha × temperature, plus the
hard-label student, on the working tree's transfer data (run `dvc repro cls_transfer` first).

    python bench/cls_kd_sweep.py --points 0.5:1 0.9:2 1.0:2 --seeds 1234
    python bench/cls_kd_sweep.py --points hard 0.5:1 --parallel-lines 20000 3000 0 --seeds 1 2 3
    python bench/cls_kd_sweep.py --points hard 0.5:1 --routes all parallel translate_train
    python bench/cls_kd_sweep.py --points hard 0.5:1 --hidden 64 48 32
    python bench/cls_kd_sweep.py --points hard 0.5:1 --seeds 1 2 3 --schedule cosine

Each point trains the default student (classify.student) from the same initialisation on
data/cls_transfer and scores the German test set (data/cls/test.tgt.tsv). ``hard`` is the
hard-label student. ``--parallel-lines`` keeps only the first N lines of the parallel route (all
translated ones stay), as a smaller `classify.transfer.parallel_lines` would; ``--routes`` trains on the
lines of one route only (what each route of the transfer buys); ``--hidden`` trains narrower or wider
students (feed-forward 4× the width; each row gives its parameters and the teacher's over them).
Writes bench/results/cls_kd_sweep.json.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import PROJECT, RESULTS, report  # noqa: E402
from xldistill.params import load_params  # noqa: E402
from xldistill.tasks.classification import (build_classifier, classifier_tokenizer, distillation_loss,  # noqa: E402
                                            load_classifier, predict_logits, train_classifier)
from xldistill.translation.models import count_parameters  # noqa: E402
from xldistill.tasks.cls_io import label_ids, read_labels, read_set, read_transfer  # noqa: E402
from xldistill.training.trainer import seed_everything  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", nargs="+", default=["hard", "0.5:1", "0.9:1", "0.9:2", "1.0:2", "0.9:4"],
                        help="alpha:temperature, or hard")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1234])
    parser.add_argument("--parallel-lines", type=int, nargs="+", default=[None],
                        help="transfer sets to compare: the first N parallel-route lines (default: all)")
    parser.add_argument("--routes", nargs="+", default=["all"],
                        help="transfer sets to compare: all, or one route (parallel, translate_train, direct)")
    parser.add_argument("--hidden", type=int, nargs="+", default=[None],
                        help="student widths to compare (default: classify.student.model.hidden)")
    parser.add_argument("--steps", type=int, help="student steps (default: classify.student.train.max_steps)")
    parser.add_argument("--schedule", choices=("inverse_sqrt", "cosine"),
                        help="the students' learning-rate schedule (default: classify.student.train.schedule)")
    parser.add_argument("--project", type=Path, default=PROJECT)
    parser.add_argument("--out", type=Path, default=RESULTS / "cls_kd_sweep.json")
    args = parser.parse_args()
    params = load_params(args.project / "params.yaml")
    cfg = params["classify"]["student"]
    train_cfg = dict(cfg["train"], max_steps=args.steps or cfg["train"]["max_steps"],
                     schedule=args.schedule or cfg["train"]["schedule"])
    labels = read_labels(args.project / "data" / "cls")
    transfer = read_transfer("train", labels, args.project / "data" / "cls_transfer")
    routes = (args.project / "data" / "cls_transfer" / "train.route").read_text().split()
    dev_texts, dev_labels, _ = read_transfer("dev", labels, args.project / "data" / "cls_transfer")
    test = read_set("test", args.project / "data" / "cls")
    gold = label_ids(test, labels, "test.tgt.tsv")
    tokenizer = classifier_tokenizer(args.project / "models" / "tokenizer", cfg["model"]["max_positions"])
    teacher_params = count_parameters(load_classifier(args.project / "models" / "cls-teacher")[0])
    rows = []
    for route in args.routes:
        for parallel_lines in args.parallel_lines:
            train = transfer_subset(transfer, routes, parallel_lines, only=None if route == "all" else route)
            for hidden in args.hidden:
                model_cfg = cfg["model"] if hidden is None else dict(cfg["model"], hidden=hidden, ffn_dim=4 * hidden)
                for point in args.points:
                    rows += sweep_point(point, args.seeds, parallel_lines, model_cfg=model_cfg, train_cfg=train_cfg,
                                        labels=labels, tokenizer=tokenizer, train=train, dev=(dev_texts, dev_labels),
                                        test=(test.texts, gold), route=route, teacher_params=teacher_params)
    report(rows, args.out, steps=train_cfg["max_steps"], schedule=train_cfg["schedule"], seeds=args.seeds,
           test_texts=len(gold), teacher_params=teacher_params)


def transfer_subset(transfer, routes: list[str], limit: int | None, only: str | None = None):
    """The transfer set with only the first `limit` lines of the parallel route (None: all), and only the
    lines of route `only` (None: every route)."""
    texts, labels, logits = transfer
    if limit is None and only is None:
        return texts, labels, logits
    keep, seen = [], 0
    for i, route in enumerate(routes):
        if only is not None and route != only:
            continue
        if route == "parallel" and limit is not None:
            seen += 1
            if seen > limit:
                continue
        keep.append(i)
    return [texts[i] for i in keep], [labels[i] for i in keep], logits[keep]


def sweep_point(point: str, seeds: list[int], parallel_lines, *, model_cfg, train_cfg, labels, tokenizer, train, dev,
                test, route: str = "all", teacher_params: int) -> list[dict]:
    train_texts, train_labels, teacher_logits = train
    rows, accuracies = [], []
    for seed in seeds:
        seed_everything(seed)
        model = build_classifier(tokenizer, model_cfg, labels)
        kd = point != "hard"
        alpha, temperature = (float(x) for x in point.split(":")) if kd else (0.0, 1.0)
        with tempfile.TemporaryDirectory() as work:
            result = train_classifier(
                model, tokenizer, train_texts, train_labels, *dev, train_cfg, seed=seed,
                work_dir=Path(work), name=point, teacher_logits=teacher_logits if kd else None,
                loss_fn=distillation_loss(temperature=temperature, alpha=alpha) if kd else None)
        test_texts, gold = test
        predicted = predict_logits(model, tokenizer, test_texts).argmax(-1).tolist()
        accuracy = round(100 * sum(p == g for p, g in zip(predicted, gold)) / len(gold), 2)
        accuracies.append(accuracy)
        size = {"hidden": model_cfg["hidden"], "params": count_parameters(model),
                "teacher_over_student_params": round(teacher_params / count_parameters(model), 2)}
        rows.append({"route": route, "parallel_lines": parallel_lines, "train_lines": len(train_texts), **size, "point": point,
                     "alpha": alpha if kd else None, "temperature": temperature if kd else None, "seed": seed,
                     "transfer_dev_accuracy": result.best_dev_score, "german_test_accuracy": accuracy})
        print(rows[-1], file=sys.stderr, flush=True)
    if len(seeds) > 1:
        rows.append({"route": route, "parallel_lines": parallel_lines, "train_lines": len(train_texts), **size, "point": point,
                     "seed": "mean", "german_test_accuracy": round(statistics.mean(accuracies), 2)})
    return rows


if __name__ == "__main__":
    main()
