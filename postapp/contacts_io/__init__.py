"""Contacts in and out of the store: CSV, XLSX and vCard files staff already have (Outlook and Google
exports), read row by row, mapped to person fields, checked, previewed and only then written in one
transaction; and exports to CSV and vCard that leave sensitive persons out unless asked.

Reading (``sources``), mapping (``mapping``), checking and writing (``importer``) and exporting
(``export``, ``vcard``) are separate so the CLI, the dialog and the tests drive the same steps.
"""
