"""Baseline: a bare PySide6 main window that quits right after its first paint."""

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


class Quit(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, QApplication.quit)
        return False


app = QApplication([])
window = QMainWindow()
window.resize(1200, 760)
quitter = Quit()
window.installEventFilter(quitter)
window.show()
app.exec()
