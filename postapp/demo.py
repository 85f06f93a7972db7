"""A realistic demo post (the embassy in Hanoi) at any size, for first runs, tests and benchmarks.

Rows are generated as plain dicts and written with one ``executemany`` per table inside a single
transaction: the whole store is filled or, on any error, left as it was.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from postapp.domain import (
    Activity,
    ActivityKind,
    CoreTask,
    FollowUp,
    Organisation,
    OrganisationKind,
    Person,
    SectorAgreement,
    Tag,
)
from postapp.domain.activities import activity_organisation, activity_person
from postapp.domain.organisations import organisation_agreement
from postapp.domain.persons import person_tag
from postapp.errors import PostAppError
from postapp.i18n import _, format_number
from postapp.store import search_index

POST_CODE = "HAN"
COUNTRY = "VN"
MAX_PERSONS = 100_000

VN_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
             "Ngô", "Dương", "Lý"]
VN_MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quốc", "Ngọc", "Thu", "Xuân"]
VN_GIVEN = ["An", "Bình", "Chi", "Dũng", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Huy", "Lan", "Linh", "Long", "Mai",
            "Nam", "Ngọc", "Phương", "Quân", "Thảo", "Trang", "Tuấn", "Việt", "Khoa", "Tâm"]
NL_GIVEN = ["Jan", "Pieter", "Sanne", "Anouk", "Daan", "Eva", "Lotte", "Bram", "Femke", "Joost", "Marieke",
            "Sophie", "Thijs", "Noor", "Ruben", "Iris"]
NL_FAMILY = ["de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
             "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Dijk", "Dekker"]
NL_WOMEN = {"Sanne", "Anouk", "Eva", "Lotte", "Femke", "Marieke", "Sophie", "Noor", "Iris"}
VN_WOMEN_MIDDLE, VN_MEN_MIDDLE = "Thị", "Văn"
SECTORS = ["Textiles and clothing", "Agriculture and horticulture", "Food", "Construction", "Chemicals", "Energy",
           "Financial sector", "Metal and electronics", "Wood and paper", "Retail", "Logistics", "Water"]
PLACES = ["Hanoi", "Ho Chi Minh City", "Da Nang", "Hai Phong", "Can Tho", "Binh Duong", "Dong Nai", "Bac Ninh",
          "Quang Ninh", "Long An", "Hue", "Nha Trang"]
NL_PREFIX = ["Holland", "Delta", "Oranje", "Rijn", "Noordzee", "Polder", "Tulip", "Zeeland", "Amstel", "Maas"]
LEGAL = ["B.V.", "Vietnam Co., Ltd.", "N.V.", "Asia Ltd."]
AGREEMENTS = ["Kleding en textiel", "Bancaire sector", "Verzekeringssector", "Pensioenfondsen", "Metaal",
              "Natuursteen", "Voedingsmiddelen", "Sierteelt", "Goud", "Bos en natuur"]
TAGS = ["textiles", "living wage", "child labour", "gender", "deforestation", "freedom of association",
        "conflict minerals", "trade mission 2026", "IMVO session", "water", "agri-food", "supply chain", "NCP",
        "chamber of commerce", "press", "EU delegation", "ILO", "due diligence", "circular economy", "energy"]
ROLES = ["Director", "Country manager", "CSR manager", "Sustainability officer", "Policy advisor", "Programme officer",
         "Deputy director", "Legal counsel", "Procurement manager", "Researcher", "Union representative", "Official"]
OTHER_KINDS: list[tuple[OrganisationKind, Callable[[random.Random, int], str]]] = [
    (OrganisationKind.NGO, lambda r, i: f"{r.choice(['Centre for', 'Initiative for', 'Network for'])} "
                                         f"{r.choice(['Labour Rights', 'Green Growth', 'Women Workers', 'Fair Trade'])}"
                                         f" {r.choice(PLACES)} {i}"),
    (OrganisationKind.TRADE_UNION, lambda r, i: f"Trade Union of {r.choice(SECTORS)} Workers, {r.choice(PLACES)} {i}"),
    (OrganisationKind.AUTHORITY, lambda r, i: f"{r.choice(['Department of Industry and Trade', 'Department of Labour', 'Provincial People’s Committee', 'Department of Natural Resources'])}, {r.choice(PLACES)} {i}"),  # noqa: E501
    (OrganisationKind.BUSINESS_ASSOCIATION, lambda r, i: f"{r.choice(SECTORS)} Business Association {r.choice(PLACES)} {i}"),  # noqa: E501
    (OrganisationKind.KNOWLEDGE_INSTITUTE, lambda r, i: f"Institute for {r.choice(['Sustainable Development', 'Labour Studies', 'Economic Research', 'Environmental Studies'])} {i}"),  # noqa: E501
    (OrganisationKind.INTERNATIONAL_ORGANISATION, lambda r, i: f"{r.choice(['ILO', 'UNDP', 'IFC', 'UN Women', 'FAO'])} project office {r.choice(PLACES)} {i}"),  # noqa: E501
]
TASK_ACTIVITIES: dict[CoreTask, list[tuple[ActivityKind, str]]] = {
    CoreTask.EXPERTISE: [(ActivityKind.MEETING, "Briefing on {theme} risks in {sector}"),
                         (ActivityKind.PUBLICATION, "Country note: {theme} in {sector}"),
                         (ActivityKind.VISIT, "Field visit {place}: {sector} supply chain"),
                         (ActivityKind.TRAINING, "Staff training on {theme}")],
    CoreTask.AWARENESS: [(ActivityKind.EVENT, "IMVO session for Dutch companies in {place}"),
                         (ActivityKind.TRAINING, "Workshop due diligence for {sector}"),
                         (ActivityKind.PUBLICATION, "Newsletter item on {theme}")],
    CoreTask.SUPPORT: [(ActivityKind.SUPPORT_REQUEST, "Question on {theme} from a {sector} company"),
                       (ActivityKind.REFERRAL, "Referral to {partner} on {theme}"),
                       (ActivityKind.MEETING, "Matchmaking meeting {sector} in {place}")],
    CoreTask.CONDITIONS: [(ActivityKind.SUPPORT_REQUEST, "IMVO check for trade mission participant ({sector})"),
                          (ActivityKind.MEETING, "Due diligence conversation with {sector} company"),
                          (ActivityKind.REFERRAL, "Referral to {partner} for IMVO conditions")],
    CoreTask.AGENDA: [(ActivityKind.DEMARCHE, "Démarche on {theme} with the Ministry of Labour"),
                      (ActivityKind.MEETING, "EU member states meeting on {theme}"),
                      (ActivityKind.EVENT, "Roundtable {theme} with local authorities in {place}")],
}
THEMES = ["child labour", "living wage", "gender equality", "conflict minerals", "deforestation",
          "freedom of association", "forced labour", "land rights", "water pollution"]
PARTNERS = ["RVO", "the IMVO steunpunt", "the NCP", "MVO Nederland", "SER", "Invest International", "IDH"]
BATCH = 5000


@dataclass
class DemoResult:
    organisations: int
    persons: int
    activities: int


def is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count()).select_from(Person)) and not session.scalar(
        select(func.count()).select_from(Organisation))


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _gender(name: str, pid: uuid.UUID) -> str:
    """A plausible stated gender without drawing from the random stream (so the rest of the demo stays
    what it was for a seed): Vietnamese middle names Thị/Văn, Dutch given names, else a share unrecorded."""
    words = name.split()
    if VN_WOMEN_MIDDLE in words or words[0] in NL_WOMEN:
        return "female"
    if VN_MEN_MIDDLE in words or words[0] in NL_GIVEN:
        return "male"
    return ("female", "male", "")[pid.int % 3]


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start:start + BATCH]


def generate(persons: int, seed: int = 2026, today: dt.date | None = None) -> dict[str, list[dict[str, Any]]]:
    """All rows of a demo store, by table name; deterministic for a seed."""
    if persons < 0 or persons > MAX_PERSONS:
        raise PostAppError(_("The number of persons must be between 0 and {maximum}.").format(
            maximum=format_number(MAX_PERSONS)))
    rng = random.Random(seed)
    today = today or dt.date.today()
    now = dt.datetime.now(dt.UTC)
    common = {"created_at": now, "updated_at": now, "post_code": POST_CODE, "deleted_at": None}
    n_orgs = max(10, persons // 5) if persons else 0
    n_acts = persons // 2

    agreements = [{"id": _uuid(rng), "name": name, **common} for name in AGREEMENTS]
    tags = [{"id": _uuid(rng), "name": name, **common} for name in TAGS]
    orgs: list[dict[str, Any]] = []
    org_agreements: list[dict[str, Any]] = []
    for i in range(n_orgs):
        sector = rng.choice(SECTORS)
        base = {"id": _uuid(rng), "sector": sector, "website": "", "notes": "", **common}
        if i % 2 == 0:  # half are companies, most of them Dutch
            dutch = rng.random() < 0.7
            name = (f"{rng.choice(NL_PREFIX)} {sector.split()[0]} {rng.choice(LEGAL)} {i}" if dutch
                    else f"{rng.choice(VN_FAMILY)} {sector.split()[0]} JSC {i}")
            employees = int(rng.lognormvariate(5, 1.4))
            turnover = round(employees * rng.uniform(40_000, 180_000), -3)
            orgs.append({**base, "name": name, "kind": OrganisationKind.COMPANY, "country": "NL" if dutch else COUNTRY,
                         "employees": employees, "turnover_eur": turnover, "assets_eur": round(turnover * 0.6, -3),
                         "dutch_affiliated": dutch})
            if dutch and rng.random() < 0.25:
                org_agreements.append({"organisation_id": base["id"], "agreement_id": rng.choice(agreements)["id"]})
        else:
            kind, make_name = rng.choice(OTHER_KINDS)
            orgs.append({**base, "name": make_name(rng, i), "kind": kind, "country": COUNTRY, "employees": None,
                         "turnover_eur": None, "assets_eur": None, "dutch_affiliated": False})

    people: list[dict[str, Any]] = []
    person_tags: list[dict[str, Any]] = []
    for i in range(persons):
        org = orgs[rng.randrange(n_orgs)] if n_orgs and rng.random() < 0.9 else None
        if org is not None and org["dutch_affiliated"] and rng.random() < 0.6:
            given, family = rng.choice(NL_GIVEN), rng.choice(NL_FAMILY)
            name = f"{given} {family}"
            email = f"{given}.{family}".lower().replace(" ", "") + f"{i}@example.nl"
        else:
            given = rng.choice(VN_GIVEN)
            name = f"{rng.choice(VN_FAMILY)} {rng.choice(VN_MIDDLE)} {given}"
            email = f"{given.lower()}{i}@example.vn" if rng.random() < 0.8 else ""
        pid = _uuid(rng)
        people.append({"id": pid, "name": name, "email": email, "phone": f"+84 {rng.randrange(20, 99)} "
                       f"{rng.randrange(1000, 9999)} {rng.randrange(1000, 9999)}",
                       "organisation_id": org["id"] if org else None, "role": rng.choice(ROLES),
                       "sensitive": org is not None and org["kind"] == OrganisationKind.TRADE_UNION
                       and rng.random() < 0.3, "notes": "", "gender": _gender(name, pid),
                       "lawful_basis": "legitimate_interest", "consent_date": None, **common})
        for tag in rng.sample(tags, rng.choice((0, 0, 1, 1, 2))):
            person_tags.append({"person_id": pid, "tag_id": tag["id"]})

    acts: list[dict[str, Any]] = []
    act_persons: list[dict[str, Any]] = []
    act_orgs: list[dict[str, Any]] = []
    follow_ups: list[dict[str, Any]] = []
    tasks = list(CoreTask)
    for i in range(n_acts):
        task = tasks[i % len(tasks)]
        activity_kind, title = rng.choice(TASK_ACTIVITIES[task])
        aid = _uuid(rng)
        date = today + dt.timedelta(days=rng.randint(-730, 60))
        acts.append({"id": aid, "core_task": task, "kind": activity_kind, "date": date,
                     "title": title.format(theme=rng.choice(THEMES), sector=rng.choice(SECTORS).lower(),
                                           place=rng.choice(PLACES), partner=rng.choice(PARTNERS)),
                     "notes": "", "outcome": "" if date > today else rng.choice(
                         ["Agreed to follow up", "Referred", "Information shared", "Company joined IMVO session", ""]),
                     **common})
        for person in rng.sample(people, min(len(people), rng.randint(1, 3))):
            act_persons.append({"activity_id": aid, "person_id": person["id"]})
        if orgs:
            act_orgs.append({"activity_id": aid, "organisation_id": rng.choice(orgs)["id"]})
        if rng.random() < 0.3:
            follow_ups.append({"id": _uuid(rng), "activity_id": aid, "description": "Send report and contacts",
                               "owner": rng.choice(NL_GIVEN), "due_date": date + dt.timedelta(days=14),
                               "done": date + dt.timedelta(days=14) < today and rng.random() < 0.95, **common})
    return {"sector_agreement": agreements, "tag": tags, "organisation": orgs,
            "organisation_agreement": org_agreements, "person": people, "person_tag": person_tags,
            "activity": acts, "activity_person": act_persons, "activity_organisation": act_orgs,
            "follow_up": follow_ups}


TABLES: dict[str, Table] = {
    "sector_agreement": SectorAgreement.__table__, "tag": Tag.__table__,  # type: ignore[dict-item]
    "organisation": Organisation.__table__,  # type: ignore[dict-item]
    "organisation_agreement": organisation_agreement, "person": Person.__table__,  # type: ignore[dict-item]
    "person_tag": person_tag, "activity": Activity.__table__,  # type: ignore[dict-item]
    "activity_person": activity_person, "activity_organisation": activity_organisation,
    "follow_up": FollowUp.__table__,  # type: ignore[dict-item]
}


def _add_daily_work(session: Session, seed: int) -> None:
    """A handful of events, support cases, agenda entries and knowledge notes around the generated post,
    so every workspace and the home dashboard show something."""
    from postapp.services.agenda import add_demo_agenda
    from postapp.services.cases import add_demo_cases
    from postapp.services.events import add_demo_events
    from postapp.services.expertise import add_demo_notes

    rng = random.Random(seed + 1)
    today = dt.date.today()
    add_demo_events(session, rng, today, POST_CODE)
    add_demo_cases(session, rng, today, POST_CODE)
    add_demo_agenda(session, rng, today, POST_CODE)
    add_demo_notes(session, rng, today, POST_CODE, COUNTRY)
    session.flush()


def fill(session: Session, persons: int, seed: int = 2026,
         progress: Callable[[int, int], bool] | None = None) -> DemoResult:
    """Writes a demo post into an empty store; ``progress(done, total)`` returning False cancels (rolls back)."""
    if not is_empty(session):
        raise PostAppError(_("The data file already holds contacts; demo data is only added to an empty store."))
    rows = generate(persons, seed)
    total = sum(len(r) for r in rows.values())
    done = 0
    # A savepoint: a cancel or failure undoes the rows and the suspended triggers even when the
    # caller goes on with its session.
    with session.begin_nested(), search_index.bulk_load(session.connection()):
        for name, table_rows in rows.items():
            for chunk in _chunks(table_rows):
                session.execute(insert(TABLES[name]), chunk)
                done += len(chunk)
                if progress is not None and not progress(done, total):
                    raise PostAppError(_("Creating demo data was cancelled; nothing was added."))
        if persons:
            _add_daily_work(session, seed)
    return DemoResult(len(rows["organisation"]), len(rows["person"]), len(rows["activity"]))
