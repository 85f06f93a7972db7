"""Runs every benchmark in one go (``make bench``) and prints the figures for the closing note."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import contacts_list
import dashboard
import demo_store
import duplicates
import report_pack
import screening
import search
import startup
import survey_analysis
import sync_transfer

if __name__ == "__main__":
    print("== creating the demo store")
    demo_store.main()
    print("== start-up")
    startup.main()
    print("== search as you type")
    search.main()
    print("== contacts list")
    contacts_list.main()
    print("== home dashboard and search everything")
    dashboard.main()
    print("== sanctions screening")
    screening.main()
    print("== survey analysis")
    survey_analysis.main()
    print("== printed briefing pack")
    report_pack.main()
    print("== sync of 5,000 responses over a cut 64 kbit/s line")
    sync_transfer.main()
    print("== duplicate scan over 100,000 persons")
    duplicates.main()
    print("== sanctions list import")
    # In a process of its own: its peak-memory figure must not include what the others loaded.
    subprocess.run([sys.executable, str(Path(__file__).with_name("sanctions_import.py"))], check=True)
    print("== contacts import of a 50,000-row CSV")
    # In a process of its own too, for its peak-memory figure.
    subprocess.run([sys.executable, str(Path(__file__).with_name("contacts_import.py"))], check=True)
