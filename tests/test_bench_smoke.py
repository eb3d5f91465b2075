"""Each benchmark script runs end to end on the tiny pipeline and writes its JSON
(the real runs are too slow for CI; bench/README.md has their tables)."""

import json
import shutil
import subprocess
import sys

import pytest

from conftest import PROJECT


def bench(script: str, *args, table: str = "|") -> dict:
    out = args[args.index("--out") + 1]
    result = subprocess.run([sys.executable, str(PROJECT / "bench" / script), *map(str, args)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert table in result.stdout
    return json.loads(open(out).read())


@pytest.mark.slow
def test_inference_speed(tiny_pipeline, tmp_path):
    results = bench("inference_speed.py", "--models", tiny_pipeline / "models", "--data", tiny_pipeline / "data/clean",
                    "--sentences", 6, "--threads", 1, 2, "--batches", 4, "--beams", 1, "--out", tmp_path / "s.json")
    models = {row["model"] for row in results["rows"]}
    assert models == {"teacher", "student", "student_int8_torch", "student_int8_ct2", "student_int8_ct2_intra"}
    assert all(row["sentences_per_s"] > 0 for row in results["rows"]) and "cores" in results["machine"]
    assert [r["speedup_over_teacher"] for r in results["rows"] if r["model"] == "teacher"] == [1.0, 1.0]


@pytest.mark.slow
def test_engine_parity(tiny_pipeline, tmp_path):
    results = bench("engine_parity.py", "--project", tiny_pipeline, "--beams", 1, "--out", tmp_path / "p.json")
    rows = {row["model"]: row for row in results["rows"]}
    assert set(rows) == {"teacher", "student", "baseline", "reverse"}
    assert all(row["start_row_norm"] == 0.0 and row["sentences"] == 40 for row in rows.values())
    assert all(row["identical"] == 40 for row in rows.values())  # greedy: the same model in both engines


@pytest.mark.slow
def test_trainer_throughput(tiny_pipeline, tmp_path):
    results = bench("trainer_throughput.py", "--steps", 3, "--rounds", 2, "--profile",
                    "--params", tiny_pipeline / "params.yaml", "--models", tiny_pipeline / "models",
                    "--data", tiny_pipeline / "data", "--out", tmp_path / "t.json")
    speeds = {row["trainer"]: row["target_tokens_per_s"] for row in results["rows"]}
    assert set(speeds) == {"plain loop", "xldistill trainer", "Seq2SeqTrainer", "xldistill trainer + word-level KD"}
    assert all(speed > 0 for speed in speeds.values()) and results["word_kd_time_ratio"] > 0
    assert len(results["trainer_vs_plain_loop_per_round"]) == 2
    operators = {row["operator"] for row in results["profile"]["top_operators"]}
    assert "aten::addmm" in operators or "aten::mm" in operators  # the linear layers: where training time goes


@pytest.mark.slow
def test_pipeline_cost(tiny_pipeline, tmp_path):
    results = bench("pipeline_cost.py", "--project", tiny_pipeline, "--out", tmp_path / "c.json")
    rows = {(row["run"], row["stage"]): row for row in results["rows"]}
    assert ("cold dvc repro", "teacher") in rows and rows[("cold dvc repro", "total")]["wall_s"] > 0
    assert rows[("cold dvc repro", "teacher")]["peak_rss_mib"] > 50
    (reran,) = [stage for run, stage in rows if run == "dvc exp run -S temp=4"]  # the tiny config is seq+word
    assert set(reran.split(" + ")) == {"distill", "quantize", "evaluate", "significance", "cls_student",
                                      "cls_quantize", "cls_evaluate"}
    assert (tmp_path / "c.dvc.lock").exists()


@pytest.mark.slow
def test_temp_sweep(tiny_pipeline, tmp_path):
    results = bench("temp_sweep.py", "--project", tiny_pipeline, "--temps", 1, 3, "--out", tmp_path / "w.json")
    assert [(row["temp"], row["alpha"]) for row in results["rows"]] == [(1.0, 0.5), (3.0, 0.5)]
    assert all(isinstance(row["student_bleu"], float) for row in results["rows"])
    assert (tmp_path / "w.csv").read_text().startswith("experiment,mode,temp,alpha,student_dev_bleu,student_bleu")


@pytest.mark.slow
def test_kd_ablation(tiny_pipeline, tmp_path):
    results = bench("kd_ablation.py", "--project", tiny_pipeline, "--variants", "live", "topk",
                    "--out", tmp_path / "a.json")
    rows = {row["variant"]: row for row in results["rows"]}
    assert set(rows) == {"live", "topk"} and rows["live"]["teacher_bleu"] == rows["topk"]["teacher_bleu"]
    assert all(row["kd_gain"] == round(row["student_bleu"] - row["baseline_bleu"], 2) for row in rows.values())
    assert all(row["step_cost_vs_baseline"] > 0 for row in rows.values())
    # a profile's own variant, run only up to the students; --reuse keeps the experiment above as it is
    again = bench("kd_ablation.py", "--project", tiny_pipeline, "--variants", "live", "--extra", "t3:temp=3",
                  "--stages", "distill", "baseline", "--reuse", "--out", tmp_path / "b.json")
    rows_again = {row["variant"]: row for row in again["rows"]}
    assert rows_again["live"] == rows["live"]  # a rerun would time its training anew
    assert rows_again["t3"]["what"] == "temp=3" and again["overrides"]["t3"] == ["temp=3"]
    assert rows_again["t3"]["teacher_bleu"] == rows["live"]["teacher_bleu"]
    assert again["stages"] == ["distill", "baseline"]


@pytest.mark.slow
def test_seeds(tmp_path):
    from conftest import tiny_params, write_params

    write_params(tmp_path, tiny_params())
    results = bench("seeds.py", "--seeds", 5, "--params", tmp_path / "params.yaml", "--out", tmp_path / "s.json",
                    "--keep", tmp_path / "kept")
    (row,) = results["rows"]
    kept = json.loads((tmp_path / "kept" / "seed-5" / "metrics" / "evaluate.json").read_text())
    assert kept["student"]["bleu"] == row["student"]  # the seed's project stays for later sweeps
    assert row["seed"] == 5 and row["kd_gain"] == round(row["student"] - row["baseline"], 2)
    assert row["cold_repro_min"] > 0 and results["summary"]["kd_gain_min"] == row["kd_gain"]
    assert isinstance(row["student_dev_climb_last_eval"], float)
    assert row["cls_kd_minus_hard"] == round(row["cls_student"] - row["cls_student_hard"], 2)
    assert 0 <= row["cls_supervised"] <= 100
    assert results["summary"]["cls_kd_minus_hard_mean"] == row["cls_kd_minus_hard"]
    # the gain's interval is the significance stage's (same draws); one seed's mean is that seed
    stage = json.loads((tmp_path / "kept" / "seed-5" / "metrics" / "significance.json").read_text())["kd_gain"]
    assert row["kd_gain_ci95"] == stage["ci95"] and row["kd_gain_share_better"] == stage["share_a_better"]
    assert results["summary"]["kd_gain_mean_ci95"] == row["kd_gain_ci95"]
    significance = json.loads((tmp_path / "kept" / "seed-5" / "metrics" / "significance.json").read_text())
    for task in ("cls", "ner"):
        # the same difference (NER: seqeval's F1 and the sum of entity counts may round apart by 0.01)
        assert row[f"{task}_kd_minus_hard"] == pytest.approx(significance[f"{task}_kd_gain"]["difference"], abs=0.011)
        assert row[f"{task}_kd_minus_hard_ci95"] == significance[f"{task}_kd_gain"]["ci95"]
        assert results["summary"][f"{task}_kd_minus_hard_mean_ci95"] == row[f"{task}_kd_minus_hard_ci95"]
    # --reuse reports the kept project without running it again
    reused = bench("seeds.py", "--seeds", 5, "--keep", tmp_path / "kept", "--reuse", "--out", tmp_path / "r.json")
    assert reused["rows"][0]["cold_repro_min"] is None
    assert {**reused["rows"][0], "cold_repro_min": row["cold_repro_min"]} == row
    # a project kept before ner_evaluate wrote its predictions: no NER interval, the rest as before
    shutil.rmtree(tmp_path / "kept" / "seed-5" / "metrics" / "ner_predictions")
    older = bench("seeds.py", "--seeds", 5, "--keep", tmp_path / "kept", "--reuse", "--out", tmp_path / "o.json")
    assert older["rows"][0]["ner_kd_minus_hard_ci95"] is None and older["summary"]["ner_kd_minus_hard_mean_ci95"] is None
    assert older["rows"][0]["cls_kd_minus_hard_ci95"] == row["cls_kd_minus_hard_ci95"]


@pytest.mark.slow
def test_variant_seeds(tmp_path):
    from conftest import tiny_params, write_params

    write_params(tmp_path, tiny_params())
    args = ("variant_seeds.py", "--seeds", 5, "--params", tmp_path / "params.yaml", "--workdir", tmp_path / "clones",
            "--variant", "t1", "temp=1", "--variant", "t3", "temp=3")
    results = bench(*args, "--out", tmp_path / "v.json")
    rows = {row["variant"]: row for row in results["rows"]}
    assert set(rows) == {"t1", "t3"} and all(row["seed"] == 5 for row in rows.values())
    assert rows["t1"]["teacher"] == rows["t3"]["teacher"] and rows["t1"]["baseline"] == rows["t3"]["baseline"]
    assert all(row["kd_gain"] == round(row["student"] - row["baseline"], 2) for row in rows.values())
    assert results["summary"]["t3"]["kd_gain_min"] == rows["t3"]["kd_gain"] and results["variants"]["t3"] == ["temp=3"]
    assert not (tmp_path / "clones" / "seed-5" / "models" / "student-ct2").exists()  # up to the students only
    # the kept clone: every variant comes back from DVC's run cache, the same numbers
    again = bench(*args, "--out", tmp_path / "w.json")
    strip = lambda row: {k: v for k, v in row.items() if k != "repro_s"}  # noqa: E731
    assert [strip(row) for row in again["rows"]] == [strip(row) for row in results["rows"]]


@pytest.mark.slow
def test_cls_kd_sweep(tiny_pipeline, tmp_path):
    results = bench("cls_kd_sweep.py", "--project", tiny_pipeline, "--points", "hard", "0.5:2", "--steps", 3,
                    "--seeds", 1, 2, "--parallel-lines", 50, "--routes", "all", "translate_train",
                    "--schedule", "cosine", "--out", tmp_path / "k.json")
    assert results["schedule"] == "cosine" and results["steps"] == 3
    rows, by_route = results["rows"][:6], results["rows"][6:]
    assert [(row["point"], row["seed"]) for row in rows] == [("hard", 1), ("hard", 2), ("hard", "mean"),
                                                            ("0.5:2", 1), ("0.5:2", 2), ("0.5:2", "mean")]
    assert all(0 <= row["german_test_accuracy"] <= 100 for row in rows)
    assert rows[2]["german_test_accuracy"] == round((rows[0]["german_test_accuracy"]
                                                     + rows[1]["german_test_accuracy"]) / 2, 2)
    # --parallel-lines 50: the first 50 parallel lines and every translated one of the training split
    routes = (tiny_pipeline / "data" / "cls_transfer" / "train.route").read_text().split()
    assert routes.count("parallel") > 50
    assert {row["train_lines"] for row in rows} == {50 + routes.count("translate_train")}
    # --routes translate_train: the translated English train texts alone
    assert {row["route"] for row in by_route} == {"translate_train"} and len(by_route) == 6
    assert {row["train_lines"] for row in by_route} == {routes.count("translate_train")}
    # --hidden: narrower students, their parameters against the teacher's
    narrow = bench("cls_kd_sweep.py", "--project", tiny_pipeline, "--points", "hard", "--steps", 1, "--hidden", 16, 8,
                   "--out", tmp_path / "w.json")
    widths = narrow["rows"]
    assert [row["hidden"] for row in widths] == [16, 8] and widths[0]["params"] > widths[1]["params"]
    assert all(row["teacher_over_student_params"] == round(narrow["teacher_params"] / row["params"], 2)
               for row in widths)


def test_cls_encoder(setup, tmp_path):
    from conftest import tiny_params, write_params

    root, _, _ = setup
    write_params(tmp_path, tiny_params())
    results = bench("cls_encoder.py", "--steps", 4, "--params", tmp_path / "params.yaml",
                    "--tokenizer", root / "tokenizer", "--out", tmp_path / "e.json")
    rows = {(row["size"], row["arch"]): row for row in results["rows"]}
    assert set(rows) == {(size, arch) for size in ("teacher", "student") for arch in ("bert", "modernbert")}
    assert all(0 <= row["english_dev_accuracy"] <= 100 and row["train_texts_per_s"] > 0 for row in rows.values())
    assert rows["teacher", "bert"]["params"] > rows["student", "bert"]["params"]


@pytest.mark.slow
def test_clean_scale(tmp_path):
    results = bench("clean_scale.py", "--train-size", 3000, "--out", tmp_path / "k.json", table="peak RSS MiB")
    assert results["train_size"] == 3000 and results["clean"]["wall_s"] > 0


@pytest.mark.slow
def test_multi30k_on_a_corpus_in_its_layout(tmp_path):
    from conftest import tiny_params, write_params
    from models_fixtures import tiny_corpus
    from xldistill.data.textio import read_lines

    corpus = tiny_corpus(tmp_path / "builtin", train_size=1200)
    layout = tmp_path / "multi30k-en-de"
    layout.mkdir()
    for split, name in (("train", "train"), ("dev", "val"), ("test", "test2016")):
        src, tgt = corpus[split]
        (layout / f"{name}.en").write_text("".join(line + "\n" for line in src))
        (layout / f"{name}.de").write_text("".join(line + "\n" for line in tgt))
    (layout / "mono.en").write_text("".join(line + "\n" for line in read_lines(tmp_path / "builtin" / "mono.src")))
    profile = tiny_params(source="local")
    write_params(tmp_path, profile)
    results = bench("multi30k.py", "--profile", tmp_path / "params.yaml", "--corpus", layout,
                    "--set", "distill.train.schedule=inverse_sqrt", "--out", tmp_path / "m.json")
    assert [row["model"] for row in results["rows"]] == ["teacher", "baseline", "student", "student_int8",
                                                         "teacher_ct2", "baseline_ct2", "student_ct2"]
    assert all(0 <= row["bleu_lc_13a"] <= 100 for row in results["rows"])
    assert "lc" in results["signatures"]["bleu_lc_13a"] and "met" in results["targets"]
    low, high = results["targets"]["kd_gain_ci95"]  # the significance stage ran in the profile's project
    assert isinstance(low, float) and low <= high
    assert 0 < results["forward_translated"]["available"] <= 150  # mono.en, forward-translated for the student
    assert set(results["training"]) == {"teacher", "student", "baseline"}
    for model, run in results["training"].items():  # the curves, to compare profiles without their projects
        assert run["train_seconds"] > 0 and run["best_step"] in run["curve"]["step"], model
        assert len(run["curve"]["dev_bleu"]) == len(run["curve"]["step"]) > 0, model
    # --set reached the run: the tiny profile's cosine would end the students at learning rate 0
    assert results["overrides"] == ["distill.train.schedule=inverse_sqrt"]
    assert float(results["training"]["baseline"]["curve"]["lr"][-1]) > 0


@pytest.mark.slow
def test_ner_alignment(tiny_pipeline, tmp_path):
    results = bench("ner_alignment.py", "--project", tiny_pipeline, "--aligners", "ibm1", "attention",
                    "--out", tmp_path / "a.json")
    rows = {row["aligner"]: row for row in results["rows"]}
    assert set(rows) == {"ibm1", "attention"} and results["gold_pairs"] == 30
    assert rows["ibm1"]["same_links_every_run"] and rows["attention"]["same_links_every_run"]
    assert all(0 <= row["projection_f1"] <= 100 and row["entities"] > 0 for row in rows.values())


@pytest.mark.slow
def test_cls_onnx(tiny_pipeline, tmp_path):
    results = bench("cls_onnx.py", "--project", tiny_pipeline, "--speed-texts", 8, "--repeats", 1,
                    "--out", tmp_path / "o.json")
    rows = {row["variant"]: row for row in results["rows"]}
    assert len(rows) == 5 and rows["teacher, PyTorch fp32"]["over_teacher_batch1"] == 1.0
    # the exported student classifies as the PyTorch one does (same weights, float32; an untrained tiny
    # model's near-tied logits may flip a text or two between the two runtimes' arithmetic)
    assert abs(rows["student, ONNX Runtime fp32"]["accuracy"] - rows["student, PyTorch fp32"]["accuracy"]) <= 5
    assert all(row["texts_per_s_batch1"] > 0 and row["texts_per_s_batch32"] > 0 for row in rows.values())


@pytest.mark.slow
def test_cls_translate_test(tiny_pipeline, tmp_path):
    results = bench("cls_translate_test.py", "--project", tiny_pipeline, "--speed-texts", 4,
                    "--out", tmp_path / "t.json")
    rows = {row["engine"]: row for row in results["rows"]}
    assert set(rows) == {"transformers fp32", "CTranslate2 float32", "CTranslate2 int8"} and results["texts"] == 40
    assert rows["transformers fp32"]["same_translation_as_transformers"] == 100
    # float32 CTranslate2 runs the very model transformers runs (bench/engine_parity.py): the same English but
    # where a tiny model's beam hypotheses tie within the two runtimes' arithmetic
    assert rows["CTranslate2 float32"]["same_translation_as_transformers"] >= 95
    assert abs(rows["CTranslate2 float32"]["accuracy"] - rows["transformers fp32"]["accuracy"]) <= 5
    assert all(row["texts_per_s_batch1"] > 0 and row["texts_per_s_batch32"] > 0 for row in rows.values())


@pytest.mark.slow
def test_stored_kd_cost(tiny_pipeline, tmp_path):
    results = bench("stored_kd_cost.py", "--project", tiny_pipeline, "--steps", 3, "--rounds", 2, "--repeats", 1,
                    "--temperature", 2, "--out", tmp_path / "k.json")
    rows = {row["loss"]: row for row in results["rows"]}
    now = "stored KD, losses.stored_word_kd (now)"
    assert set(rows) == {"cross-entropy (baseline)", "stored KD, terms apart on masked copies (before)", now}
    assert results["temperature"] == 2.0
    assert rows["cross-entropy (baseline)"]["step_cost_vs_baseline"] == 1.0
    assert all(row["target_tokens_per_s"] > 0 and row["loss alone ms, multi30k"] > 0 for row in rows.values())
    assert results["target"]["measured"] == rows[now]["step_cost_vs_baseline"]
