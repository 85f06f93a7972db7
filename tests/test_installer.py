"""The installer: build_installer.spec frozen with PyInstaller, then the frozen program checks itself.

One build per test session (a few minutes), into a temporary dist/work folder so a developer's own
``dist/`` is left alone. The smoke command (``postapp/smoke.py``) runs inside the frozen program,
so it finds only what the bundle carries; this test reads its PDF again with pypdf, which the
bundle does not carry.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from postapp.smoke import SmokeFailure, pdf_pages

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build_installer.spec"
NAME = "PostAppIMVO"
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""
BUILD_TIMEOUT = 30 * 60
SMOKE_TIMEOUT = 5 * 60


def clean_env(home: Path) -> dict[str, str]:
    """No Python paths of the build environment, and the user folders of a fresh account."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "XDG_"))}
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(home), XDG_DATA_HOME=str(home / "data"),
               XDG_STATE_HOME=str(home / "state"), XDG_CONFIG_HOME=str(home / "config"),
               XDG_CACHE_HOME=str(home / "cache"), POSTAPP_LANG="en")
    env.pop("QT_PLUGIN_PATH", None)
    return env


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("installer")
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(out / "dist"), "--workpath", str(out / "work"), str(SPEC)],
        cwd=ROOT, capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    assert result.returncode == 0, result.stderr[-4000:]
    print(f"installer built in {time.perf_counter() - start:.0f} s")
    folder = out / "dist" / NAME
    assert (folder / (NAME + EXE_SUFFIX)).is_file()
    return folder


def test_bundle_carries_the_shipped_files(bundle: Path) -> None:
    inside = bundle / "_internal"
    for lang in ("nl", "en", "fr", "es"):
        assert (inside / "translations" / lang / "LC_MESSAGES" / "messages.mo").is_file()
    assert not list((inside / "translations").rglob("*.po")), "only compiled catalogs are shipped"
    assert (inside / "resources" / "fonts" / "DejaVuSans.ttf").is_file()
    assert (inside / "resources" / "questionnaires" / "imvo_guidelines_study.xlsx").is_file()
    for package in ("store", "hq"):
        migrations = inside / "postapp" / package / "migrations"
        assert (migrations / "env.py").is_file()
        shipped = {p.name for p in (migrations / "versions").glob("*.py")}
        source = {p.name for p in (ROOT / "postapp" / package / "migrations" / "versions").glob("*.py")}
        assert shipped == source
    platforms = {p.name for p in inside.rglob("platforms/*")}
    assert any("offscreen" in name for name in platforms), platforms
    native = {"win32": "qwindows", "darwin": "qcocoa"}.get(sys.platform, "qxcb")
    assert any(native in name for name in platforms), platforms
    guide = ROOT / "docs" / "guide"
    if guide.is_dir():
        shipped_guide = {p.relative_to(inside / "docs" / "guide") for p in (inside / "docs" / "guide").rglob("*")
                         if p.is_file()}
        assert shipped_guide == {p.relative_to(guide) for p in guide.rglob("*") if p.is_file()}


def test_frozen_smoke_passes_every_step(bundle: Path, tmp_path: Path) -> None:
    out = tmp_path / "smoke"
    result = subprocess.run([str(bundle / (NAME + EXE_SUFFIX)), "smoke", "--out", str(out)],
                            cwd=tmp_path, env=clean_env(tmp_path / "home"), capture_output=True, text=True,
                            encoding="utf-8", timeout=SMOKE_TIMEOUT)
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr[-4000:]
    steps = [line for line in result.stdout.splitlines() if line.startswith("smoke: ")]
    assert not [line for line in steps if "FAIL" in line]
    assert steps[-1] == "smoke: 10 of 10 steps passed"
    for name in ("country.pdf", "study.pdf"):
        reader = PdfReader(out / name)
        assert len(reader.pages) >= 1
        assert len(reader.pages) == pdf_pages(out / name)  # the smoke's own count agrees with pypdf
    assert "Viet Nam" in PdfReader(out / "country.pdf").pages[0].extract_text()  # the bundled font has text
    assert (out / "event.ics").read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")


def test_frozen_cli_program_speaks_on_its_console(bundle: Path, tmp_path: Path) -> None:
    result = subprocess.run([str(bundle / ("postapp-cli" + EXE_SUFFIX)), "--lang", "nl", "--help"],
                            env=clean_env(tmp_path), capture_output=True, text=True, encoding="utf-8",
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert "PostApp IMVO" in result.stdout
    assert "smoke" not in result.stdout  # a check for packagers, not a user's command


def test_frozen_window_starts_with_a_fresh_account(bundle: Path, tmp_path: Path) -> None:
    """The window's own start (``build_window``: preferences, appearance, translations) on a new data
    file, ended after its first paint; the data file is opened only after that paint."""
    result = subprocess.run([str(bundle / (NAME + EXE_SUFFIX)), "--db", str(tmp_path / "post.sqlite3"),
                             "first-paint"], env=clean_env(tmp_path / "home"), capture_output=True, text=True,
                            encoding="utf-8", timeout=120)
    assert result.returncode == 0, result.stderr[-4000:]
    assert "Traceback" not in result.stderr


def test_smoke_passes_on_the_source_checkout(tmp_path: Path) -> None:
    """The same command unfrozen: a failure here is the smoke's (or the app's), not the bundle's."""
    result = subprocess.run([sys.executable, "-m", "postapp", "smoke", "--out", str(tmp_path / "smoke")],
                            cwd=ROOT, env=clean_env(tmp_path / "home"), capture_output=True, text=True,
                            encoding="utf-8", timeout=SMOKE_TIMEOUT)
    assert result.returncode == 0, result.stdout + result.stderr[-4000:]
    assert result.stdout.splitlines()[-1] == "smoke: 10 of 10 steps passed"


def test_smoke_fails_on_a_truncated_pdf(tmp_path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    whole = tmp_path / "whole.pdf"

    canvas = Canvas(str(whole))
    canvas.drawString(72, 720, "one")
    canvas.showPage()
    canvas.drawString(72, 720, "two")
    canvas.showPage()
    canvas.save()
    assert pdf_pages(whole) == 2
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(SmokeFailure):
        pdf_pages(cut)
