"""Write the questionnaire of the IMVO guidelines study as an XLSForm.

The ministry studied how posts rate the IMVO guidelines for posts on clarity (begrijpelijkheid), workability
(werkbaarheid) and user-friendliness (gebruiksvriendelijkheid), by a questionnaire and by interviews. The app
ships that questionnaire as ``resources/questionnaires/imvo_guidelines_study.xlsx``, an XLSForm
(https://xlsform.org), in Dutch and English.

The .xlsx is the source: HQ edits it in Excel, as ODK and KoboToolbox users do, and the app reads whatever
version HQ distributes. This script exists to document the shipped version (every question, choice and
expression is readable here, in review, next to the reasons for it) and to regenerate it; it does not need to
run again after HQ has edited the spreadsheet. Other code depends on the names used here (form_id, question and
choice names, the language columns), so change them only together with that code.

Usage: ``python tools/build_study_form.py [--output PATH]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = ROOT / "resources" / "questionnaires" / "imvo_guidelines_study.xlsx"

NL = "Nederlands (nl)"
EN = "English (en)"

FORM_ID = "imvo_guidelines_study"
VERSION = "2026.1"  # a string: Excel must not turn it into the number 2026.1

# A text in both languages: (Dutch, English).
Text = tuple[str, str]
NO_TEXT: Text = ("", "")


@dataclass(frozen=True)
class Row:
    """One row of the survey sheet."""

    type: str
    name: str = ""
    label: Text = NO_TEXT
    hint: Text = NO_TEXT
    required: bool = False
    relevant: str = ""
    constraint: str = ""
    constraint_message: Text = NO_TEXT
    appearance: str = ""


@dataclass(frozen=True)
class Choice:
    """One row of the choices sheet."""

    list_name: str
    name: str
    label: Text


SURVEY_COLUMNS: tuple[tuple[str, float], ...] = (
    # (header, column width in Excel characters)
    ("type", 30),
    ("name", 24),
    (f"label::{NL}", 60),
    (f"label::{EN}", 60),
    (f"hint::{NL}", 50),
    (f"hint::{EN}", 50),
    ("required", 10),
    ("relevant", 34),
    ("constraint", 26),
    (f"constraint_message::{NL}", 34),
    (f"constraint_message::{EN}", 34),
    ("appearance", 14),
)
CHOICES_COLUMNS: tuple[tuple[str, float], ...] = (
    ("list_name", 16),
    ("name", 26),
    (f"label::{NL}", 60),
    (f"label::{EN}", 60),
)
SETTINGS_COLUMNS: tuple[tuple[str, float], ...] = (
    (f"form_title::{NL}", 50),
    (f"form_title::{EN}", 50),
    ("form_id", 24),
    ("version", 10),
    ("default_language", 18),
)

FORM_TITLE: Text = (
    "Onderzoek naar de IMVO-richtlijnen voor posten",
    "Study of the IMVO guidelines for posts",
)

# The five core tasks of a post, in the order and (Dutch) wording of the Kamerbrief that introduced the
# updated guidelines: "1. expertise opbouwen door de post; 2. bewustwording met betrekking tot IMVO creëren bij
# het bedrijfsleven; 3. ondersteuning bieden aan het Nederlandse bedrijfsleven bij maatschappelijk verantwoord
# ondernemen; 4. het toepassen van IMVO-voorwaarden bij het geven van steun aan bedrijven; 5. IMVO agenderen in
# het land van accreditatie."
TASKS: tuple[tuple[str, Text], ...] = (
    ("expertise", ("Expertise opbouwen door de post", "Build expertise")),
    ("awareness", ("Bewustwording over IMVO creëren bij het bedrijfsleven", "Create awareness among companies")),
    ("support", ("Ondersteuning bieden aan het Nederlandse bedrijfsleven", "Support Dutch companies")),
    (
        "conditions",
        ("IMVO-voorwaarden toepassen bij steun aan bedrijven", "Apply IMVO conditions when supporting a company"),
    ),
    ("agenda", ("IMVO agenderen in het land van accreditatie", "Put IMVO on the agenda in the host country")),
)

# The three measures of the study. The scale labels below are the same for all three ("not at all" ... "fully"),
# so one choice list serves every rating and the answers of all measures can be compared and averaged.
SCALE_HINT: Text = (
    "Schaal van 1 (helemaal niet) tot 5 (volledig). Duidelijk: zonder nadere uitleg te begrijpen. "
    "Werkbaar: uit te voeren met de mensen en middelen van de post. "
    "Gebruiksvriendelijk: de praktische tools en goede voorbeelden zijn makkelijk te vinden en te gebruiken.",
    "Scale from 1 (not at all) to 5 (fully). Clear: understandable without further explanation. "
    "Workable: can be carried out with the post's people and means. "
    "User-friendly: the practical tools and good examples are easy to find and use.",
)

INTRO_NOTE: Text = (
    "Deze vragenlijst gaat na hoe posten de IMVO-richtlijnen voor posten beoordelen op duidelijkheid, "
    "werkbaarheid en gebruiksvriendelijkheid, per kerntaak en als geheel, en welke ondersteuning daarbij helpt. "
    "Het invullen duurt ongeveer 15 minuten. "
    "De antwoorden gaan naar het IMVO-team op het departement en worden alleen gebruikt om de richtlijnen en de "
    "ondersteuning van posten te verbeteren. "
    "Afgezien van het profiel van de post (regio, activiteit van het Nederlandse bedrijfsleven en functie) zijn de "
    "antwoorden anoniem.",
    "This questionnaire asks how posts rate the IMVO guidelines for posts on clarity, workability and "
    "user-friendliness, per core task and as a whole, and which support would help. "
    "It takes about 15 minutes. "
    "Answers go to the IMVO team at headquarters and are used only to improve the guidelines and the support "
    "for posts. "
    "Apart from the post's profile (region, activity of Dutch business and role), answers are anonymous.",
)

MULTIPLE_ANSWERS: Text = ("Meerdere antwoorden mogelijk.", "More than one answer possible.")


def group(name: str, label: Text, rows: Iterable[Row]) -> list[Row]:
    """A group: shown as one page in the app, and as one screen in ODK Collect (``field-list``)."""
    return [Row("begin group", name, label, appearance="field-list"), *rows, Row("end group")]


def ratings(name: str, subject: tuple[str, str], hint: Text) -> list[Row]:
    """The three required ratings (clarity, workability, usability) of one subject, hint on the first.

    ``name`` is a pattern with ``{measure}``, e.g. ``"{measure}_support"``; ``subject`` completes the question
    in both languages, e.g. ("is de richtlijn voor deze taak", "is the guideline for this task").
    """
    nl, en = subject
    questions: tuple[tuple[str, Text], ...] = (
        ("clarity", (f"Hoe duidelijk {nl}?", f"How clear {en}?")),
        ("workability", (f"Hoe werkbaar {nl}?", f"How workable {en}?")),
        ("usability", (f"Hoe gebruiksvriendelijk {nl}?", f"How user-friendly {en}?")),
    )
    return [
        Row(
            "select_one scale5",
            name.format(measure=measure),
            label,
            hint=hint if index == 0 else NO_TEXT,
            required=True,
        )
        for index, (measure, label) in enumerate(questions)
    ]


def survey() -> list[Row]:
    rows: list[Row] = []
    rows += group("intro", ("Introductie", "Introduction"), [Row("note", "intro_note", INTRO_NOTE)])
    rows += group(
        "profile",
        ("Profiel van de post", "Profile of the post"),
        [
            Row(
                "select_one regions",
                "region",
                ("In welke regio ligt de post?", "In which region is the post?"),
                required=True,
            ),
            Row(
                "select_one levels",
                "business_activity",
                (
                    "Hoe actief is het Nederlandse bedrijfsleven in het land?",
                    "How active is Dutch business in the country?",
                ),
                hint=(
                    "Denk aan het aantal Nederlandse bedrijven, handel en investeringen, handelsmissies en vragen "
                    "van bedrijven aan de post.",
                    "Think of the number of Dutch companies, trade and investment, trade missions and questions "
                    "from companies to the post.",
                ),
                required=True,
            ),
            Row("select_one roles", "role", ("Functie bij de post", "Role at the post"), required=True),
            Row(
                "text",
                "role_other",
                ("Welke functie?", "Which role?"),
                required=True,
                relevant="${role} = 'other'",
            ),
            Row(
                "decimal",
                "imvo_fte",
                ("Hoeveel fte werkt op de post aan IMVO?", "How many FTE at the post work on IMVO?"),
                hint=(
                    "Een schatting volstaat; deeltijd telt mee als deel van een fte.",
                    "An estimate is enough; count part-time work as part of an FTE.",
                ),
                constraint=". >= 0 and . <= 50",
                constraint_message=("Vul een aantal tussen 0 en 50 in.", "Enter a number from 0 to 50."),
            ),
        ],
    )
    for task, label in TASKS:
        rows += group(
            f"task_{task}",
            label,
            ratings(
                f"{{measure}}_{task}", ("is de richtlijn voor deze taak", "is the guideline for this task"), SCALE_HINT
            ),
        )
    rows += group(
        "overall",
        ("Totaaloordeel", "Overall"),
        ratings(
            "overall_{measure}",
            ("zijn de richtlijnen als geheel", "are the guidelines as a whole"),
            ("Schaal van 1 (helemaal niet) tot 5 (volledig).", "Scale from 1 (not at all) to 5 (fully)."),
        ),
    )
    rows += group(
        "actions",
        ("Extra acties", "Extra actions"),
        [
            Row(
                "select_one action_status",
                "extra_actions",
                (
                    "Hebben de richtlijnen geleid tot extra acties van de post?",
                    "Did the guidelines lead to extra actions at your post?",
                ),
                required=True,
            ),
            Row(
                "select_multiple actions",
                "actions_which",
                ("Welke acties?", "Which actions?"),
                hint=MULTIPLE_ANSWERS,
                required=True,
                relevant="${extra_actions} != 'none'",
                constraint="count-selected(.) >= 1",
                constraint_message=("Kies minstens één actie.", "Choose at least one action."),
            ),
            Row(
                "text",
                "actions_other",
                ("Welke andere acties?", "Which other actions?"),
                required=True,
                relevant="selected(${actions_which}, 'other')",
            ),
        ],
    )
    rows += group(
        "support",
        ("Ondersteuning", "Support"),
        [
            Row(
                "select_multiple support_types",
                "support_wished",
                ("Welke ondersteuning zou de post helpen?", "Which support would help your post?"),
                hint=MULTIPLE_ANSWERS,
            ),
            Row(
                "text",
                "support_other",
                ("Welke andere ondersteuning?", "Which other support?"),
                relevant="selected(${support_wished}, 'other')",
            ),
        ],
    )
    rows += group(
        "open_remarks",
        ("Opmerkingen", "Remarks"),
        [
            Row(
                "text",
                "remarks",
                ("Overige opmerkingen over de richtlijnen", "Other remarks about the guidelines"),
                appearance="multiline",
            ),
        ],
    )
    return rows


def choice_list(list_name: str, items: Sequence[tuple[str, Text]]) -> list[Choice]:
    return [Choice(list_name, name, label) for name, label in items]


def choices() -> list[Choice]:
    return [
        *choice_list(
            "regions",
            [
                ("africa", ("Afrika (ten zuiden van de Sahara)", "Africa (south of the Sahara)")),
                ("americas", ("Amerika", "Americas")),
                ("asia_oceania", ("Azië en Oceanië", "Asia and Oceania")),
                ("europe", ("Europa", "Europe")),
                ("middle_east_north_africa", ("Midden-Oosten en Noord-Afrika", "Middle East and North Africa")),
            ],
        ),
        *choice_list(
            "levels",
            [
                ("low", ("Laag", "Low")),
                ("medium", ("Gemiddeld", "Medium")),
                ("high", ("Hoog", "High")),
            ],
        ),
        *choice_list(
            "roles",
            [
                ("head_of_post", ("Hoofd van de post", "Head of post")),
                ("deputy_head", ("Plaatsvervangend hoofd van de post", "Deputy head of post")),
                ("economic_officer", ("Economisch medewerker", "Economic officer")),
                ("policy_officer", ("Beleidsmedewerker", "Policy officer")),
                ("local_staff", ("Lokaal aangenomen medewerker", "Locally employed staff")),
                ("other", ("Anders", "Other")),
            ],
        ),
        # Measure-neutral: the same five steps read right after "how clear", "how workable" and
        # "how user-friendly", so the three measures share one scale.
        *choice_list(
            "scale5",
            [
                ("1", ("1 – helemaal niet", "1 – not at all")),
                ("2", ("2 – in beperkte mate", "2 – slightly")),
                ("3", ("3 – in redelijke mate", "3 – moderately")),
                ("4", ("4 – grotendeels", "4 – largely")),
                ("5", ("5 – volledig", "5 – fully")),
            ],
        ),
        *choice_list(
            "action_status",
            [
                ("none", ("Nee", "No")),
                ("planned", ("Ja, gepland", "Yes, planned")),
                ("taken", ("Ja, ondernomen", "Yes, taken")),
                ("planned_and_taken", ("Ja, gepland en ondernomen", "Yes, both planned and taken")),
            ],
        ),
        *choice_list(
            "actions",
            [
                (
                    "imvo_sessions",
                    ("IMVO-bijeenkomsten voor Nederlandse bedrijven", "IMVO sessions for Dutch companies"),
                ),
                (
                    "company_advice",
                    ("Advies over IMVO aan individuele bedrijven", "IMVO advice to individual companies"),
                ),
                (
                    "trade_mission_screening",
                    ("IMVO-toets van deelnemers aan handelsmissies", "IMVO screening of trade mission participants"),
                ),
                (
                    "host_government_dialogue",
                    (
                        "Gesprekken over IMVO met de overheid van het gastland",
                        "Dialogue on IMVO with the host government",
                    ),
                ),
                (
                    "civil_society_network",
                    (
                        "Netwerk opgebouwd met maatschappelijke organisaties en vakbonden",
                        "Network built with civil society and trade unions",
                    ),
                ),
                ("staff_training", ("Training van medewerkers van de post", "Training for post staff")),
                (
                    "good_example_shared",
                    (
                        "Goed voorbeeld gedeeld met andere posten of het departement",
                        "Good example shared with other posts or headquarters",
                    ),
                ),
                ("other", ("Anders", "Other")),
            ],
        ),
        *choice_list(
            "support_types",
            [
                ("good_examples", ("Goede voorbeelden van andere posten", "Good examples from other posts")),
                ("training", ("Training over IMVO", "Training on IMVO")),
                ("templates", ("Sjablonen en checklists", "Templates and checklists")),
                (
                    "country_risk_info",
                    (
                        "Informatie over IMVO-risico's per land en sector",
                        "Information on IMVO risks by country and sector",
                    ),
                ),
                ("hq_helpdesk", ("Vraagbaak op het departement", "Helpdesk at headquarters")),
                ("exchange_between_posts", ("Uitwisseling tussen posten", "Exchange between posts")),
                ("other", ("Anders", "Other")),
            ],
        ),
    ]


ALLOWED_TYPES = ("text", "integer", "decimal", "date", "note", "begin group", "end group")
REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def check(rows: Sequence[Row], choice_rows: Sequence[Choice]) -> None:
    """Fail loudly on a form the app would reject: unknown types, lists or references, duplicate names."""
    lists: dict[str, list[str]] = {}
    for choice in choice_rows:
        names = lists.setdefault(choice.list_name, [])
        if choice.name in names:
            raise ValueError(f"duplicate choice {choice.name!r} in list {choice.list_name!r}")
        names.append(choice.name)
    # Questions and groups are named apart: the group ``remarks`` holds the question ``remarks`` (XForms allows
    # it, the path is /remarks/remarks), and ${...} always means a question.
    questions: set[str] = set()
    groups: set[str] = set()
    depth = 0
    for row in rows:
        kind, _, list_name = row.type.partition(" ")
        if kind in ("select_one", "select_multiple"):
            if list_name not in lists:
                raise ValueError(f"{row.name}: unknown choice list {list_name!r}")
        elif row.type not in ALLOWED_TYPES:
            raise ValueError(f"{row.name}: type {row.type!r} is not used in this form")
        if row.type == "end group":
            depth -= 1
            if depth < 0:
                raise ValueError("end group without begin group")
            continue
        seen = groups if row.type == "begin group" else questions
        if not row.name or row.name in seen:
            raise ValueError(f"missing or duplicate name {row.name!r}")
        seen.add(row.name)
        if row.type == "begin group":
            depth += 1
        for expression in (row.relevant, row.constraint):
            for reference in REFERENCE.findall(expression):
                if reference not in questions or reference == row.name:
                    raise ValueError(f"{row.name}: {expression!r} refers to {reference!r}, not asked before it")
    if depth:
        raise ValueError("begin group without end group")


def fill(sheet: Worksheet, columns: Sequence[tuple[str, float]], rows: Iterable[Sequence[str]]) -> None:
    """Header in bold and frozen, readable widths, long texts wrapped, every cell a string."""
    sheet.append([header for header, _ in columns])
    for row in rows:
        sheet.append([value or None for value in row])  # empty cells stay empty, not ""
    for index, (header, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        wrap = "::" in header  # labels, hints and messages
        for cells in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            for cell in cells:
                cell.number_format = "@"
                cell.alignment = Alignment(vertical="top", wrap_text=wrap)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"


def build(output: Path) -> None:
    rows = survey()
    choice_rows = choices()
    check(rows, choice_rows)

    workbook = Workbook()
    workbook.properties.creator = "tools/build_study_form.py"
    workbook.properties.title = FORM_TITLE[1]
    workbook.properties.created = dt.datetime(2026, 1, 1)

    survey_sheet = workbook.active
    assert survey_sheet is not None
    survey_sheet.title = "survey"
    fill(
        survey_sheet,
        SURVEY_COLUMNS,
        (
            (
                row.type,
                row.name,
                *row.label,
                *row.hint,
                "yes" if row.required else "",
                row.relevant,
                row.constraint,
                *row.constraint_message,
                row.appearance,
            )
            for row in rows
        ),
    )
    fill(
        workbook.create_sheet("choices"),
        CHOICES_COLUMNS,
        ((choice.list_name, choice.name, *choice.label) for choice in choice_rows),
    )
    fill(workbook.create_sheet("settings"), SETTINGS_COLUMNS, [(*FORM_TITLE, FORM_ID, VERSION, NL)])

    output.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(output)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help=f"default: {DEFAULT_OUTPUT}")
    args = parser.parse_args(argv)
    output: Path = args.output
    build(output)
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
