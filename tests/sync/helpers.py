"""Helpers for the sync tests: an HQ key pair, an enrolled post store, bundles as HQ would send them."""

from __future__ import annotations

import base64
import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import Any

from postapp.paths import resources_dir
from postapp.sync import bundle as fmt
from postapp.sync import keys
from postapp.sync.bundle import Record
from postapp.sync.enrolment import write_enrolment
from postapp.sync.keys import KeyPair, PublicKeys

HQ_ID = "hq-nl"
POST = "HAN"
SECRET = "the-enrolment-secret-of-han-in-these-tests"


@cache
def hq_pair() -> KeyPair:
    return keys.generate()


@cache
def other_pair() -> KeyPair:
    return keys.generate()


def enrolment_file(folder: Path, *, hq: KeyPair | None = None, hq_id: str = HQ_ID, post_code: str = POST,
                   server_url: str = "https://hq.example.org", secret: str = SECRET) -> Path:
    path = folder / f"enrol-{hq_id}-{post_code}.json"
    write_enrolment(path, hq_id=hq_id, server_url=server_url, hq=hq or hq_pair(), post_code=post_code,
                    post_name="Hanoi", country="VN", enrolment_secret=secret)
    return path


def to_post(records: list[Record], seq: int, post: PublicKeys, *, acks: tuple[int, ...] = (),
            hq: KeyPair | None = None, hq_id: str = HQ_ID, post_code: str = POST) -> bytes:
    return fmt.seal(fmt.make_payload(records, list(acks)), direction=fmt.TO_POST, hq_id=hq_id, post_code=post_code,
                    seq=seq, sender=hq or hq_pair(), recipient=post)


def open_at_hq(data: bytes, post: PublicKeys) -> fmt.Bundle:
    return fmt.open_bundle(data, recipient=hq_pair(), sender=post, hq_id=HQ_ID)


def example_record(example_id: str, title: str = "Joint IMVO session with the chamber") -> Record:
    return Record(fmt.GOOD_EXAMPLE, example_id, {
        "id": example_id, "core_task": "awareness", "title": title, "summary": "What worked, and why.",
        "country": "KE", "post_code": "NAI", "status": "approved"})


def guideline_record(task: str = "awareness", marker: str = "from HQ") -> Record:
    data: dict[str, Any] = json.loads((resources_dir() / "guidelines" / f"{task}.json").read_text("utf-8"))
    data["title"] = {**data["title"], "en": f"{data['title'].get('en', '')} ({marker})"}
    return Record(fmt.GUIDELINE, task, data)


def risk_record() -> Record:
    data = json.loads((resources_dir() / "risk" / "risk_profiles.json").read_text("utf-8"))
    data["version"] = f"{data.get('version', '')}-hq"
    return Record(fmt.RISK_PROFILES, "risk_profiles", data)


def form_record(source: bytes, form_id: str, version: str) -> Record:
    return Record(fmt.SURVEY_FORM, f"{form_id}:{version}",
                  {"form_id": form_id, "version": version, "xlsx_b64": base64.b64encode(source).decode("ascii")})


def today() -> dt.date:
    return dt.date.today()
