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


def test_the_one_page_run_is_one_page_without_line_breaks_of_the_size_asked(tmp_path, monkeypatch):
    from bench.memory import write_one_page

    corpus = tmp_path / "shared" / "peoples-daily-1998"
    corpus.mkdir(parents=True)
    (corpus / "199801.utf8.txt").write_text(TAGGED, encoding="utf-8")
    monkeypatch.setenv("PIPELINE_SHARED_DATA", str(tmp_path / "shared"))
    result = write_one_page(tmp_path / "page.txt", 5_000)
    page = (tmp_path / "page.txt").read_text(encoding="utf-8")
    assert result["chars"] == len(page) == 5_000 and "\n" not in page
    assert page.startswith("迈向充满希望的新世纪")


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
# --- bench/peers_names.py: the peers' tags, the alignment and the scoring --------------------------

SENTENCE = "国务院总理李鹏昨天在北京会见了日本首相桥本龙太郎。"
WORDS = ["国务院", "总理", "李鹏", "昨天", "在", "北京", "会见", "了", "日本", "首相", "桥本龙太郎", "。"]
NAMES = [(0, 3, "ORG"), (5, 7, "PERSON"), (10, 12, "PLACE"), (15, 17, "PLACE"), (19, 24, "PERSON")]


def test_each_peers_tags_on_a_sentence_become_the_same_names():
    """The taggers' outputs on SENTENCE, as each printed them here (LAC 2.1.2, jiagu 0.2.3,
    THULAC 0.2.2, jieba 0.42.1), mapped to docs/entities.md's labels."""
    from bench.peers_names import (JIAGU_TYPES, JIEBA_TAGS, LAC_TAGS, THULAC_TAGS, bio_words_to_spans,
                                   tagged_words_to_spans)

    lac = ["ORG", "n", "PER", "TIME", "p", "LOC", "v", "u", "LOC", "n", "PER", "w"]
    thulac = ["ni", "n", "np", "t", "p", "ns", "v", "u", "ns", "n", "np", "w"]
    jieba = ["nt", "n", "nr", "t", "p", "ns", "v", "ul", "ns", "n", "nrt", "x"]
    jiagu = ["B-ORG", "O", "B-PER", "O", "O", "B-LOC", "O", "O", "B-LOC", "O", "B-PER", "O"]
    for tags, mapping in ((lac, LAC_TAGS), (thulac, THULAC_TAGS), (jieba, JIEBA_TAGS)):
        assert tagged_words_to_spans(SENTENCE, zip(WORDS, tags), mapping) == NAMES, mapping
    assert bio_words_to_spans(SENTENCE, WORDS, jiagu, JIAGU_TYPES) == NAMES


def test_the_tags_that_are_no_names_here_are_left_out():
    from bench.peers_names import JIEBA_TAGS, LAC_TAGS, THULAC_TAGS, tagged_words_to_spans

    text = "新华社《人民日报》1月31日"
    assert tagged_words_to_spans(text, [("新华社", "nt"), ("《", "w"), ("人民日报", "nz"), ("》", "w"),
                                        ("1月31日", "t")], JIEBA_TAGS) == [(0, 3, "ORG")]
    assert tagged_words_to_spans(text, [("新华社", "ORG"), ("《人民日报》", "nw"), ("1月31日", "TIME")],
                                 LAC_TAGS) == [(0, 3, "ORG")]
    assert tagged_words_to_spans(text, [("新华社", "ni"), ("《", "w"), ("人民日报", "nz"), ("》", "w"),
                                        ("1月", "t"), ("31日", "t")], THULAC_TAGS) == [(0, 3, "ORG")]
    # LAC's POS names for the same ids are read the same way
    assert tagged_words_to_spans("江泽民在上海", [("江泽民", "nr"), ("在", "p"), ("上海", "ns")], LAC_TAGS) == [
        (0, 3, "PERSON"), (4, 6, "PLACE")]


def test_jiagu_bio_runs_join_words_of_one_type_only():
    from bench.peers_names import JIAGU_TYPES, bio_words_to_spans

    text = "中国人民银行行长戴相龙在北京"
    words = ["中国", "人民", "银行", "行长", "戴相龙", "在", "北京"]
    assert bio_words_to_spans(text, words, ["B-ORG", "I-ORG", "I-ORG", "O", "B-PER", "O", "I-LOC"],
                              JIAGU_TYPES) == [(0, 6, "ORG"), (8, 11, "PERSON"), (12, 14, "PLACE")]
    # an I- of another type after an open name starts a new one; adjacent B- words are two names
    assert bio_words_to_spans("北京上海", ["北京", "上海"], ["B-LOC", "B-LOC"], JIAGU_TYPES) == [
        (0, 2, "PLACE"), (2, 4, "PLACE")]
    assert bio_words_to_spans("北京银行", ["北京", "银行"], ["B-LOC", "I-ORG"], JIAGU_TYPES) == [
        (0, 2, "PLACE"), (2, 4, "ORG")]


def test_words_are_placed_in_the_text_past_dropped_spaces_and_rewritten_characters():
    from bench.peers_names import WORDS as COUNT, align_words

    COUNT.words = COUNT.unaligned = 0
    assert align_words("李鹏  会见 桥本", ["李鹏", "会见", "桥本"]) == [(0, 2), (4, 6), (7, 9)]
    # a word the tagger rewrote (traditional to simplified) is not placed; the next ones still are
    assert align_words("會見李鹏", ["会见", "李鹏"]) == [(-1, -1), (2, 4)]
    assert (COUNT.words, COUNT.unaligned) == (5, 1)


def test_peer_spans_are_shifted_to_the_texts_offsets(monkeypatch):
    """A held-out text's sentences go to the peer one by one; its spans come back in the
    offsets of the paragraphs joined by newlines, as the gold is."""
    from bench.peers_names import HeldOut, run_peer

    held_out = HeldOut("t", "test", [["李鹏说。江泽民说。", "北京"]], {"t": [set()]})
    seen = []

    def find(sentences):
        seen.extend(sentences)
        return [[(0, len(s) - 2, "PERSON")] if s.endswith("说。") else [(0, 2, "PLACE")] for s in sentences]

    run = run_peer(find, held_out)
    assert seen == ["李鹏说。", "江泽民说。", "北京"]
    assert run.found == [{(0, 2, "PERSON"), (4, 7, "PERSON"), (10, 12, "PLACE")}]


def test_the_score_is_exact_span_per_label_with_its_counts():
    from bench.peers_names import score

    gold = [{(0, 3, "ORG"), (5, 7, "PERSON")}, {(0, 2, "PLACE"), (3, 5, "PLACE")}]
    found = [{(0, 3, "ORG"), (5, 8, "PERSON")}, {(0, 2, "PLACE"), (3, 5, "ORG")}]
    scores = score(gold, found)
    assert scores["per_label"]["ORG"] == {"p": 0.5, "r": 1.0, "f": 0.6667}
    assert scores["per_label"]["PERSON"] == {"p": 0.0, "r": 0.0, "f": 0.0}  # one character off is a miss
    assert scores["per_label"]["PLACE"] == {"p": 1.0, "r": 0.5, "f": 0.6667}
    assert scores["overall"] == {"p": 0.5, "r": 0.5, "f": 0.5}
    assert scores["gold"] == {"ORG": 1, "PERSON": 1, "PLACE": 2}
    assert scores["found"] == {"ORG": 2, "PERSON": 1, "PLACE": 1}


def test_without_the_corpora_the_names_bench_says_so_and_scores_nothing(tmp_path):
    env = {**os.environ, "PIPELINE_CORPORA": str(tmp_path / "no-corpora")}
    done = subprocess.run([sys.executable, "-m", "bench.peers_names", "--out-md", str(tmp_path / "r.md"),
                           "--out-json", str(tmp_path / "r.json")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-4000:]
    assert "absent: not scored" in done.stdout and "nothing scored" in done.stdout
    assert not (tmp_path / "r.md").exists()


def write_tiny_corpora(folder):
    """One held-out People's Daily paragraph (day 28), ten MSRA sentences and ten CLUENER texts
    (the last of each is the held-out block)."""
    (folder / "peoples-daily-1998").mkdir(parents=True)
    (folder / "peoples-daily-1998" / "199801.utf8.txt").write_text(
        "19980128-01-001-001/m  国务院/nt  总理/n  李/nr  鹏/nr  在/p  北京/ns  会见/v  日本/ns  首相/n  。/w  \n",
        encoding="utf-8")
    (folder / "msra-ner").mkdir()
    sentence = "".join(f"{c}\t{t}\n" for c, t in zip("李鹏在北京", ["B-PER", "I-PER", "O", "B-LOC", "I-LOC"]))
    (folder / "msra-ner" / "msra_train_bio").write_text("\n".join([sentence] * 10), encoding="utf-8")
    (folder / "cluener2020").mkdir()
    record = {"text": "李鹏在北京会见日本首相", "label": {"name": {"李鹏": [[0, 1]]}, "address": {"北京": [[3, 4]]}}}
    (folder / "cluener2020" / "train.jsonl").write_text(
        "".join(json.dumps(record, ensure_ascii=False) + "\n" for _ in range(10)), encoding="utf-8")


def test_the_names_bench_scores_ours_and_the_installed_peers_on_every_set(tmp_path):
    write_tiny_corpora(tmp_path / "corpora")
    env = {**os.environ, "PIPELINE_CORPORA": str(tmp_path / "corpora")}
    done = subprocess.run([sys.executable, "-m", "bench.peers_names", "--peers", "jieba",
                           "--out-md", str(tmp_path / "r.md"), "--out-json", str(tmp_path / "r.json")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    result = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [s["name"] for s in result["sets"]] == ["pd", "msra", "cluener"]
    assert [s["texts"] for s in result["sets"]] == [1, 1, 1]
    ours, jieba = result["systems"]
    assert ours["name"].startswith("ours") and ours["load_s"] > 0 and result["ours_model"]["names_sha256"]
    for name, gold_names in (("pd", ["pd"]), ("msra", ["msra", "msra_raw"]), ("cluener", ["cluener"])):
        run = ours["runs"][name]
        assert run["chars"] > 0 and run["chars_per_s"] > 0 and set(run["scores"]) == set(gold_names)
    assert ours["runs"]["pd"]["scores"]["pd"]["gold"] == {"ORG": 1, "PERSON": 1, "PLACE": 2}
    assert jieba["skipped"] or set(jieba["runs"]) == {"pd", "msra", "cluener"}
    markdown = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "| People's Daily 1998 days 28–31 | ours: rules + ner |" in markdown
    assert "zh_core_web_sm" in markdown
