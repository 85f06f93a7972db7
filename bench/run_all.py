"""Runs every benchmark in one go (``make bench``) and prints the figures for the closing note."""

from __future__ import annotations

import contacts_list
import demo_store
import sanctions_import
import screening
import search
import startup

if __name__ == "__main__":
    print("== creating the demo store")
    demo_store.main()
    print("== start-up")
    startup.main()
    print("== search as you type")
    search.main()
    print("== contacts list")
    contacts_list.main()
    print("== sanctions screening")
    screening.main()
    print("== sanctions list import")
    sanctions_import.main()
