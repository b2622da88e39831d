import json
from datetime import date
from pathlib import Path

import pytest

from pipeline.errors import IngestError
from pipeline.read.encodings import decode_bytes
from pipeline.read.formats import read_input
from pipeline.read.inputs import discover_inputs

TEXT = "本报讯 3月11日，我市召开2024年度人才工作述职会。会议指出，过去的一年，全市人才工作取得了新成效。"


def read_one(path, cli_pub_date=None):
    """The documents and the refusals (warnings apart: read_one_with_warnings)."""
    documents, rows = read_one_with_warnings(path, cli_pub_date)
    return documents, refused(rows)


def read_one_with_warnings(path, cli_pub_date=None):
    items, rows = discover_inputs([path])
    assert not rows
    return read_input(items[0], cli_pub_date)


def refused(rows):
    return [row for row in rows if row.severity == "error"]


def warned(rows):
    return [(row.error_type, row.message) for row in rows if row.severity == "warning"]


@pytest.mark.parametrize("encoding, expected", [
    ("utf-8", "utf_8"),
    ("utf-8-sig", "utf_8_sig"),
    ("gb18030", "gb18030"),
    ("gbk", "gb18030"),
    ("big5", "big5"),
    ("utf-16", "utf_16"),
    ("utf-16-le", "utf_16_le"),
])
def test_encodings_are_detected_from_the_bytes(tmp_path, encoding, expected):
    text = TEXT if encoding != "big5" else "本報訊 3月11日，我市召開2024年度人才工作述職會。會議指出，過去的一年，全市人才工作取得了新成效。"
    path = tmp_path / "page.txt"
    path.write_bytes(text.encode(encoding))
    documents, errors = read_one(path)
    assert not errors
    assert documents[0].text.lstrip("\ufeff") == text
    assert documents[0].encoding == expected


def test_empty_and_binary_files_are_refused_with_a_reason(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    items, _ = discover_inputs([tmp_path])
    results = {item.path.name: read_input(item, None) for item in items}
    assert results["empty.txt"][1][0].error_type == "empty"
    assert results["image.txt"][1][0].error_type in ("binary", "undecodable")


def test_invalid_utf8_in_the_middle_is_read_with_the_damage_visible(tmp_path):
    path = tmp_path / "damaged.txt"
    path.write_bytes(TEXT.encode() + b"\xff\xfe\xfa" + TEXT.encode())
    documents, errors = read_one(path)
    assert not errors
    assert "\ufffd" in documents[0].text and documents[0].text.startswith(TEXT)


def test_markdown_with_sidecar_pub_date_and_title(tmp_path):
    path = tmp_path / "page.md"
    path.write_text("## 标题\n\n" + TEXT, encoding="utf-8")
    (tmp_path / "page.meta.json").write_text(json.dumps({"pub_date": "2025-03-12", "title": "第三版"}), encoding="utf-8")
    documents, _ = read_one(path, cli_pub_date=date(2000, 1, 1))
    assert documents[0].source_format == "md"
    assert documents[0].pub_date == date(2025, 3, 12)
    assert documents[0].title == "第三版"


def test_pub_date_from_path_then_from_the_command_line(tmp_path):
    dated = tmp_path / "2025" / "03" / "12"
    dated.mkdir(parents=True)
    (dated / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "20240307-page.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "undated.txt").write_text(TEXT, encoding="utf-8")
    items, _ = discover_inputs([tmp_path])
    dates = {item.path.name: read_input(item, date(2001, 2, 3))[0][0].pub_date for item in items}
    assert dates == {"a.txt": date(2025, 3, 12), "20240307-page.txt": date(2024, 3, 7), "undated.txt": date(2001, 2, 3)}


def test_html_main_text_title_and_date_come_from_the_page(tmp_path):
    body = "".join(f"<p>{TEXT}第{i}段。</p>" for i in range(5))
    html = f"""<html><head><title>述职会召开</title><meta name="date" content="2025-03-12">
    <script>var x = "不是正文";</script></head><body><nav>首页 | 新闻 | 联系我们</nav>
    <article><h1>述职会召开</h1>{body}</article><footer>版权所有</footer></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    documents, errors = read_one(path)
    assert not errors
    document = documents[0]
    assert TEXT in document.text and "不是正文" not in document.text and "版权所有" not in document.text
    assert document.title == "述职会召开"
    assert document.pub_date == date(2025, 3, 12)


def test_html_with_nothing_but_scripts_is_refused(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><head><script>alert(1)</script></head><body><script>x()</script></body></html>")
    documents, errors = read_one(path)
    assert not documents and errors[0].error_type in ("no_main_text", "empty")


def test_jsonl_good_lines_are_read_and_each_bad_line_is_one_error(tmp_path):
    lines = [
        json.dumps({"id": "a1", "text": TEXT, "title": "一", "pub_date": "2025-03-12"}, ensure_ascii=False),
        "{not json",
        json.dumps({"id": "a2", "title": "no text"}, ensure_ascii=False),
        "",
        json.dumps({"id": "a3", "text": TEXT + "第二篇。"}, ensure_ascii=False),
    ]
    path = tmp_path / "feed-2024-01-02.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    documents, errors = read_one(path)
    assert [d.external_id for d in documents] == ["a1", "a3"]
    assert documents[0].pub_date == date(2025, 3, 12) and documents[1].pub_date == date(2024, 1, 2)
    assert [(e.source.rsplit("#", 1)[1], e.error_type) for e in errors] == [("L2", "malformed_json"), ("L3", "missing_text")]
    assert "line 2" in errors[0].message


def test_folders_are_walked_in_order_without_sidecars_and_symlink_loops_end(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "1.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "1.meta.json").write_text("{}", encoding="utf-8")
    (tmp_path / "notes.docx").write_bytes(b"PK")
    (tmp_path / "b" / "loop").symlink_to(tmp_path, target_is_directory=True)
    items, errors = discover_inputs([tmp_path])
    names = [item.path.name for item in items]
    assert names.count("1.txt") >= 1 and "2.txt" in names
    assert "1.meta.json" not in names and "notes.docx" not in names
    assert [(row.error_type, row.severity, Path(row.source).name) for row in errors] == [
        ("skipped_file", "warning", "notes.docx")]


def test_named_missing_and_unsupported_inputs_are_errors(tmp_path):
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    _, errors = discover_inputs([tmp_path / "missing.txt", tmp_path / "x.pdf"])
    assert [e.error_type for e in errors] == ["not_found", "unsupported_format"]


def test_decode_refuses_whitespace_only():
    with pytest.raises(IngestError):
        decode_bytes(b"   \n ")


def test_a_large_jsonl_feed_is_read_in_chunks_of_whole_lines(tmp_path):
    from pipeline.read.inputs import split_jsonl

    lines = [json.dumps({"id": i, "text": f"{TEXT}第{i}篇。"}, ensure_ascii=False) for i in range(1, 101)]
    lines[41] = "{broken"
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items, _ = discover_inputs([path])
    chunks = split_jsonl(items[0], max_bytes=2_000)
    assert len(chunks) > 5
    documents, errors = [], []
    for chunk in chunks:
        found, rows = read_input(chunk, None)
        documents += found
        errors += refused(rows)
    assert [d.external_id for d in documents] == [str(i) for i in range(1, 101) if i != 42]
    assert [e.source.rsplit("#", 1)[1] for e in errors] == ["L42"]
    assert documents[-1].source.endswith("#L100")


def test_a_truncated_utf8_file_stays_utf8(tmp_path):
    path = tmp_path / "cut.txt"
    path.write_bytes((TEXT * 3).encode()[:-1])  # the last character cut mid-sequence
    documents, rows = read_one_with_warnings(path, date(2025, 3, 12))
    assert not refused(rows) and documents[0].encoding == "utf_8"
    assert warned(rows) == [("replaced_bytes", "1 byte sequence(s) not valid utf_8 were replaced with U+FFFD")]
    assert documents[0].text.startswith(TEXT) and documents[0].text.endswith("\ufffd")


def test_nul_and_control_characters_in_a_text_file(tmp_path):
    path = tmp_path / "ctl.txt"
    path.write_bytes(("第一句。\x00\x07" + TEXT + "\x1b").encode())
    documents, errors = read_one(path)
    assert not errors and TEXT in documents[0].text


# --- nothing silent (issue 23.7, 23.8; issue 19.6) ----------------------------------


def test_a_gbk_page_with_one_bad_byte_is_read_with_it_replaced_and_a_warning(tmp_path):
    path = tmp_path / "gbk.txt"
    page = (TEXT * 4).encode("gbk")
    path.write_bytes(page[:40] + b"\xff" + page[40:])
    documents, rows = read_one_with_warnings(path, date(2025, 3, 12))
    assert not refused(rows)
    assert documents[0].encoding == "gb18030" and documents[0].text.count("\ufffd") == 1
    assert TEXT[-10:] in documents[0].text
    assert [kind for kind, _ in warned(rows)] == ["replaced_bytes"]


def test_a_gbk_page_cut_mid_character_is_read(tmp_path):
    path = tmp_path / "cut-gbk.txt"
    path.write_bytes((TEXT * 4).encode("gbk")[:-1])
    documents, rows = read_one_with_warnings(path, date(2025, 3, 12))
    assert not refused(rows) and documents[0].text.startswith(TEXT)
    assert [kind for kind, _ in warned(rows)] == ["replaced_bytes"]


def test_more_damage_than_the_config_allows_is_refused(tmp_path):
    from pipeline.config import BadBytes

    path = tmp_path / "damaged.txt"
    page = (TEXT * 4).encode("gbk")
    path.write_bytes(page[:40] + b"\xff" + page[40:])
    items, _ = discover_inputs([path])
    documents, rows = read_input(items[0], date(2025, 3, 12), BadBytes(share=0, at_least=0))
    assert not documents and [row.error_type for row in refused(rows)] == ["undecodable"]


@pytest.mark.parametrize("sidecar, reason", [
    ('{"pub_date": "2025-03-12",', "not JSON or YAML"),
    ('["2025-03-12"]', "holds a list"),
])
def test_a_broken_sidecar_is_a_warning_naming_it(tmp_path, sidecar, reason):
    path = tmp_path / "page.txt"
    path.write_text(TEXT, encoding="utf-8")
    (tmp_path / "page.meta.json").write_text(sidecar, encoding="utf-8")
    documents, rows = read_one_with_warnings(path, date(2001, 2, 3))
    assert documents[0].pub_date == date(2001, 2, 3)  # the next source of a date still counts
    ((kind, message),) = warned(rows)
    assert kind == "bad_sidecar" and "page.meta.json" in message and reason in message


def test_an_impossible_sidecar_date_is_a_warning_and_the_page_is_undated(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(TEXT, encoding="utf-8")
    (tmp_path / "page.meta.json").write_text('{"pub_date": "2025-02-30"}', encoding="utf-8")
    documents, rows = read_one_with_warnings(path)
    assert documents[0].pub_date is None
    assert [kind for kind, _ in warned(rows)] == ["unread_pub_date", "no_pub_date"]
    assert "'2025-02-30'" in warned(rows)[0][1] and "no such day" in warned(rows)[0][1]


@pytest.mark.parametrize("written, expected", [
    ("2025-03-15", date(2025, 3, 15)),
    ("2025/3/15", date(2025, 3, 15)),
    ("2025.03.15", date(2025, 3, 15)),
    ("2025年3月15日", date(2025, 3, 15)),
    ("20250315", date(2025, 3, 15)),
    ("15/03/2025", date(2025, 3, 15)),
    ("03/15/2025", date(2025, 3, 15)),
    ("2025-03-15T08:30:00+08:00", date(2025, 3, 15)),
    ("2025-03-15 08:30", date(2025, 3, 15)),
])
def test_a_feed_reads_common_date_spellings(tmp_path, written, expected):
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"id": "a", "text": TEXT, "pub_date": written}, ensure_ascii=False), encoding="utf-8")
    documents, rows = read_one_with_warnings(path)
    assert documents[0].pub_date == expected and rows == []


@pytest.mark.parametrize("written, reason", [
    ("03/04/2025", "either way round"),
    ("2025-13-01", "no such day"),
    ("last Tuesday", "not a date spelling"),
])
def test_a_feed_line_with_an_unreadable_date_keeps_its_text_with_a_warning(tmp_path, written, reason):
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"id": "a", "text": TEXT, "pub_date": written}, ensure_ascii=False), encoding="utf-8")
    documents, rows = read_one_with_warnings(path)
    assert documents[0].text == TEXT and documents[0].pub_date is None
    assert [kind for kind, _ in warned(rows)] == ["unread_pub_date", "no_pub_date"]
    assert reason in warned(rows)[0][1] and not refused(rows)


def test_a_page_without_any_date_is_a_warning_and_a_dated_one_is_not(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(TEXT, encoding="utf-8")
    assert [kind for kind, _ in warned(read_one_with_warnings(path)[1])] == ["no_pub_date"]
    assert read_one_with_warnings(path, date(2025, 3, 12))[1] == []


def test_a_pdf_in_a_folder_is_a_skipped_file_warning_and_hidden_files_are_not(tmp_path):
    (tmp_path / "page.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "page-3.pdf").write_bytes(b"%PDF-1.7")
    (tmp_path / ".DS_Store").write_bytes(b"\0")
    items, rows = discover_inputs([tmp_path])
    assert [item.path.name for item in items] == ["page.txt"]
    assert [(row.error_type, row.severity, Path(row.source).name) for row in rows] == [
        ("skipped_file", "warning", "page-3.pdf")]
    assert "'.pdf' is not a supported input format" in rows[0].message
