"""PostApp IMVO: the offline desktop app for Dutch posts carrying out the IMVO guidelines.

The package is split so that everything except ``postapp.ui`` runs without Qt: the models, services,
store and CLI can be driven from tests and scripts, and the window only presents and edits.
"""

__version__ = "0.1.0"
