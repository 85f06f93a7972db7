"""Sync with headquarters from the window: enrolment, "Sync now", sync files, and the sync state in the
status bar.

Everything that talks to headquarters or seals, writes or applies bundles runs in a background thread
(``Background``: one job at a time, a ``QThread`` with a worker object); the core opens its own sessions
on the store (``store.session()``/``store.read()``), so the window stays usable meanwhile. The status bar
label (``syncStatus``) says one of: not enrolled, N records pending, syncing… x%, last synced at a time,
or failed with a short reason (the whole message is in its tooltip). A cancel button beside it stops a
sync at the core's next step; nothing is half-applied and the upload resumes next time.

A timer syncs every ``sync_interval_minutes`` (0 = off) once the post is enrolled with a server address.
A failed run is simply tried again at the next tick: the client already retries with bounded backoff.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QProgressBar, QStatusBar, QToolButton, QWidget

from postapp.errors import PostAppError
from postapp.i18n import _, format_datetime, format_number, format_percent, ngettext
from postapp.ui.messages import show_error, user_message
from postapp.ui.naming import named
from postapp.ui.settings import Preferences
from postapp.ui.workers import CancellableWorker

if TYPE_CHECKING:
    from postapp.store import Store
    from postapp.sync.client import SyncProgress, SyncReport
    from postapp.sync.post_side import ApplyResult, SyncStatus

log = logging.getLogger("postapp.ui.sync")

STATUS_REFRESH_MS = 20_000  # how often the pending count is read again (cheap counts)
SHORT_REASON = 60  # characters of a failure shown in the status bar; the tooltip has it all
SHUTDOWN_WAIT_MS = 35_000  # a request under way may take up to the client's read timeout

Report = Callable[[object], bool]  # what a job calls with its progress; False means: stop
Work = Callable[[Report], object]


def short_reason(exc: BaseException) -> str:
    """A few words for the status bar: what kind of failure, not the whole story."""
    from postapp.sync.client import NotEnrolledError, SyncError, UnreachableError
    from postapp.sync.errors import BundleError, EnrolmentError

    if isinstance(exc, UnreachableError):
        return _("no connection to headquarters")
    if isinstance(exc, NotEnrolledError):
        return _("headquarters does not accept this post")
    if isinstance(exc, BundleError):
        return _("a bundle could not be used")
    if isinstance(exc, EnrolmentError):
        return _("the enrolment file cannot be used")
    if isinstance(exc, SyncError | PostAppError):
        text = str(exc).split(": ")[0].split(". ")[0].strip().rstrip(".")
        return text if len(text) <= SHORT_REASON else text[:SHORT_REASON - 1].rstrip() + "…"
    return _("unexpected error ({kind})").format(kind=type(exc).__name__)


class Worker(CancellableWorker):
    """Runs one job in its thread and always reports back: ``succeeded`` or ``failed``, then ``done``.
    ``cancel`` may be called from any thread; the job sees it the next time it reports progress."""

    progressed = Signal(object)
    succeeded = Signal(object)
    failed = Signal(str, str)  # the message for the user, a short reason for the status bar

    def __init__(self, work: Work) -> None:
        super().__init__()
        self.work = work

    def report(self, value: object) -> bool:
        self.progressed.emit(value)
        return not self.cancel_requested

    @Slot()
    def run(self) -> None:
        try:
            result = self.work(self.report)
        except Exception as exc:  # the thread must always report back; here the traceback is at hand for the log
            self.failed.emit(user_message(exc, _("Something went wrong ({kind}). Nothing was lost: what was not "
                                                 "sent stays pending.")), short_reason(exc))
        else:
            self.succeeded.emit(result)
        finally:
            self.done.emit()


class Background(QObject):
    """One background job at a time. The worker's signals reach this object's slots, queued into the GUI
    thread, which hands them to the callbacks given to ``start``."""

    finished = Signal()  # after the job's own callbacks, when the thread has ended

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: Worker | None = None
        self._on_progress: Callable[[object], None] | None = None
        self._on_success: Callable[[object], None] | None = None
        self._on_failure: Callable[[str, str], None] | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    @property
    def cancel_requested(self) -> bool:
        return self._worker is not None and self._worker.cancel_requested

    def start(self, name: str, work: Work, *, on_success: Callable[[object], None],
              on_failure: Callable[[str, str], None], on_progress: Callable[[object], None] | None = None) -> bool:
        """Starts ``work`` in a new thread; False (and nothing started) while another job runs."""
        if self._thread is not None:
            return False
        self._on_progress, self._on_success, self._on_failure = on_progress, on_success, on_failure
        worker = Worker(work)
        thread = QThread(self)
        thread.setObjectName(name)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progressed.connect(self._progressed)
        worker.succeeded.connect(self._succeeded)
        worker.failed.connect(self._failed)
        worker.done.connect(thread.quit)
        thread.finished.connect(self._over)
        self._thread, self._worker = thread, worker
        thread.start()
        return True

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()

    def wait(self, msecs: int) -> bool:
        """Waits for the thread to end (without handling its signals); True when it has."""
        return self._thread is None or self._thread.wait(msecs)

    @Slot(object)
    def _progressed(self, value: object) -> None:
        if self._on_progress is not None and not self.cancel_requested:
            self._on_progress(value)

    @Slot(object)
    def _succeeded(self, result: object) -> None:
        if self._on_success is not None:
            self._on_success(result)

    @Slot(str, str)
    def _failed(self, message: str, reason: str) -> None:
        if self._on_failure is not None:
            self._on_failure(message, reason)

    @Slot()
    def _over(self) -> None:
        thread, worker = self._thread, self._worker
        self._thread = self._worker = None
        if thread is not None:
            thread.wait()  # ``finished`` comes just before the thread has quite ended
            thread.deleteLater()
        if worker is not None:
            worker.deleteLater()
        self.finished.emit()


def _local_time(value: dt.datetime) -> str:
    moment = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    return format_datetime(moment.astimezone(), "short")


class SyncController(QObject):
    """The post's side of sync in the window: four File-menu actions, the status bar and the timer."""

    enrolled = Signal()  # a new enrolment was taken in (the post's code, name and country may have changed)
    received = Signal()  # something from headquarters was applied (a questionnaire, examples, guidelines)
    state_changed = Signal()  # the status bar text changed

    def __init__(self, parent: QWidget, prefs: Preferences) -> None:
        super().__init__(parent)
        self.setObjectName("syncController")
        self.window = parent
        self.prefs = prefs
        self.store: Store | None = None
        self.status: SyncStatus | None = None
        self.sealed_records = 0  # outbox records in bundles HQ has not confirmed
        self.job = Background(self)
        self.job.setObjectName("syncJob")
        self.job.finished.connect(self._job_over)
        self.job_text = ""  # what the running job is doing, for the label
        self.last_synced: dt.datetime | None = None  # a sync that ended well in this session
        self.exported_at: dt.datetime | None = None
        self.error: tuple[str, str] | None = None  # (whole message, short reason) of the last failed run
        self.manual = False  # the running sync was asked for (Sync now), not the timer's

        self.label = named(QLabel(_("Sync: not set up")), "syncStatus")
        self.label.setAccessibleName(_("Sync state"))
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = named(QProgressBar(), "syncProgress")
        self.progress.setAccessibleName(_("Sync progress"))
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(140)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.cancel_button = named(QToolButton(), "syncCancel")
        self.cancel_button.setText(_("Cancel"))
        self.cancel_button.setAccessibleName(_("Cancel the sync"))
        self.cancel_button.setToolTip(_("Stop the sync; what was not sent stays pending and goes next time"))
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()

        self.enrol_action = named(QAction(_("&Enrol with headquarters…"), self), "actionEnrol")
        self.enrol_action.setToolTip(_("Import the enrolment file headquarters made for this post"))
        self.enrol_action.triggered.connect(self.choose_enrolment)
        self.sync_action = named(QAction(_("&Sync now"), self), "actionSyncNow")
        self.sync_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.sync_action.setToolTip(_("Send what is pending to headquarters and fetch what it sent"))
        self.sync_action.triggered.connect(self.sync_now)
        self.export_action = named(QAction(_("E&xport sync file…"), self), "actionExportSync")
        self.export_action.setToolTip(_("Write what headquarters has not received yet to a file, for a USB stick "
                                        "or e-mail"))
        self.export_action.triggered.connect(self.choose_export)
        self.import_action = named(QAction(_("&Import sync file…"), self), "actionImportSync")
        self.import_action.setToolTip(_("Take in a sync file from headquarters"))
        self.import_action.triggered.connect(self.choose_import)

        self.timer = named(QTimer(self), "syncTimer")
        self.timer.timeout.connect(self._tick)
        self.status_timer = named(QTimer(self), "syncStatusTimer")
        self.status_timer.setInterval(STATUS_REFRESH_MS)
        self.status_timer.timeout.connect(self.refresh_status)
        self._show()

    # ---- set-up -----------------------------------------------------------------------------------------

    @property
    def actions(self) -> list[QAction]:
        return [self.enrol_action, self.sync_action, self.export_action, self.import_action]

    def install(self, status_bar: QStatusBar) -> None:
        status_bar.addPermanentWidget(self.label)
        status_bar.addPermanentWidget(self.progress)
        status_bar.addPermanentWidget(self.cancel_button)

    def attach_store(self, store: Store | None) -> None:
        self.store = store
        self.refresh_status()
        if store is not None:
            self.status_timer.start()
        else:
            self.status_timer.stop()
        self.apply_preferences()

    def apply_preferences(self) -> None:
        """Starts, changes or stops the timer after the interval, the enrolment or the data file changed."""
        minutes = self.prefs.sync_interval_minutes
        status = self.status
        if minutes > 0 and status is not None and status.enrolled and status.server_url.strip():
            interval = minutes * 60_000
            if not self.timer.isActive() or self.timer.interval() != interval:
                self.timer.start(interval)
        else:
            self.timer.stop()

    def shutdown(self) -> None:
        """Before the data file is closed: stops the timers and waits for a running job to stop."""
        self.timer.stop()
        self.status_timer.stop()
        if self.job.running:
            self.job.cancel()
            if not self.job.wait(SHUTDOWN_WAIT_MS):
                log.warning("sync: the background job did not stop in time")

    @staticmethod
    def keys_folder() -> Path:
        from postapp.sync.keys import post_keys_dir

        return post_keys_dir()

    # ---- the status bar ---------------------------------------------------------------------------------

    def refresh_status(self) -> None:
        """Reads the enrolment and what is pending (a few counts) and shows it."""
        store = self.store
        if store is None:
            self.status = None
        else:
            from sqlalchemy import func, select

            from postapp.sync.models import SyncBundle, SyncOutboxBundle
            from postapp.sync.post_side import status

            try:
                with store.read() as session:
                    self.status = status(session)
                    self.sealed_records = int(session.scalar(
                        select(func.count()).select_from(SyncOutboxBundle)
                        .join(SyncBundle, SyncBundle.seq == SyncOutboxBundle.bundle_seq)
                        .where(SyncBundle.acknowledged_at.is_(None))) or 0)
            except Exception:  # the status bar must never take the window down
                log.exception("sync: the sync state could not be read")
        self._show()

    @property
    def pending_records(self) -> int:
        """Responses, interview notes and examples headquarters has not confirmed yet (sealed in a bundle
        or still waiting for one). The monthly activity counts that travel with them are not counted:
        they are numbers, not records anyone made."""
        status = self.status
        return 0 if status is None else self.sealed_records + status.waiting_entries

    @property
    def pending_bundles(self) -> int:
        return 0 if self.status is None else self.status.pending_bundles

    def last_synced_at(self) -> dt.datetime | None:
        status = self.status
        known = [t for t in (self.last_synced, status.last_acknowledged_at if status else None,
                             status.last_applied_at if status else None) if t is not None]
        return max((t if t.tzinfo is not None else t.replace(tzinfo=dt.UTC) for t in known), default=None)

    def _show(self) -> None:
        text, tip = self._texts()
        self.label.setText(text)
        self.label.setToolTip(tip)
        self.label.setAccessibleDescription(tip)
        enrolled = self.status is not None and self.status.enrolled
        idle = self.store is not None and not self.job.running
        self.enrol_action.setEnabled(idle)
        self.sync_action.setEnabled(idle and enrolled)
        self.export_action.setEnabled(idle and enrolled)
        self.import_action.setEnabled(idle and enrolled)
        self.state_changed.emit()

    def _texts(self) -> tuple[str, str]:
        status = self.status
        if self.store is None or status is None:
            return _("Sync: not set up"), _("No data file is open.")
        if self.job.running:
            return self.job_text, _("Working in the background; you can go on with your work.")
        if not status.enrolled:
            return _("Sync: not enrolled"), _("This post is not enrolled with headquarters yet: use File › Enrol "
                                              "with headquarters… with the file headquarters sent.")
        lines = [_("Enrolled as post {post} with headquarters {hq} ({server}).").format(
            post=status.post_code, hq=status.hq_id, server=status.server_url or "–")]
        pending, bundles = self.pending_records, self.pending_bundles
        last = self.last_synced_at()
        if pending:
            lines.append(ngettext("{count} record waits for headquarters.", "{count} records wait for headquarters.",
                                  pending).format(count=format_number(pending)))
        if bundles:
            lines.append(ngettext("{count} bundle is not yet confirmed by headquarters.",
                                  "{count} bundles are not yet confirmed by headquarters.", bundles).format(
                count=format_number(bundles)))
        lines.append(_("Last synced: {when}").format(when=_local_time(last) if last else _("never")))
        if self.exported_at is not None:
            lines.append(_("Sync file written at {when}; what it holds stays pending until headquarters confirms "
                           "it.").format(when=_local_time(self.exported_at)))
        if self.error is not None:
            message, reason = self.error
            return _("Sync failed: {reason}").format(reason=reason), "\n".join([message, "", *lines])
        tip = "\n".join(lines)
        if pending or bundles:
            text = (ngettext("Sync: {count} record pending", "Sync: {count} records pending", pending).format(
                count=format_number(pending)) if pending else ngettext(
                "Sync: {count} bundle pending", "Sync: {count} bundles pending", bundles).format(
                count=format_number(bundles)))
            if self.exported_at is not None:
                text = _("{pending} · sync file written {when}").format(pending=text,
                                                                       when=_local_time(self.exported_at))
            return text, tip
        if last is not None:
            return _("Sync: last synced at {when}").format(when=_local_time(last)), tip
        return _("Sync: enrolled, nothing sent yet"), tip

    def _busy(self, text: str, percent: int | None = None) -> None:
        """Shows a running job: its text, and a bar (moving when ``percent`` is None)."""
        self.job_text = text
        if percent is None:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 100)
            self.progress.setValue(percent)
        self.progress.show()
        self._show()

    # ---- Sync now ---------------------------------------------------------------------------------------

    def sync_now(self) -> bool:
        """Starts a sync in the background (from the menu or Ctrl+Shift+S); False when none could start."""
        return self._start_sync(manual=True)

    def _tick(self) -> None:
        if not self.job.running:
            self._start_sync(manual=False)

    def _start_sync(self, *, manual: bool) -> bool:
        store = self.store
        if store is None or self.job.running:
            return False
        if self.status is None or not self.status.enrolled:
            if manual:
                show_error(self.window, _("This post is not enrolled with headquarters yet; use File › Enrol with "
                                          "headquarters… first."))
            return False
        folder = self.keys_folder()

        def work(report: Report) -> object:
            from postapp.sync import keys
            from postapp.sync.client import sync_now

            return sync_now(store, keys.load(folder), progress=report)

        self.manual = manual
        started = self.job.start("syncWorker", work, on_success=self._synced, on_failure=self._sync_failed,
                                 on_progress=self._sync_progressed)
        if started:
            self.cancel_button.setEnabled(True)
            self.cancel_button.show()
            self._busy(_("Sync: syncing…"), 0)
        return started

    def cancel(self) -> None:
        if self.job.running:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.job_text = _("Sync: stopping…")
            self._show()

    def _sync_progressed(self, value: object) -> None:
        from postapp.sync.client import SyncPhase

        progress = cast("SyncProgress", value)
        if progress.phase is SyncPhase.WAITING:
            self._busy(_("Sync: no connection; trying again in {seconds} s").format(
                seconds=format_number(max(int(progress.retry_in + 0.999), 1))))
            return
        if progress.phase is SyncPhase.UPLOADING and progress.total > 0:
            fraction = min(progress.sent / progress.total, 1.0)
            self._busy(_("Sync: syncing… {percent}").format(percent=format_percent(fraction)), int(fraction * 100))
            return
        if progress.phase in (SyncPhase.DOWNLOADING, SyncPhase.APPLYING):
            self._busy(_("Sync: syncing… {percent}").format(percent=format_percent(1.0)), 100)
            self.progress.setToolTip(progress.phase.label)
            return
        self._busy(_("Sync: syncing… {percent}").format(percent=format_percent(0.0)), 0)
        self.progress.setToolTip(progress.phase.label)

    def _synced(self, result: object) -> None:
        report = cast("SyncReport", result)
        self.error = None
        if not report.cancelled:
            self.last_synced = dt.datetime.now(dt.UTC)
        if report.applied:
            self.received.emit()

    def _sync_failed(self, message: str, reason: str) -> None:
        self.error = (message, reason)
        if self.manual:
            show_error(self.window, message)

    def _job_over(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()
        self.job_text = ""
        self.refresh_status()
        self.apply_preferences()

    # ---- enrolment --------------------------------------------------------------------------------------

    def choose_enrolment(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(self.window, _("Enrol with headquarters"), "",
                                                      _("Enrolment file (*.json);;All files (*)"))
        if chosen:
            self.enrol(Path(chosen))

    def enrol(self, path: Path, *, replace: bool | None = None) -> bool:
        """Takes in HQ's enrolment file (quick: a few rows and, the first time, a new key pair). When this
        post is enrolled with another headquarters or other keys, asks before replacing the enrolment
        (``replace`` answers for the user)."""
        store = self.store
        if store is None or self.job.running:
            return False
        from postapp.sync import keys
        from postapp.sync.enrolment import enrol, read_enrolment, state

        folder = self.keys_folder()
        try:
            found = read_enrolment(path)
            with store.read() as session:
                current = state(session)
                same = current is None or (
                    current.hq_id == found.hq_id and current.post_code == found.post_code
                    and (current.hq_sign_key, current.hq_box_key) == (found.hq_keys.sign, found.hq_keys.box))
            if not same:
                if replace is None:
                    replace = self._confirm_replace(found.hq_id, found.post_code)
                if not replace:
                    return False
            with store.session() as session:
                enrolment = enrol(session, path, folder, replace=not same)
                post_code, post_name, country, hq_id = (enrolment.post_code, enrolment.post_name,
                                                        enrolment.country, enrolment.hq_id)
            fingerprint = keys.load(folder).public().fingerprint()
        except Exception as exc:
            show_error(self.window, user_message(exc, _("The enrolment could not be taken in ({kind}). Nothing was "
                                                        "changed.")))
            return False
        self.prefs.post_code = post_code
        if post_name:
            self.prefs.post_name = post_name
        if country:
            self.prefs.country = country
        self.prefs.sync()
        self.error = None
        self.refresh_status()
        self.apply_preferences()
        self.enrolled.emit()
        self._inform(_("Enrolled as post {post} with headquarters {hq}.").format(post=post_code, hq=hq_id) + "\n\n"
                     + _("Fingerprint of this post's keys, to compare with headquarters: {fingerprint}").format(
                         fingerprint=fingerprint))
        return True

    def _confirm_replace(self, hq_id: str, post_code: str) -> bool:
        answer = QMessageBox.question(
            self.window, _("Replace the enrolment?"),
            _("This data file is enrolled with another headquarters, other keys or another post code. The file "
              "names headquarters {hq} and post {post}. Replace the enrolment? What headquarters has not "
              "confirmed yet goes again to the new one.").format(hq=hq_id, post=post_code))
        return answer == QMessageBox.StandardButton.Yes

    def _inform(self, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, _("PostApp IMVO"), text, QMessageBox.StandardButton.Ok,
                          self.window)
        box.setObjectName("syncMessage")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # ---- sync files -------------------------------------------------------------------------------------

    def default_export_path(self) -> Path:
        code = self.status.post_code if self.status is not None and self.status.post_code else self.prefs.post_code
        return Path.home() / f"postapp-{code}-{dt.date.today().isoformat()}.pab"

    def choose_export(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(self.window, _("Export sync file"),
                                                      str(self.default_export_path()), _("Sync file (*.pab)"))
        if chosen:
            path = Path(chosen)
            if path.suffix.lower() != ".pab":
                path = path.with_name(path.name + ".pab")
            self.export_to(path)

    def export_to(self, path: Path) -> bool:
        """Seals what is new and writes every bundle headquarters has not confirmed to ``path``, in the
        background. Returns whether the job started."""
        store = self.store
        if store is None or self.job.running:
            return False
        folder = self.keys_folder()

        def work(report: Report) -> object:
            from postapp.sync import container, keys
            from postapp.sync.post_side import next_bundle, pending_bundles

            pair = keys.load(folder)
            with store.session() as session:
                while next_bundle(session, pair) is not None:
                    pass
            with store.read() as session:
                pending = [(b.seq, bytes(b.data), b.record_count) for b in pending_bundles(session)]
            if not pending:
                return None
            container.write_file(path, [data for _seq, data, _count in pending])
            return (pending[0][0], pending[-1][0], sum(count for _seq, _data, count in pending))

        def written(result: object) -> None:
            if result is None:
                self._inform(_("Nothing to send: headquarters has confirmed everything; no file was written."))
                return
            first, last, records = cast(tuple[int, int, int], result)
            self.exported_at = dt.datetime.now(dt.UTC)
            self._inform(_("Wrote bundles {first} to {last} ({records} records) to {path}. They stay pending until "
                           "headquarters confirms them.").format(first=first, last=last,
                                                                records=format_number(records), path=path))

        started = self.job.start("syncExport", work, on_success=written, on_failure=self._file_failed)
        if started:
            self._busy(_("Sync: writing the sync file…"))
        return started

    def choose_import(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(self.window, _("Import sync file"), "",
                                                      _("Sync file (*.pab);;All files (*)"))
        if chosen:
            self.import_from(Path(chosen))

    def import_from(self, path: Path) -> bool:
        """Applies headquarters' bundles from a sync file in order, in the background; each bundle in one
        transaction. Returns whether the job started."""
        store = self.store
        if store is None or self.job.running:
            return False
        folder = self.keys_folder()

        def work(report: Report) -> object:
            from postapp.sync import container, keys
            from postapp.sync.post_side import apply_incoming

            bundles = container.read_file(path)
            pair = keys.load(folder)
            results: list[ApplyResult] = []
            for data in bundles:
                with store.session() as session:
                    results.append(apply_incoming(session, data, pair))
                report(len(results))
            return results

        def applied(result: object) -> None:
            results = cast("list[ApplyResult]", result)
            new = [r for r in results if not r.already_applied]
            records = sum(r.record_count for r in new)
            if new:
                self.received.emit()
                self._inform(ngettext("Applied {count} bundle from headquarters ({records} records).",
                                      "Applied {count} bundles from headquarters ({records} records).",
                                      len(new)).format(count=len(new), records=format_number(records)))
            else:
                self._inform(_("Everything in this sync file was applied before; nothing changed."))

        started = self.job.start("syncImport", work, on_success=applied, on_failure=self._file_failed)
        if started:
            self._busy(_("Sync: taking in the sync file…"))
        return started

    def _file_failed(self, message: str, reason: str) -> None:
        show_error(self.window, message)
