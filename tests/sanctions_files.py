"""Small sanctions list files written to the publishers' schemas, for the import and screening tests.

EU: the Financial Sanctions Files "xmlFullSanctionsList_1_1" export (root ``export`` in the namespace
``http://eu.europa.ec/fpi/fsd/export``). OpenSanctions: the "targets.simple.csv" export.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import quoteattr

EU_NS = "http://eu.europa.ec/fpi/fsd/export"
OS_HEADER = ["id", "schema", "name", "aliases", "birth_date", "countries", "addresses", "identifiers", "sanctions",
             "phones", "emails", "program_ids", "dataset", "first_seen", "last_seen", "last_change"]


@dataclass
class EuEntity:
    logical_id: int
    names: list[str]  # the first is the English primary name
    subject: str = "person"  # "person" | "enterprise"
    programme: str = "IRQ"
    citizenship: list[str] = field(default_factory=list)
    address_countries: list[str] = field(default_factory=list)
    foreign_names: list[tuple[str, str]] = field(default_factory=list)  # (name, language)


def eu_entity_xml(e: EuEntity) -> str:
    classification = "P" if e.subject == "person" else "E"
    parts = [
        f'  <sanctionEntity designationDetails="" unitedNationId="" euReferenceNumber="EU.{e.logical_id}.28" '
        f'logicalId="{e.logical_id}">',
        "    <remark>UNSC RESOLUTION 1483</remark>",
        f'    <regulation regulationType="regulation" organisationType="council" publicationDate="2003-07-08" '
        f'entryIntoForceDate="2003-07-08" numberTitle="1210/2003 (OJ L169)" programme="{e.programme}" '
        f'logicalId="{e.logical_id * 10}">',
        "      <publicationUrl>http://eur-lex.europa.eu/LexUriServ/LexUriServ.do?uri=OJ:L:2003:169:0006:0023:EN:PDF"
        "</publicationUrl>",
        "    </regulation>",
        f'    <subjectType code="{e.subject}" classificationCode="{classification}"/>',
    ]
    aliases = [(name, "", "en") for name in e.names] + [(n, lang, lang.lower()) for n, lang in e.foreign_names]
    for i, (name, language, regulation_language) in enumerate(aliases):
        first, _sep, last = name.partition(" ") if e.subject == "person" else ("", "", "")
        parts.append(
            f'    <nameAlias firstName={quoteattr(first)} middleName="" lastName={quoteattr(last)} '
            f'wholeName={quoteattr(name)} function="" gender="" title="" nameLanguage="{language}" '
            f'strong="{"true" if i == 0 else "false"}" regulationLanguage="{regulation_language}" '
            f'logicalId="{e.logical_id * 100 + i}">')
        parts.append('      <regulationSummary regulationType="regulation" publicationDate="2003-07-08" '
                     'numberTitle="1210/2003 (OJ L169)" publicationUrl="http://eur-lex.europa.eu/"/>')
        parts.append("    </nameAlias>")
    for code in e.citizenship:
        parts.append(f'    <citizenship region="" countryIso2Code="{code}" countryDescription="" '
                     f'regulationLanguage="en" logicalId="{e.logical_id}"/>')
    for code in e.address_countries:
        parts.append(f'    <address city="" street="" poBox="" zipCode="" countryIso2Code="{code}" '
                     f'countryDescription="" asAtListingTime="false" regulationLanguage="en" '
                     f'logicalId="{e.logical_id}"/>')
    parts.append("  </sanctionEntity>")
    return "\n".join(parts)


def eu_xml(entities: list[EuEntity], generated: str = "2026-11-20T10:00:00.000+01:00") -> str:
    body = "\n".join(eu_entity_xml(e) for e in entities)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<export xmlns="{EU_NS}" generationDate="{generated}" globalFileId="184961">\n{body}\n</export>\n')


def write_eu(path: Path, entities: list[EuEntity], generated: str = "2026-11-20T10:00:00.000+01:00") -> Path:
    path.write_text(eu_xml(entities, generated), encoding="utf-8")
    return path


def os_row(id_: str, schema: str, name: str, aliases: Sequence[str] = (), countries: Sequence[str] = (),
           program_ids: str = "", sanctions: str = "", last_seen: str = "2026-11-18T04:00:00",
           last_change: str = "2026-11-02T10:00:00") -> dict[str, str]:
    return {"id": id_, "schema": schema, "name": name, "aliases": ";".join(aliases), "birth_date": "",
            "countries": ";".join(countries), "addresses": "", "identifiers": "", "sanctions": sanctions,
            "phones": "", "emails": "", "program_ids": program_ids, "dataset": "EU Financial Sanctions Files (FSF)",
            "first_seen": "2022-03-01T12:00:00", "last_seen": last_seen, "last_change": last_change}


def write_os(path: Path, rows: list[dict[str, str]], header: list[str] = OS_HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


SADDAM = EuEntity(13, ["Saddam Hussein Al-Tikriti", "Abu Ali", "Saddam Husayn al-Tikriti"], citizenship=["IQ"],
                  foreign_names=[("صدام حسين التكريتي", "AR")])
AL_QAIDA = EuEntity(2, ["Al-Qaida", "Al Qaeda", "The Base"], subject="enterprise", programme="TAQA",
                    foreign_names=[("القاعدة", "AR")])
LUKOIL_EU = EuEntity(5001, ["Public Joint Stock Company Lukoil Oil Company"], subject="enterprise",
                     programme="RUS", address_countries=["RU", "RU", "00"],
                     foreign_names=[("ПАО «Нефтяная компания «ЛУКОЙЛ»", "RU")])
PRIGOZHIN = EuEntity(7001, ["Yevgeniy Viktorovich Prigozhin"], programme="LBY", citizenship=["RU"],
                     foreign_names=[("Евгений Викторович Пригожин", "RU")])


def default_eu(path: Path) -> Path:
    return write_eu(path, [SADDAM, AL_QAIDA, LUKOIL_EU, PRIGOZHIN])


OS_ROWS = [
    os_row("NK-lukoil", "Company", "ЛУКОЙЛ", ["Lukoil", "LUKOIL PJSC", "Lukoil Oil Company"], ["ru"],
           program_ids="EU-RUS;GB-RUS"),
    os_row("NK-nguyen-trading", "Company", "Nguyễn Văn A Trading", ["Công ty TNHH Nguyễn Văn A"], ["vn"],
           sanctions="Sanctioned by the example programme", last_change="2026-11-19T08:00:00"),
    os_row("Q1317", "Person", "Usama bin Laden", ["Osama bin Laden", "أسامة بن لادن"], ["sa", "af"],
           program_ids="UN-SC1267"),
    os_row("NK-vessel", "Vessel", "Ocean Star", [], ["kp"]),
]


def default_os(path: Path) -> Path:
    return write_os(path, OS_ROWS)
