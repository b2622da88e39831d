"""The benchmark script runs and reports every field (speed is the script's business, never asserted here)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from bench.corpus import plain_paragraph, read_articles
from tests.conftest import ROOT

STAGES = ("ingest", "normalize", "layout repair", "articles", "sentences", "extract", "write")
PEERS = ("jieba.posseg", "JioNLP money+time", "tokenizer+NER")

TAGGED = (
    "19980101-01-001-001/m  迈向/v  充满/v  希望/n  的/u  新/a  世纪/n\n"
    "19980101-01-001-002/m  １２月/t  ３１日/t  ，/w  [中央/n  电视台/n]nt  播出/v  。/w  \n"
    "\n"
    "19980102-02-003-001/m  本报/r  北京/ns  １月/t  １日/t  讯/Ng  \n"
)


def test_tagged_lines_become_the_text_as_printed():
    assert plain_paragraph("19980101-01-001-002/m  １２月/t  ，/w  [中央/n  电视台/n]nt  播出/v") == (
        "19980101-01-001-002", "１２月，中央电视台播出")


def test_articles_are_the_paragraphs_between_blank_lines(tmp_path):
    path = tmp_path / "199801.utf8.txt"
    path.write_text(TAGGED, encoding="utf-8")
    first, second = read_articles(path)
    assert first.article_id == "19980101-01-001" and first.pub_date == "1998-01-01"
    assert first.paragraphs == ["迈向充满希望的新世纪", "１２月３１日，中央电视台播出。"]
    assert second.page_id == "19980102-02" and second.paragraphs == ["本报北京１月１日讯"]


def test_a_quick_run_on_the_sample_pages_reports_every_field(tmp_path):
    result_path = tmp_path / "bench.json"
    # an empty shared-data folder: the corpus falls back to the committed sample pages
    env = {**os.environ, "PIPELINE_SHARED_DATA": str(tmp_path / "no-shared-data")}
    done = subprocess.run([sys.executable, "-m", "bench", "--quick", "--json", str(result_path)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    result = json.loads(result_path.read_text(encoding="utf-8"))
    assert result["corpus"]["source"] == "samples" and result["corpus"]["n_chars"] > 20_000
    for key in ("cpu_model", "cpus", "memory_gib", "date_utc", "load_average_start", "load_average_end"):
        assert result["machine"][key], key
    pipeline = result["pipeline"]
    assert pipeline["n_documents"] == 2 and pipeline["n_errors"] == 0 and pipeline["n_entities"] > 0
    for stage in STAGES:  # every stage was seen inside the flow run
        assert pipeline["stages"][stage]["calls"] > 0 and pipeline["stages"][stage]["chars_per_s"] > 0, stage
    for key in ("wall_s", "cpu_s", "chars_per_s", "prefect_share", "server_start_s",
                "prefect_share_with_server_start", "peak_rss_process_mib"):
        assert pipeline[key] is not None, key
    assert 0 <= pipeline["prefect_share"] < 1
    for name in PEERS:
        peer = result["peers"][name]
        assert peer["skipped"] or peer["chars_per_s"] > 0, name
    assert set(result["targets"]) and set(result["ratios"])
    for heading in ("stage", "whole flow run", "Prefect + flow bookkeeping", "peak RSS", "ratios", "targets"):
        assert heading in done.stdout, heading


def test_overlapping_stage_calls_count_once_in_the_covered_time():
    from bench.measure import StageClock

    clock = StageClock()
    clock.intervals = [(0.0, 2.0), (1.0, 3.0), (5.0, 6.0), (5.5, 5.8)]
    assert clock.covered_wall == 4.0
    assert StageClock().covered_wall == 0.0


def test_the_memory_run_feeds_every_copy_as_new_content_and_samples_the_process_tree(tmp_path, monkeypatch):
    from bench.memory import main

    corpus = tmp_path / "shared" / "peoples-daily-1998"
    corpus.mkdir(parents=True)
    (corpus / "199801.utf8.txt").write_text(TAGGED, encoding="utf-8")
    monkeypatch.setenv("PIPELINE_SHARED_DATA", str(tmp_path / "shared"))
    result_path = tmp_path / "memory.json"
    assert main(["--copies", "3", "--json", str(result_path)]) == 0
    result = json.loads(result_path.read_text(encoding="utf-8"))
    assert result["articles"] == 6 and result["exit_code"] == 0 and result["refused"] == 0
    assert 0 < result["peak_rss_pipeline_process_mib"] <= result["peak_rss_tree_mib"] < 2048


def test_the_corpus_command_writes_one_feed_a_day_into_an_empty_folder_only(tmp_path, monkeypatch, capsys):
    from bench.corpus import main

    corpus = tmp_path / "shared" / "peoples-daily-1998"
    corpus.mkdir(parents=True)
    (corpus / "199801.utf8.txt").write_text(TAGGED, encoding="utf-8")
    monkeypatch.setenv("PIPELINE_SHARED_DATA", str(tmp_path / "shared"))
    folder = tmp_path / "corpus"
    assert main([str(folder), "--mb", "0.001"]) == 0
    assert sorted(path.name for path in folder.iterdir()) == [
        "pd-19980101.jsonl", "pd-19980102.jsonl", "pd-pages-19980101.jsonl", "pd-pages-19980102.jsonl"]
    first = json.loads((folder / "pd-19980101.jsonl").read_text(encoding="utf-8"))
    assert first["pub_date"] == "1998-01-01" and first["text"].startswith("迈向充满希望的新世纪")
    assert "(peoples-daily-1998)" in capsys.readouterr().out
    assert main([str(folder)]) == 2  # files already there would be read as part of the corpus
