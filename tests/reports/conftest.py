"""A demo post (400 persons) with a synthetic study round, built once and copied for every test that
writes to it; and reading a PDF back as text."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from postapp import demo
from postapp.store import Store, open_store
from postapp.survey.demo import generate_round


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reports") / "demo.sqlite3"
    store = open_store(path)
    with store.session() as session:
        demo.fill(session, 400)
        generate_round(session, 140)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return path


@pytest.fixture
def demo_store(demo_db: Path, tmp_path: Path) -> Iterator[Store]:
    copy = tmp_path / "post.sqlite3"
    shutil.copy(demo_db, copy)
    store = open_store(copy)
    try:
        yield store
    finally:
        store.close()


def pages_text(path: Path) -> list[str]:
    """Each page's text with runs of white space (line breaks between table cells) made one space."""
    reader = PdfReader(str(path))
    return [" ".join(page.extract_text().replace("\u00a0", " ").split()) for page in reader.pages]


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def count(pattern: str, text: str) -> int:
    return len(re.findall(pattern, text))
