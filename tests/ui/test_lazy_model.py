"""The lazy table model: pages on demand, and a page that cannot be read does not escape into Qt."""

from __future__ import annotations

import sqlite3

from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from postapp.ui.lazy_model import PAGE_SIZE, LazyTableModel


def rows(offset: int, limit: int) -> list[tuple[int, str]]:
    return [(i, f"row {i}") for i in range(offset, min(offset + limit, 3 * PAGE_SIZE))]


def test_a_failing_page_stops_fetching_and_reports_once(qtbot: QtBot) -> None:
    calls: list[int] = []

    def flaky(offset: int, limit: int) -> list[tuple[int, str]]:
        calls.append(offset)
        if offset > 0:
            raise sqlite3.OperationalError("database is locked")
        return rows(offset, limit)

    model = LazyTableModel(["Name"], [lambda r: r[1]])
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    model.set_source(flaky)
    assert model.rowCount() == PAGE_SIZE and model.canFetchMore()
    with qtbot.waitSignal(model.failed) as signal:
        model.fetchMore()  # as the view does on scrolling: nothing may escape
    assert "in use by another program" in signal.args[0]
    assert model.error == signal.args[0]
    assert not model.canFetchMore()  # exhausted: no retry on every scroll
    assert model.rowCount() == PAGE_SIZE
    view.scrollToBottom()
    model.fetchMore()
    assert calls == [0, PAGE_SIZE]

    model.set_source(rows)  # a new start clears the failure
    assert model.error is None and model.canFetchMore()


def test_an_unexpected_error_is_reported_without_details(qtbot: QtBot) -> None:
    def broken(offset: int, limit: int) -> list[tuple[int, str]]:
        raise KeyError("bug")

    model = LazyTableModel(["Name"], [lambda r: r[1]])
    with qtbot.waitSignal(model.failed) as signal:
        model.set_source(broken)
    assert "KeyError" in signal.args[0]
    assert model.rowCount() == 0 and not model.canFetchMore()
