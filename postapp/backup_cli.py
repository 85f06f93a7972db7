"""``postapp backup now|list|restore FILE [--yes]``: the store's backups without a window.

``restore`` replaces the data file (after copying it aside), so it asks first unless ``--yes`` is
given; FILE is a path or the name of a file in the store's ``backups`` folder, as ``list`` shows it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from postapp.errors import PostAppError
from postapp.i18n import _, format_datetime, format_number


def _size(size: int) -> str:
    return _("{size} MB").format(size=format_number(round(size / 1_000_000, 1)))


def cmd_now(args: argparse.Namespace) -> int:
    from postapp.cli import db_path
    from postapp.store.backup import backup_database

    path = db_path(args).expanduser().resolve()
    if not path.exists():
        raise PostAppError(_("There is no data file at {path} to back up.").format(path=path))
    made = backup_database(path, "manual")
    print(_("Backup written: {path}").format(path=made))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from postapp.cli import db_path
    from postapp.store.backup import list_backup_infos

    path = db_path(args).expanduser().resolve()
    infos = list_backup_infos(path)
    if not infos:
        print(_("No backups of {path} yet.").format(path=path))
        return 0
    for info in infos:
        print(f"{format_datetime(info.made_at.astimezone())}  {reason_label(info.reason):<28}  "
              f"{_size(info.size):>10}  {info.path.name}")
    return 0


def reason_label(reason: str) -> str:
    """Why a backup was made, in words (the reason is part of the file name)."""
    from postapp.store.backup import BEFORE_RESTORE, SCHEDULED

    if reason == SCHEDULED:
        return _("scheduled")
    if reason == BEFORE_RESTORE:
        return _("before a restore")
    if reason == "manual":
        return _("made by hand")
    if reason.startswith("before-"):
        return _("before an update ({schema})").format(schema=reason.removeprefix("before-"))
    return reason


def resolve_backup(db: Path, name: str) -> Path:
    from postapp.store.backup import backups_dir

    given = Path(name).expanduser()
    if given.exists():
        return given
    in_folder = backups_dir(db) / name
    return in_folder if in_folder.exists() else given


def cmd_restore(args: argparse.Namespace) -> int:
    from postapp.cli import db_path
    from postapp.store.restore import check_backup, restore_backup

    path = db_path(args).expanduser().resolve()
    backup = resolve_backup(path, args.file)
    check_backup(backup)  # refuse a bad backup before asking anything
    if not args.yes:
        if not sys.stdin.isatty():
            raise PostAppError(_("Restoring replaces the data file {path}; add --yes to do it.").format(path=path))
        answer = input(_("Replace {path} with {backup}? The current file is kept in the backups. [y/N] ").format(
            path=path, backup=backup.name))
        if answer.strip().lower() not in ("y", "yes", "j", "ja", "o", "oui", "s", "si", "sí"):
            print(_("Nothing was changed."))
            return 1
    result = restore_backup(path, backup)
    print(_("Restored {path} from {backup}.").format(path=path, backup=result.restored_from.name))
    if result.saved_current is not None:
        print(_("The replaced file was kept as {saved}.").format(saved=result.saved_current))
    # Open it now: a backup from an older version is brought up to date here, not at the next start.
    from postapp.store import open_store

    open_store(path).close()
    return 0


def register(commands: Any) -> None:
    backup = commands.add_parser("backup", help=_("back up the data file, list its backups, or restore one"))
    actions = backup.add_subparsers(dest="backup_action", metavar="ACTION", required=True)
    now = actions.add_parser("now", help=_("make a backup now"))
    now.set_defaults(func=cmd_now)
    listing = actions.add_parser("list", help=_("list the backups, newest first"))
    listing.set_defaults(func=cmd_list)
    restore = actions.add_parser("restore", help=_("replace the data file with a backup (the current file is "
                                                   "kept in the backups)"))
    restore.add_argument("file", metavar="FILE", help=_("the backup: a path, or a file name as 'backup list' shows"))
    restore.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))
    restore.set_defaults(func=cmd_restore)
