"""Offline sanctions screening: importing the lists a post downloaded and matching names against them.

Kept free of heavy imports so ``postapp.cli`` can register the ``sanctions`` commands without loading
SQLAlchemy or rapidfuzz before a command is chosen. The parts:

- ``models``: the imported lists, their entries and every name an entry is known by;
- ``importer`` (with ``eu_xml`` and ``opensanctions_csv``): reading a downloaded file into the store;
- ``names``: how a name is normalised so spelling, script, word order and legal form do not hide a match;
- ``screening``: fuzzy matching of one name against the active lists, and how old those lists are;
- ``cli``: ``postapp sanctions import FILE`` and ``postapp sanctions screen NAME``.
"""
