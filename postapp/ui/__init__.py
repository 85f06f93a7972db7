"""The PySide6 front end: it presents and edits; every rule lives in the Qt-free core."""
