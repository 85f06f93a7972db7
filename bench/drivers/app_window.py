"""PostApp's main window on a given store, quitting after its first paint, or with ``--data`` after
the store is open and the first workspace has its activities (time to data)."""

import os
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from postapp.ui.app import application, build_window


class Quit(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            # Right after this paint completes; os._exit so that nothing queued later (PostApp
            # opens its store then) is counted. Both drivers end the same way.
            QTimer.singleShot(0, lambda: os._exit(0))
        return False


app = application()
window = build_window(Path(sys.argv[1]), "en")
if "--data" in sys.argv:
    window.store_opened.connect(lambda: QTimer.singleShot(0, QApplication.quit))
else:
    quitter = Quit()
    window.installEventFilter(quitter)
window.show()
app.exec()
