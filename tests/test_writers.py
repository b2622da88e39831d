from datetime import date
from decimal import Decimal

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline.types import Article, Document, Mention, Sentence
from pipeline.writers import SCHEMAS, OutputError, OutputFolder


def make_document(doc_id="d1"):
    text = "2024年，我市发放津贴3135.7万元。"
    document = Document(doc_id=doc_id, source="x.txt", source_format="txt", encoding="utf_8",
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
        schema = pq.read_schema(next((tmp_path / table).glob("*.parquet")))
        assert schema.names == SCHEMAS[table].names
    entities = pd.read_parquet(tmp_path / "entities")
    money = entities[entities.label == "MONEY"].iloc[0]
    assert money.value == 31357000.0 and money.currency == "CNY"
    assert str(pq.read_schema(next((tmp_path / "entities").glob("*.parquet"))).field("date_start").type) == "date32[day]"
    assert pd.read_parquet(tmp_path / "articles").authors[0] == "张三、李四"


def test_csv_is_utf8_with_bom(tmp_path):
    folder = OutputFolder(tmp_path)
    folder.prepare()
    folder.commit_batch([make_document()], "run1")
    folder.write_csv()
    raw = (tmp_path / "csv" / "entities.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "万元".encode() in raw
    assert (tmp_path / "csv" / "errors.csv").exists()


def test_parts_of_a_batch_that_never_committed_are_removed(tmp_path):
    folder = OutputFolder(tmp_path)
    folder.prepare()
    folder.commit_batch([make_document("d1")], "run1")
    folder.write_part("entities", "deadbeef", [])  # a killed run's remains: no documents part
    (tmp_path / "sentences" / ".part-x.parquet.123.tmp").write_bytes(b"torn")
    folder.prepare()
    assert not (tmp_path / "entities" / "part-deadbeef.parquet").exists()
    assert not list(tmp_path.rglob("*.tmp"))
    assert folder.known_doc_ids() == {"d1"}


def test_an_unwritable_output_folder_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="cannot write"):
        OutputFolder(blocker / "out").prepare()
