"""Country × sector risk reference data (``resources/risk/risk_profiles.json``), in the shape of the
public CSR Risk Check: themes under four headings, each risk with a level, advice and its source.

The file is data so headquarters can send an updated one through sync; the app only reads it.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from postapp.errors import PostAppError
from postapp.i18n import _, language
from postapp.paths import resources_dir

Localised = dict[str, str]
_WORDS = re.compile(r"\w{3,}")


def pick(text: Localised) -> str:
    return text.get(language()) or text.get("en") or text.get("nl") or ""


class Risk(NamedTuple):
    theme: str
    level: str  # low, medium, high
    gender: bool
    text: Localised
    advice: Localised
    source: str
    year: int | None


class RiskData(NamedTuple):
    version: str
    note: Localised
    headings: dict[str, Localised]
    themes: dict[str, dict[str, str]]
    sectors: dict[str, dict[str, Any]]
    countries: dict[str, Localised]
    profiles: dict[tuple[str, str], tuple[Risk, ...]]

    def theme_label(self, theme: str) -> str:
        return pick(self.themes.get(theme, {})) or theme

    def country_label(self, code: str) -> str:
        return pick(self.countries.get(code, {})) or code

    def sector_label(self, key: str) -> str:
        return pick(self.sectors.get(key, {})) or key

    def sector_key(self, text: str) -> str | None:
        """The sector key for an organisation's free-text sector ("Textiles and clothing" -> "textiles").

        An exact name or alias wins; otherwise every word of a name must stand as a whole word in the
        text ("garment factory" -> textiles). Parts of words never match: "IT" is not "utilities"."""
        wanted = text.strip().casefold()
        if not wanted:
            return None
        if wanted in self.sectors:
            return wanted
        words = set(_WORDS.findall(wanted))
        best: tuple[int, str] | None = None
        for key, sector in self.sectors.items():
            for name in (sector.get("nl", ""), sector.get("en", ""), *sector.get("aliases", [])):
                folded = name.casefold()
                if folded == wanted:
                    return key
                name_words = set(_WORDS.findall(folded))
                if name_words and name_words <= words and (best is None or len(folded) > best[0]):
                    best = (len(folded), key)
        return best[1] if best else None

    def lookup(self, country: str, sector_text: str) -> tuple[Risk, ...] | None:
        """The risks for the pair, ``None`` when the data does not cover it (the check then says so)."""
        key = self.sector_key(sector_text)
        if key is None:
            return None
        return self.profiles.get((country.upper(), key))


def risk_file() -> Path:
    return resources_dir() / "risk" / "risk_profiles.json"


def parse(raw: dict[str, Any]) -> RiskData:
    profiles: dict[tuple[str, str], tuple[Risk, ...]] = {}
    for profile in raw["profiles"]:
        risks = tuple(
            Risk(r["theme"], r["level"], bool(r.get("gender")), dict(r.get("text", {})), dict(r.get("advice", {})),
                 str(r.get("source", {}).get("title", "")), r.get("source", {}).get("year"))
            for r in profile["risks"]
        )
        for risk in risks:
            if risk.level not in ("low", "medium", "high") or risk.theme not in raw["themes"]:
                raise ValueError(f"{profile['country']}/{profile['sector']}: {risk.theme} {risk.level}")
        profiles[(profile["country"], profile["sector"])] = risks
    return RiskData(str(raw.get("version", "")), dict(raw.get("synthetic_note", {})), dict(raw["headings"]),
                    dict(raw["themes"]), dict(raw["sectors"]), dict(raw["countries"]), profiles)


def hq_risk_file() -> Path:
    """Risk reference data sent by HQ through sync; it takes the place of the shipped file."""
    from postapp.paths import user_data_dir

    return user_data_dir() / "hq" / "risk" / "risk_profiles.json"


@cache
def load(path: Path | None = None) -> RiskData:
    if path is None:
        path = hq_risk_file() if hq_risk_file().is_file() else risk_file()
    try:
        return parse(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PostAppError(_("The risk reference data ({name}) cannot be read: {problem}").format(
            name=path.name, problem=exc)) from exc
