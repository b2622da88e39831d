from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.tables.folder import OutputError, OutputFolder
from pipeline.tables.rows import document_rows, repeat_rows
from pipeline.tables.manifest import Manifest
from pipeline.tables.schemas import SCHEMA_VERSION, SCHEMAS, schema_written_by, to_table
from tests.helpers import csv_files
from pipeline.types import Article, Document, Mention, Repeat, Sentence


def make_document(doc_id="d1", source="x.txt"):
    text = "2024年，我市发放津贴3135.7万元。"
    document = Document(doc_id=doc_id, source=source, source_format="txt", encoding="utf_8",
                        pub_date=date(2025, 3, 12), title="标题", text=text, content_sha256="0" * 64)
    document.articles = [Article(f"{doc_id}-a001", 1, "标题", 0, len(text), ("张三", "李四"), "第一版")]
    document.sentences = [Sentence(f"{doc_id}-s00001", f"{doc_id}-a001", 1, 0, len(text), text)]
    document.mentions = [
        Mention("DATE", 0, 5, "2024年", "numeric", date_value="2024", date_start=date(2024, 1, 1),
                date_end=date(2024, 12, 31), grain="year"),
        Mention("MONEY", 12, 21, "3135.7万元", "numeric", value=Decimal("31357000"), currency="CNY"),
    ]
    return document


def test_a_committed_batch_has_the_contract_columns_and_types(tmp_path):
    folder = OutputFolder(tmp_path)
    folder.prepare()
    folder.commit_batch([make_document()], "run1")
    for table in ("documents", "articles", "sentences", "entities"):
        schema = pq.read_schema(next((tmp_path / table).rglob("*.parquet")))
        assert schema.names == SCHEMAS[table].names
    entities = pd.read_parquet(tmp_path / "entities")
    money = entities[entities.label == "MONEY"].iloc[0]
    assert money.value == 31357000.0 and money.currency == "CNY"
    assert str(pq.read_schema(next((tmp_path / "entities").rglob("*.parquet"))).field("date_start").type) == "date32[day]"
    assert pd.read_parquet(tmp_path / "articles").authors[0] == "张三、李四"


def test_csv_is_utf8_with_bom(tmp_path):
    folder = OutputFolder(tmp_path)
    folder.prepare()
    folder.commit_batch([make_document()], "run1")
    folder.write_csv()
    (month,) = csv_files(tmp_path, "entities")
    raw = month.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "万元".encode() in raw
    assert (tmp_path / "csv" / "errors.csv").exists()


def test_parts_of_a_batch_that_never_committed_are_removed(tmp_path):
    folder = OutputFolder(tmp_path)
    folder.prepare()
    folder.commit_batch([make_document("d1")], "run1")
    # A killed run's remains: a part the manifest does not list, and a temporary file.
    pq.write_table(to_table("entities", []), tmp_path / "entities" / "part-deadbeef.parquet")
    (tmp_path / "sentences" / ".part-x.parquet.123.tmp").write_bytes(b"torn")
    folder.prepare()
    assert not (tmp_path / "entities" / "part-deadbeef.parquet").exists()
    assert not list(tmp_path.rglob("*.tmp"))
    known = folder.known_sources()
    assert len(known) == 1 and known.holds("d1") and known.held_by("x.txt") == "d1"


def test_an_unwritable_output_folder_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="cannot write"):
        OutputFolder(blocker / "out").prepare()


def test_known_sources_are_the_documents_and_their_recorded_repeats(tmp_path):
    folder = OutputFolder(tmp_path)
    folder.prepare()
    folder.commit_batch([make_document("d1")], "run1")
    folder.write_part("repeats", "run2", repeat_rows([Repeat("d1", "y.txt", "txt", "utf_8", None, None)], "run2"))
    known = OutputFolder(tmp_path).known_sources()
    assert known.held_by("x.txt") == known.held_by("y.txt") == "d1" and known.owner("d1") == "x.txt"
    assert known.held_by("z.txt") is None and not known.holds("d2")


def write_part_as(folder: Path, table: str, name: str, table_data, version: str) -> Path:
    path = folder / table / f"part-{name}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table_data.replace_schema_metadata({"schema_version": version}), path)
    return path


def test_a_folder_of_schema_version_1_is_appended_to_and_its_parts_upgraded(tmp_path):
    # What version 1 left: the six tables, no repeats folder, fewer columns.
    rows = to_table("documents", document_rows(make_document("d0"), "r0"))
    old = write_part_as(tmp_path, "documents", "old", rows.select(schema_written_by("documents", "1").names), "1")
    folder = OutputFolder(tmp_path)
    folder.prepare()
    folder.commit_batch([make_document("d1", source="y.txt")], "run1")
    # rewritten under a new name with this version's columns, in its month's folder, and committed:
    # readers that take the first part's layout (pandas, a plain DuckDB glob) see every column
    assert not old.exists() and (tmp_path / "repeats").is_dir()
    upgraded = tmp_path / "documents" / "pub_month=2025-03" / f"part-old.v{SCHEMA_VERSION}.parquet"
    assert pq.read_schema(upgraded).metadata[b"schema_version"] == SCHEMA_VERSION.encode()
    assert pq.read_schema(upgraded).remove_metadata().equals(SCHEMAS["documents"])
    documents = pd.read_parquet(tmp_path / "documents")
    assert sorted(documents.doc_id) == ["d0", "d1"]
    assert list(documents.columns) == [*SCHEMAS["documents"].names, "pub_month"]  # the month folders' column
    assert set(documents.pub_month) == {"2025-03"}
    assert Manifest.load(tmp_path).damage(tmp_path) == []


@pytest.mark.parametrize("version, columns, reason", [
    ("2", {"aliases": ["y.txt"]}, "aliases (string)"),  # another column layout under a known version
    ("99", {}, "schema version 99"),  # a newer pipeline's folder
])
def test_parts_this_version_would_not_append_to_are_refused_and_nothing_is_removed(tmp_path, version, columns,
                                                                                    reason):
    table = to_table("documents", document_rows(make_document("d0"), "r0"))
    for name, values in columns.items():
        table = table.append_column(name, pa.array(values))
    part = write_part_as(tmp_path, "documents", "other", table, version)
    leftover = write_part_as(tmp_path, "entities", "uncommitted", to_table("entities", []), "2")
    with pytest.raises(OutputError, match="write to a new --out") as refused:
        OutputFolder(tmp_path).prepare()
    assert str(part) in str(refused.value) and reason in str(refused.value)
    assert leftover.exists()


def test_a_document_of_more_mentions_than_a_chunk_is_written_whole_and_in_order(tmp_path, monkeypatch):
    """Rows reach Arrow a chunk at a time (a page of millions of characters); every row and its order stay."""
    monkeypatch.setattr("pipeline.tables.schemas.ROWS_PER_CHUNK", 3)
    document = make_document()
    money = document.mentions[1]
    document.mentions = [document.mentions[0]] + [Mention("MONEY", money.start, money.end, money.text, "numeric",
                                                          value=money.value + i, currency="CNY") for i in range(7)]
    folder = OutputFolder(tmp_path)
    folder.prepare()
    folder.commit_batch([document], "run1")
    entities = pd.read_parquet(tmp_path / "entities")
    assert len(entities) == 8
    assert list(entities.entity_id) == sorted(entities.entity_id)
    assert sorted(entities.value.dropna()) == [31357000.0 + i for i in range(7)]


def test_to_table_reads_rows_from_a_generator_as_from_a_list():
    rows = [document_rows(make_document(f"d{i}"), "r0")[0] for i in range(5)]
    assert to_table("documents", iter(rows)).equals(to_table("documents", rows))
    assert to_table("documents", iter([])).num_rows == 0
