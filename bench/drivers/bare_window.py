"""Baseline: a bare PySide6 main window that quits right after its first paint."""

import os

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


class Quit(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            # Right after this paint completes; os._exit so that nothing queued later (PostApp
            # opens its store then) is counted. Both drivers end the same way.
            QTimer.singleShot(0, lambda: os._exit(0))
        return False


app = QApplication([])
window = QMainWindow()
window.resize(1200, 760)
quitter = Quit()
window.installEventFilter(quitter)
window.show()
app.exec()
