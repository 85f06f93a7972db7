"""The part every background job of the window shares: a QObject moved to a QThread that can be asked to
stop at its next step. The job checks ``cancel_requested`` (or its progress callback returns False)."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal


class CancellableWorker(QObject):
    done = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._cancel = threading.Event()  # set from the GUI thread, read from the worker's

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()
