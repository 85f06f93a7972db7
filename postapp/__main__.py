"""Allows ``python -m postapp``, which the Makefile uses so it works before console scripts exist."""

from postapp.cli import main

raise SystemExit(main())
