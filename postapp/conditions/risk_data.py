"""Country × sector risk reference data (``resources/risk/risk_profiles.json``), in the shape of the
public CSR Risk Check: themes under four headings, each risk with a level, advice and its source.

The file is data so headquarters can send an updated one through sync; the app only reads it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from postapp.errors import PostAppError
from postapp.i18n import _, language
from postapp.paths import resources_dir

Localised = dict[str, str]


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

    def sector_key(self, text: str) -> str | None:
        """The sector key for an organisation's free-text sector ("Textiles and clothing" -> "textiles")."""
        wanted = text.strip().casefold()
        if not wanted:
            return None
        if wanted in self.sectors:
            return wanted
        for key, sector in self.sectors.items():
            names = [sector.get("nl", ""), sector.get("en", ""), *sector.get("aliases", [])]
            if any(name and name.casefold() == wanted for name in names):
                return key
        for key, sector in self.sectors.items():
            names = [sector.get("nl", ""), sector.get("en", ""), *sector.get("aliases", [])]
            if any(name and (name.casefold() in wanted or wanted in name.casefold()) for name in names):
                return key
        return None

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


@cache
def load(path: Path | None = None) -> RiskData:
    path = path or risk_file()
    try:
        return parse(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PostAppError(_("The risk reference data ({name}) cannot be read: {problem}").format(
            name=path.name, problem=exc)) from exc
