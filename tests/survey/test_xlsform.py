"""Reading XLSForm workbooks: a valid bilingual form in full, and every refusal naming sheet, row and feature."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest

from postapp.survey.expressions import holds
from postapp.survey.form import DEFAULT, Form, Group, QuestionType
from postapp.survey.xlsform import MAX_FORM_BYTES, FormError, load_form
from tests.survey.xlsforms import SETTINGS, Rows, write_xlsform

SURVEY_HEAD = ["type", "name", "label::Nederlands (nl)", "label::English (en)", "hint::English (en)", "required",
               "required_message::English (en)", "relevant", "constraint", "constraint_message::Nederlands (nl)",
               "constraint_message::English (en)", "choice_filter", "appearance"]
SURVEY: Rows = [
    SURVEY_HEAD,
    ["begin group", "about", "Over u", "About you", "", "", "", "", "", "", "", "", "field-list"],
    ["select_one countries", "country", "Land", "Country", "Where you work", "yes", "Pick one"],
    ["select_one cities", "city", "Stad", "City", "", "TRUE()", "", "", "", "", "", "country = ${country}"],
    ["integer", "age", "Leeftijd", "Age", "", "no", "", "", ". >= 18 and . < 120", "Te jong", "Too young"],
    ["end group"],
    [],  # a blank row is skipped
    ["begin_group", "work", "Werk", "Work", "", "", "", "${age} >= 18"],
    ["begin group", "details", "Details", "Details", "", "", "", "selected(${country}, 'nl')"],
    ["select_multiple crops", "crops", "Gewassen", "Crops", "", 1],
    ["text", "other_crop", "Ander gewas", "Other crop", "", "", "", "selected(${crops}, 'other')"],
    ["end_group"],
    ["decimal", "income", "Inkomen", "Income"],
    ["end group"],
    ["date", "visit", "Bezoek", "Visit", "", "", "", "", ". <= today()"],
    ["note", "thanks", "Dank u", "Thank you"],
]
CHOICES: Rows = [
    ["list_name", "name", "label::Nederlands (nl)", "label::English (en)", "Country"],
    ["countries", "nl", "Nederland", "Netherlands"],
    ["countries", "be", "België", "Belgium"],
    ["cities", "ams", "Amsterdam", "Amsterdam", "nl"],
    ["cities", "bru", "Brussel", "Brussels", "be"],
    ["crops", "rice", "Rijst", "Rice"],
    ["crops", "other", "Anders", "Other"],
]
FULL_SETTINGS: Rows = [
    ["form_title::Nederlands (nl)", "form_title::English (en)", "form_title", "form_id", "version",
     "default_language"],
    ["Onderzoek", "Study", "Plain title", "study", 2026110101, "Nederlands (nl)"],
]


def load(tmp_path: Path, survey: Rows | None, choices: Rows | None = CHOICES, settings: Rows | None = SETTINGS,
         **other: Rows) -> Form:
    return load_form(write_xlsform(tmp_path / "form.xlsx", survey, choices, settings, **other))


def refused(tmp_path: Path, survey: Rows | None, choices: Rows | None = CHOICES,
            settings: Rows | None = SETTINGS, **other: Rows) -> FormError:
    with pytest.raises(FormError) as caught:
        load(tmp_path, survey, choices, settings, **other)
    return caught.value


def survey_with(*rows: Sequence[object], head: Sequence[object] = ("type", "name", "label")) -> Rows:
    return [list(head), *[list(row) for row in rows]]


def test_a_bilingual_form_with_groups(tmp_path: Path) -> None:
    form = load_form(write_xlsform(tmp_path / "form.xlsx", SURVEY, CHOICES, FULL_SETTINGS))
    assert form.form_id == "study"
    assert form.version == "2026110101"
    assert form.titles == {"nl": "Onderzoek", "en": "Study", DEFAULT: "Plain title"}
    assert form.default_language == "nl"
    assert form.languages == ("en", "nl")
    assert [q.name for q in form.questions()] == ["country", "city", "age", "crops", "other_crop", "income",
                                                  "visit", "thanks"]
    groups = form.groups()
    assert list(groups) == ["about", "work", "details"]
    assert groups["about"].labels == {"nl": "Over u", "en": "About you"}
    assert groups["work"].relevant is not None and groups["work"].relevant.references == {"age"}
    assert isinstance(form.children[1], Group) and isinstance(form.children[1].children[0], Group)

    country = form.question("country")
    assert country.type is QuestionType.SELECT_ONE
    assert country.list_name == "countries"
    assert country.required is True
    assert country.hints == {"en": "Where you work"}
    assert country.required_messages == {"en": "Pick one"}
    assert country.row == 3
    assert country.group_path == ("about",)

    age = form.question("age")
    assert age.type is QuestionType.INTEGER and age.required is False
    assert age.constraint is not None and age.constraint.uses_current
    assert holds(age.constraint, {}, 30) and not holds(age.constraint, {}, 12)
    assert age.constraint_messages == {"nl": "Te jong", "en": "Too young"}

    city = form.question("city")
    assert city.required is True
    assert city.choice_filter is not None
    kept = [c.name for c in form.choices["cities"]
            if holds(city.choice_filter, {"country": "be"}, choice={**c.columns, "name": c.name})]
    assert kept == ["bru"]
    assert form.choices["cities"][0].columns == {"country": "nl"}
    assert form.choices["countries"][1].labels == {"nl": "België", "en": "Belgium"}

    crops = form.question("crops")
    assert crops.type is QuestionType.SELECT_MULTIPLE and crops.required is True
    assert form.question("other_crop").group_path == ("work", "details")
    assert form.question("income").group_path == ("work",)
    assert form.question("income").type is QuestionType.DECIMAL
    assert form.question("visit").type is QuestionType.DATE and form.question("visit").group_path == ()
    assert form.question("thanks").type is QuestionType.NOTE
    assert form.question("thanks").row == 16  # the blank row 7 still counts
    assert form.label(form.question("thanks"), "en") == "Thank you"


def test_a_form_from_bytes_with_plain_labels_and_sheet_names_in_any_case(tmp_path: Path) -> None:
    path = tmp_path / "form.xlsx"
    write_xlsform(path, None, None, None,
                  Survey=[[" Type ", "NAME", "Label", "Label::English"], ["Text", "q", "Vraag", "Question"]],
                  SETTINGS=[["Form_ID", "Version", "Default_Language"], ["f", "v1", "en"]])
    form = load_form(path.read_bytes())
    assert form.question("q").labels == {DEFAULT: "Vraag", "english": "Question"}
    assert form.question("q").type is QuestionType.TEXT
    assert form.languages == ("english",)
    assert form.default_language == "en"
    assert form.choices == {}


def test_the_shipped_study_form_loads() -> None:
    path = Path(__file__).parents[2] / "resources" / "questionnaires" / "imvo_guidelines_study.xlsx"
    if not path.exists():
        pytest.skip("the study questionnaire is not in this checkout")
    form = load_form(path)
    assert form.languages == ("en", "nl")
    assert list(form.questions())


@pytest.mark.parametrize(("type_", "fragment"), [
    ("calculate", "'calculate'"),
    ("geopoint", "'geopoint'"),
    ("image", "'image'"),
    ("begin repeat", "'begin repeat'"),
    ("rank colours", "'rank colours'"),
    ("range", "'range'"),
    ("barcode", "'barcode'"),
    ("acknowledge", "'acknowledge'"),
    ("hidden", "'hidden'"),
    ("start", "'start'"),
    ("today", "'today'"),
    ("deviceid", "'deviceid'"),
    ("select_one_from_file towns.csv", "'select_one_from_file towns.csv'"),
    ("select_one countries or_other", "or_other"),
    ("select_one", "needs the name of a choice list"),
    ("select_one a b", "'select_one a b'"),
])
def test_unsupported_types(tmp_path: Path, type_: str, fragment: str) -> None:
    error = refused(tmp_path, survey_with(["text", "a", "A"], [type_, "b", "B"]))
    assert fragment in str(error)
    assert (error.sheet, error.row) == ("survey", 3)
    assert str(error).startswith("Sheet 'survey', row 3: ")


@pytest.mark.parametrize("column", ["calculation", "default", "repeat_count", "trigger", "read_only",
                                    "media::image", "parameters", "label:English", "required::en"])
def test_unsupported_columns_in_use(tmp_path: Path, column: str) -> None:
    error = refused(tmp_path, survey_with(["text", "a", "A"], ["text", "b", "B", "x"],
                                          head=("type", "name", "label", column)))
    assert f"'{column}'" in str(error)
    assert error.row == 3


def test_an_unknown_column_left_empty_is_harmless(tmp_path: Path) -> None:
    form = load(tmp_path, survey_with(["text", "a", "A"], head=("type", "name", "label", "calculation")))
    assert [q.name for q in form.questions()] == ["a"]


@pytest.mark.parametrize(("survey", "row", "fragment"), [
    (survey_with(["text", "a", "A", "x"]), 2, "column D has a value but no heading"),
    (survey_with(["text", "a"], head=("type", "name", "label", "Label")), 1, "'Label' appears twice"),
    (survey_with(["text", "a"], head=("type", "label")), 1, "column 'name' is missing"),
    (survey_with(["a"], head=("name", "label")), 1, "column 'type' is missing"),
    (survey_with(["text", "a", "A"], ["", "b", "B"]), 3, "no type"),
    (survey_with(["text", "", "A"]), 2, "text row has no name"),
    (survey_with(["note", "", "Hello"]), 2, "note row has no name"),
    (survey_with(["begin group", "", "G"], ["text", "a"], ["end group"]), 2, "begin group row has no name"),
    (survey_with(["text", "1st", "A"]), 2, "'1st' is not a valid name"),
    (survey_with(["text", "a b", "A"]), 2, "'a b' is not a valid name"),
    (survey_with(["text", "a", "A"], ["integer", "a", "B"]), 3, "name 'a' is already used on row 2"),
    (survey_with(["begin group", "a"], ["text", "b"], ["end group"], ["text", "a"]), 5, "'a' is already used"),
    (survey_with(["text", "a"], ["end group"]), 3, "'end group' without a 'begin group'"),
    (survey_with(["begin group", "g"], ["begin group", "h"], ["text", "a"], ["end group"]), 2,
     "group 'g' is not closed"),
    (survey_with(["begin group", "g"], ["end group"], ["text", "a"]), 2, "group 'g' has no questions"),
    (survey_with(["select_one nowhere", "a"]), 2, "no choice list 'nowhere'"),
    (survey_with(["text", "a", "maybe"], head=("type", "name", "required")), 2, "required column holds 'maybe'"),
    (survey_with(["text", "a", "${b} >"], head=("type", "name", "relevant")), 2,
     "relevant expression is not valid: the expression ends too soon (position 7)"),
    (survey_with(["integer", "a", "pulldata('x', 'y', 'z', 1)"], head=("type", "name", "constraint")), 2,
     "constraint expression is not valid: the function pulldata() is not supported"),
    (survey_with(["text", "a", "${b} = 1"], head=("type", "name", "relevant")), 2,
     "uses ${b}, but there is no question named 'b'"),
    (survey_with(["integer", "a", ". > ${nope}"], head=("type", "name", "constraint")), 2,
     "constraint expression uses ${nope}"),
    (survey_with(["begin group", "g", ""], ["text", "a", "${g} = 1"], ["end group"],
                 head=("type", "name", "relevant")), 3, "${g}, which is a group"),
    (survey_with(["integer", "a", ". > 1"], head=("type", "name", "relevant")), 2,
     "relevant expression uses '.'"),
    (survey_with(["text", "a", "country = 'nl'"], head=("type", "name", "choice_filter")), 2,
     "only select_one and select_multiple questions can have a choice_filter"),
    (survey_with(["begin group", "g", "country = 'nl'"], ["text", "a"], ["end group"],
                 head=("type", "name", "choice_filter")), 2, "can have a choice_filter"),
    (survey_with(["select_one cities", "a", "region = 'x'"], head=("type", "name", "choice_filter")), 2,
     "reads 'region', which is not a column of the choices sheet"),
    (survey_with(["select_one cities", "a", "${a} = ."], head=("type", "name", "choice_filter")), 2,
     "choice_filter expression uses '.'"),
    (survey_with(["select_one cities", "a", "../country = 1"], head=("type", "name", "choice_filter")), 2,
     "'..' at position 1 is not supported"),
])
def test_refusals_on_the_survey_sheet(tmp_path: Path, survey: Rows, row: int, fragment: str) -> None:
    error = refused(tmp_path, survey)
    assert fragment in str(error)
    assert error.sheet == "survey"
    assert error.row == row
    assert f"row {row}:" in str(error)


def test_a_choice_filter_reading_an_existing_column_and_the_choice_name_loads(tmp_path: Path) -> None:
    form = load(tmp_path, survey_with(["select_one cities", "a", "country = 'nl' or name = 'bru'"],
                                      head=("type", "name", "choice_filter")))
    filter_ = form.question("a").choice_filter
    assert filter_ is not None and filter_.columns == {"country", "name"}


@pytest.mark.parametrize(("rows", "names"), [
    ([["text", "a", "${a} != ''"]], "a → a"),
    ([["text", "a", "${b} = 1"], ["text", "b", "${a} = 1"]], "a → b → a"),
    ([["text", "a", "${c} = 1"], ["text", "b", "${a} = 1"], ["text", "c", "${b} = 1"]], "a → c → b → a"),
    ([["begin group", "g", "${a} = 1"], ["text", "a", ""], ["end group"]], "a → a"),
    ([["text", "a", "${b} = 1"], ["begin group", "g", "${a} = 1"], ["text", "b", ""], ["end group"]],
     "a → b → a"),
])
def test_relevant_cycles(tmp_path: Path, rows: list[list[object]], names: str) -> None:
    error = refused(tmp_path, survey_with(*rows, head=("type", "name", "relevant")))
    assert f"depend on each other in a circle: {names}." in str(error)
    assert error.sheet == "survey" and error.row is not None


def test_a_chain_of_relevants_without_a_circle_loads(tmp_path: Path) -> None:
    rows = [["text", "a", ""], ["text", "b", "${a} = 1"], ["begin group", "g", "${b} = 1"], ["text", "c", "${a} = 1"],
            ["end group"], ["text", "d", "${c} = 1 and ${b} = 1"]]
    form = load(tmp_path, survey_with(*rows, head=("type", "name", "relevant")))
    assert [q.name for q in form.questions()] == ["a", "b", "c", "d"]


@pytest.mark.parametrize(("choices", "row", "fragment"), [
    ([["list_name", "name"], ["countries", "nl"], ["countries", "nl"]], 3, "already has a choice named 'nl' (row 2)"),
    ([["list_name", "name"], ["countries", ""], ["countries", "be"]], 2, "choice has no name"),
    ([["list_name", "name", "label"], ["", "nl", "NL"]], 2, "no list_name"),
    ([["name", "label"], ["nl", "NL"]], 1, "column 'list_name' is missing"),
    ([["list_name", "name", "media::image"], ["countries", "nl", "nl.png"]], 2, "'media::image' is not supported"),
    ([["list_name", "name", "image"], ["countries", "nl", "nl.png"]], 2, "'image' is not supported"),
])
def test_refusals_on_the_choices_sheet(tmp_path: Path, choices: Rows, row: int, fragment: str) -> None:
    error = refused(tmp_path, survey_with(["select_one countries", "a"]), choices)
    assert fragment in str(error)
    assert (error.sheet, error.row) == ("choices", row)


def test_a_select_without_choices_sheet_or_list(tmp_path: Path) -> None:
    error = refused(tmp_path, survey_with(["text", "a"], ["select_one countries", "b"]), None)
    assert "no choice list 'countries'" in str(error) and error.row == 3
    error = refused(tmp_path, survey_with(["select_multiple crops", "b"]),
                    [["list_name", "name"], ["countries", "nl"]])
    assert "no choice list 'crops'" in str(error)


def test_a_choice_name_with_a_space_only_in_a_select_multiple(tmp_path: Path) -> None:
    choices = [["list_name", "name"], ["towns", "den haag"]]
    assert load(tmp_path, survey_with(["select_one towns", "a"]), choices) is not None
    error = refused(tmp_path, survey_with(["select_multiple towns", "a"]), choices)
    assert "'den haag' contains a space" in str(error)
    assert (error.sheet, error.row) == ("choices", 2)


@pytest.mark.parametrize(("settings", "row", "fragment"), [
    ([["form_id", "version"], ["", "1"]], 2, "form_id is missing"),
    ([["form_id"], ["f"]], 2, "version is missing"),
    ([["version"]], 2, "form_id is missing"),
    ([["form_id", "version", "style"], ["f", "1", "pages"]], 2, "'style' is not supported"),
    ([["form_id", "version"], ["f", "1"], ["g", "2"]], 3, "one row"),
])
def test_refusals_on_the_settings_sheet(tmp_path: Path, settings: Rows, row: int, fragment: str) -> None:
    error = refused(tmp_path, survey_with(["text", "a"]), settings=settings)
    assert fragment in str(error)
    assert (error.sheet, error.row) == ("settings", row)


def test_missing_sheets(tmp_path: Path) -> None:
    assert "no settings sheet" in str(refused(tmp_path, survey_with(["text", "a"]), settings=None))
    assert "no sheet named survey" in str(refused(tmp_path, None, other=[["type", "name"], ["text", "a"]]))
    error = refused(tmp_path, [["type", "name"]])
    assert "there are no questions" in str(error) and error.sheet == "survey" and error.row is None


def test_a_file_that_is_no_workbook(tmp_path: Path) -> None:
    with pytest.raises(FormError, match="not an Excel workbook"):
        load_form(b"type,name\ntext,a\n")
    text = tmp_path / "form.xlsx"
    text.write_text("type,name\n")
    with pytest.raises(FormError, match="not an Excel workbook"):
        load_form(text)
    with pytest.raises(FormError, match="cannot be read"):
        load_form(tmp_path / "missing.xlsx")
    other_zip = tmp_path / "other.zip"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(FormError, match="not an Excel workbook"):
        load_form(other_zip)


def test_a_truncated_workbook(tmp_path: Path) -> None:
    data = write_xlsform(tmp_path / "form.xlsx", survey_with(["text", "a"])).read_bytes()
    with pytest.raises(FormError, match="not an Excel workbook"):
        load_form(data[: len(data) // 2])
    with pytest.raises(FormError, match="not an Excel workbook"):
        load_form(data[: len(data) - 30])  # the zip directory cut short


def test_a_workbook_with_a_damaged_part(tmp_path: Path) -> None:
    source = write_xlsform(tmp_path / "form.xlsx", survey_with(["text", "a"]))
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(damaged, "w") as copy:
        for member in original.infolist():
            data = original.read(member)
            copy.writestr(member, b"<workbook" if member.filename == "xl/workbook.xml" else data)
    with pytest.raises(FormError, match="not an Excel workbook"):
        load_form(damaged)


def test_a_file_that_is_too_large(tmp_path: Path) -> None:
    with pytest.raises(FormError, match="larger than 10 MB"):
        load_form(b"\0" * (MAX_FORM_BYTES + 1))
    big = tmp_path / "big.xlsx"
    with big.open("wb") as fh:
        fh.truncate(MAX_FORM_BYTES + 1)  # sparse: no 10 MB written
    with pytest.raises(FormError, match="larger than 10 MB"):
        load_form(big)


def _bomb(path: Path, megabytes: int) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(megabytes):
                member.write(chunk)
    return path


def test_zip_bombs(tmp_path: Path) -> None:
    bomb = _bomb(tmp_path / "bomb.xlsx", 200)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(FormError, match="unpacks to far more data"):
        load_form(bomb)
    # small enough in total, but packed a thousand times tighter than any spreadsheet
    with pytest.raises(FormError, match="unpacks to far more data"):
        load_form(_bomb(tmp_path / "dense.xlsx", 5))


def test_form_error_without_sheet_or_row() -> None:
    assert str(FormError("Broken.")) == "Broken."
    assert str(FormError("gone.", sheet="choices")) == "Sheet 'choices': gone."
    assert str(FormError("gone.", sheet="choices", row=4)) == "Sheet 'choices', row 4: gone."


def test_a_far_away_row_is_refused_quickly(tmp_path: Path) -> None:
    """openpyxl yields every skipped row; a tiny file naming row one million must not keep the reader busy."""
    import time

    from openpyxl import load_workbook

    path = write_xlsform(tmp_path / "far.xlsx", [["type", "name", "label"], ["text", "a", "A"]])
    workbook = load_workbook(path)
    workbook["survey"].cell(row=1_000_000, column=1, value="note")
    workbook.save(path)
    assert path.stat().st_size < 20_000
    start = time.perf_counter()
    with pytest.raises(FormError, match=r"5,?000 rows"):
        load_form(path)
    assert time.perf_counter() - start < 5
