"""Generated sanctions lists of realistic size and shape for the benchmarks, written to the publishers'
schemas: the EU Financial Sanctions Files XML (schema 1.1) and OpenSanctions' targets.simple.csv.

Names mix the scripts and naming customs the real lists hold (Russian in Cyrillic with Latin
transliterations, Arabic names in Latin and Arabic script, Chinese in pinyin and Han characters,
Vietnamese with diacritics, Iranian and Western names), persons and companies with legal forms.
Everything is deterministic for a seed and streamed to disk, never built in memory.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import quoteattr

from anyascii import anyascii

RU_GIVEN = ["Александр", "Сергей", "Владимир", "Евгений", "Дмитрий", "Андрей", "Алексей", "Игорь", "Олег", "Юрий",
            "Николай", "Михаил", "Виктор", "Павел", "Анна", "Елена", "Ольга", "Татьяна", "Наталья", "Ирина"]
RU_PATRONYMIC = ["Александрович", "Сергеевич", "Владимирович", "Викторович", "Николаевич", "Петрович",
                 "Юрьевич", "Борисович", "Игоревич", "Олегович"]
RU_FAMILY = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Козлов", "Новиков", "Морозов",
             "Петров", "Волков", "Соловьёв", "Васильев", "Зайцев", "Павлов", "Семёнов", "Голубев", "Виноградов",
             "Богданов", "Воробьёв", "Фёдоров", "Михайлов", "Беляев", "Тарасов", "Белов", "Комаров", "Орлов",
             "Киселёв", "Макаров", "Андреев", "Ковалёв", "Ильин", "Гусев", "Титов", "Кузьмин", "Кудрявцев"]
AR_GIVEN = ["محمد", "أحمد", "علي", "عمر", "خالد", "يوسف", "إبراهيم", "حسن", "حسين", "عبد الله", "عبد الرحمن",
            "سعيد", "طارق", "مصطفى", "ماجد", "سليمان"]
AR_LATIN = {"محمد": ["Muhammad", "Mohammed", "Mohamed"], "أحمد": ["Ahmad", "Ahmed"], "علي": ["Ali"],
            "عمر": ["Umar", "Omar"], "خالد": ["Khalid", "Khaled"], "يوسف": ["Yusuf", "Youssef"],
            "إبراهيم": ["Ibrahim", "Ebrahim"], "حسن": ["Hasan", "Hassan"], "حسين": ["Husayn", "Hussein"],
            "عبد الله": ["Abdullah", "Abd Allah"], "عبد الرحمن": ["Abd al-Rahman", "Abdulrahman"],
            "سعيد": ["Said", "Saeed"], "طارق": ["Tariq", "Tarek"], "مصطفى": ["Mustafa", "Moustafa"],
            "ماجد": ["Majid", "Maged"], "سليمان": ["Sulayman", "Suleiman"]}
AR_FAMILY = ["al-Tikriti", "al-Baghdadi", "al-Masri", "al-Zawahiri", "al-Hashimi", "al-Rawi", "al-Tamimi",
             "al-Qahtani", "al-Shammari", "al-Dulaimi", "al-Jabouri", "al-Obeidi", "al-Harbi", "al-Ansari",
             "al-Kubaisi", "al-Shihri", "Makhlouf", "Assad", "Haddad", "Khoury"]
ZH_FAMILY = [("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"),
             ("赵", "Zhao"), ("黄", "Huang"), ("周", "Zhou"), ("吴", "Wu"), ("徐", "Xu"), ("孙", "Sun")]
ZH_GIVEN = [("伟", "Wei"), ("芳", "Fang"), ("军", "Jun"), ("强", "Qiang"), ("磊", "Lei"), ("洋", "Yang"),
            ("勇", "Yong"), ("杰", "Jie"), ("涛", "Tao"), ("明", "Ming"), ("超", "Chao"), ("华", "Hua")]
VN_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
VN_MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quốc", "Ngọc"]
VN_GIVEN = ["An", "Bình", "Chi", "Dũng", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Huy", "Lan", "Linh", "Long", "Mai"]
IR_GIVEN = ["Mohammad Reza", "Ali Akbar", "Hossein", "Mahmoud", "Gholamreza", "Mehdi", "Hamid", "Saeed"]
IR_FAMILY = ["Rezaei", "Hosseini", "Ahmadi", "Mohammadi", "Karimi", "Moradi", "Jafari", "Sadeghi", "Ghasemi"]
WEST_GIVEN = ["John", "Michael", "David", "Peter", "Robert", "Maria", "Anna", "Viktor", "Marco", "Hans"]
WEST_FAMILY = ["Smith", "Brown", "Müller", "Schmidt", "Rossi", "Dubois", "García", "Novák", "Kowalski"]
CO_WORDS = ["Global", "United", "National", "Eastern", "Northern", "Pacific", "Caspian", "Baltic", "Atlas",
            "Phoenix", "Orion", "Sirius", "Delta", "Falcon", "Crescent", "Golden", "Silk Road", "Red Sea",
            "Black Sea", "Ural", "Siberian", "Volga", "Amur", "Persian Gulf", "Levant", "Sahara", "Mekong"]
CO_TRADES = ["Trading", "Shipping", "Petroleum", "Oil and Gas", "Energy", "Engineering", "Electronics",
             "Logistics", "Investment", "Construction", "Machinery", "Aviation", "Mining", "Chemicals",
             "Metals", "Defence Industries", "Maritime", "Technologies", "Import Export", "Exchange"]
CO_FORMS = ["LLC", "Ltd", "Co., Ltd.", "JSC", "PJSC", "FZE", "FZCO", "Limited", "Inc.", "S.A.", "GmbH", "B.V.",
            "Company", "Holding"]
RU_CO = ["Ромашка", "Прогресс", "Восток", "Сибирь", "Альфа", "Техноресурс", "Спецтехника", "Транснефть",
         "Энергия", "Металлург", "Кристалл", "Авангард", "Стройинвест", "Промсервис", "Росэкспорт", "Балтика"]
RU_FORMS = ["ООО", "АО", "ПАО", "ЗАО", "ОАО"]
ZH_CO = ["华为", "中兴", "海洋", "长城", "东方", "新华", "金桥", "天宇", "宏达", "恒通"]
ZH_CO_PINYIN = {"华为": "Huawei", "中兴": "Zhongxing", "海洋": "Haiyang", "长城": "Changcheng", "东方": "Dongfang",
                "新华": "Xinhua", "金桥": "Jinqiao", "天宇": "Tianyu", "宏达": "Hongda", "恒通": "Hengtong"}
ZH_CITY = [("深圳", "Shenzhen"), ("上海", "Shanghai"), ("北京", "Beijing"), ("广州", "Guangzhou"),
           ("香港", "Hong Kong"), ("大连", "Dalian")]
VN_CO_TRADES = ["Thương mại", "Xuất nhập khẩu", "Vận tải biển", "Đầu tư", "Xây dựng", "Dệt may", "Thép"]
PROGRAMMES = ["RUS", "UKR", "BLR", "IRN", "SYR", "PRK", "IRQ", "LBY", "TAQA", "MMR", "VEN", "SDN", "CHEM", "CYB"]
COUNTRIES = {"ru": ["RU"], "ar": ["SY", "IQ", "YE", "LB", "LY", "SA", "AE"], "zh": ["CN", "HK"], "vn": ["VN"],
             "ir": ["IR"], "west": ["CY", "DE", "GB", "IT", "FR", "CZ", "PL"], "kp": ["KP"]}


SYLLABLES = ["var", "kon", "tel", "mar", "zen", "tro", "bal", "dor", "vik", "sal", "nor", "gal", "ter", "pol",
             "rus", "tan", "mir", "lex", "dan", "sor", "kar", "vel", "ost", "ran", "bor", "lin", "mat", "gor"]


def brand(rng: random.Random) -> str:
    """A made-up company word ("Telmarkon"): real lists hold thousands of distinct company names."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3)))).capitalize()


class Generated(NamedTuple):
    schema: str  # "person" | "organisation"
    names: list[str]  # primary first, aliases after
    countries: list[str]
    programme: str


def _person(rng: random.Random) -> tuple[list[str], str]:
    kind = rng.choices(["ru", "ar", "zh", "vn", "ir", "west"], weights=[35, 25, 10, 5, 15, 10])[0]
    if kind == "ru":
        given, family = rng.choice(RU_GIVEN), rng.choice(RU_FAMILY)
        full = f"{given} {rng.choice(RU_PATRONYMIC)} {family}"
        latin = anyascii(full)
        return [latin, full, anyascii(f"{given} {family}"), f"{anyascii(family).upper()}, {anyascii(given)}"], kind
    if kind == "ar":
        given, father = rng.choice(AR_GIVEN), rng.choice(AR_GIVEN)
        family = rng.choice(AR_FAMILY)
        spellings = [f"{rng.choice(AR_LATIN[given])} {rng.choice(AR_LATIN[father])} {family}" for _ in range(3)]
        return [*dict.fromkeys(spellings), f"{given} {father}", f"Abu {rng.choice(AR_LATIN[father])}"], kind
    if kind == "zh":
        (fh, fl), (g1h, g1l), (g2h, g2l) = rng.choice(ZH_FAMILY), rng.choice(ZH_GIVEN), rng.choice(ZH_GIVEN)
        return [f"{fl} {g1l}{g2l.lower()}", f"{fh}{g1h}{g2h}", f"{g1l}{g2l.lower()} {fl}"], kind
    if kind == "vn":
        name = f"{rng.choice(VN_FAMILY)} {rng.choice(VN_MIDDLE)} {rng.choice(VN_GIVEN)}"
        return [name, anyascii(name).upper()], kind
    if kind == "ir":
        name = f"{rng.choice(IR_GIVEN)} {rng.choice(IR_FAMILY)}"
        return [name, f"{name.split()[-1]}, {' '.join(name.split()[:-1])}"], kind
    name = f"{rng.choice(WEST_GIVEN)} {rng.choice(WEST_FAMILY)}"
    return [name], kind


def _company(rng: random.Random) -> tuple[list[str], str]:
    kind = rng.choices(["ru", "zh", "vn", "ir", "west", "kp"], weights=[35, 15, 5, 20, 20, 5])[0]
    if kind == "ru":
        word, form, mark = rng.choice(RU_CO), rng.choice(RU_FORMS), brand(rng)
        cyrillic = anyascii(mark)  # stands in for the Cyrillic spelling of the made-up word
        return [f"{anyascii(word)}-{mark} {anyascii(form)}", f"{form} «{word}-{cyrillic}»", f"{word} {mark}"], kind
    if kind == "zh":
        (city_h, city_l), word = rng.choice(ZH_CITY), rng.choice(ZH_CO)
        mark = brand(rng)
        return [f"{city_l} {ZH_CO_PINYIN[word]} {mark} Technology Co., Ltd.", f"{city_h}{word}{mark}科技有限公司"], kind
    if kind == "vn":
        trade, family = rng.choice(VN_CO_TRADES), rng.choice(VN_FAMILY)
        mark = brand(rng)
        name = f"Công ty TNHH {trade} {mark} {family}"
        return [name, f"{mark} {family} {anyascii(trade)} Company Limited"], kind
    mark = brand(rng)
    base = f"{rng.choice(CO_WORDS)} {mark} {rng.choice(CO_TRADES)}"
    names = [f"{base} {rng.choice(CO_FORMS)}"]
    if rng.random() < 0.5:
        names.append(f"{mark} {rng.choice(CO_TRADES)}")
    if rng.random() < 0.3:
        names.append(f"{''.join(w[0] for w in base.split()).upper()} {mark}")
    return names, kind


def entities(count: int, seed: int = 2026) -> Iterator[Generated]:
    """``count`` listed subjects, 60% persons and 40% organisations, most with several names."""
    rng = random.Random(seed)
    for _i in range(count):
        if rng.random() < 0.6:
            names, kind = _person(rng)
            schema = "person"
        else:
            names, kind = _company(rng)
            schema = "organisation"
        countries = rng.sample(COUNTRIES[kind], k=min(len(COUNTRIES[kind]), rng.choice((1, 1, 2))))
        yield Generated(schema, list(dict.fromkeys(names)), countries, rng.choice(PROGRAMMES))


OS_HEADER = ["id", "schema", "name", "aliases", "birth_date", "countries", "addresses", "identifiers", "sanctions",
             "phones", "emails", "program_ids", "dataset", "first_seen", "last_seen", "last_change"]


def write_opensanctions(path: Path, count: int, seed: int = 2026) -> Path:
    rng = random.Random(seed + 1)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(OS_HEADER)
        for i, e in enumerate(entities(count, seed)):
            schema = "Person" if e.schema == "person" else rng.choice(["Company", "Organization", "LegalEntity"])
            birth = f"{rng.randint(1940, 1995)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" \
                if e.schema == "person" else ""
            writer.writerow([
                f"NK-{i:06x}{rng.getrandbits(64):016x}", schema, e.names[0], ";".join(e.names[1:]), birth,
                ";".join(c.lower() for c in e.countries), "", "", f"EU Council Regulation ({e.programme})", "", "",
                f"EU-{e.programme}", "EU Financial Sanctions Files (FSF);UK Sanctions List",
                "2022-03-01T12:00:00", "2026-11-25T04:10:00", f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}"
                "T10:00:00"])
    return path


def _eu_entity(i: int, e: Generated, rng: random.Random) -> str:
    """One sanctionEntity as the EU writes it: regulations, remarks, aliases, citizenships, birth dates,
    addresses and identifications, each with its regulation summary."""
    number = f"{rng.randint(2010, 2026)}/{rng.randint(100, 2999)}"
    celex = number.replace("/", "R")
    summary = (f'<regulationSummary regulationType="amendment" publicationDate="2024-{rng.randint(1, 12):02d}-15" '
               f'numberTitle="{number} (OJ L {rng.randint(10, 400)})" '
               f'publicationUrl="https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:3{celex}"/>')
    out = [f'<sanctionEntity designationDetails="" unitedNationId="" euReferenceNumber="EU.{i}.{rng.randint(10, 99)}" '
           f'logicalId="{i}">',
           f"<remark>{'Designated for ' + e.programme + ' measures; ' if rng.random() < 0.7 else ''}"
           "Responsible for actions undermining or threatening the territorial integrity, sovereignty and "
           "independence of a sovereign state; associated with listed persons and entities.</remark>"]
    for r in range(rng.randint(1, 3)):
        out.append(f'<regulation regulationType="{"regulation" if r == 0 else "amendment"}" organisationType="council" '
                   f'publicationDate="2022-03-{rng.randint(1, 28):02d}" '
                   f'entryIntoForceDate="2022-03-{rng.randint(1, 28):02d}" '
                   f'numberTitle="{number} (OJ L {rng.randint(10, 400)})" programme="{e.programme}" '
                   f'logicalId="{i * 10 + r}"><publicationUrl>https://eur-lex.europa.eu/legal-content/EN/TXT/PDF/'
                   f'?uri=CELEX:32022R0{rng.randint(100, 999)}&amp;from=EN</publicationUrl></regulation>')
    code, classification = ("person", "P") if e.schema == "person" else ("enterprise", "E")
    out.append(f'<subjectType code="{code}" classificationCode="{classification}"/>')
    # The EU repeats each name in several regulation languages, which makes most of the file's bulk.
    languages = ["en", *rng.sample(["de", "fr", "nl", "es", "it", "pl", "bg", "el", "cs"], k=rng.randint(1, 4))]
    for n, name in enumerate(e.names):
        for language in languages if n == 0 else ["en"]:
            first, _sep, last = name.rpartition(" ") if e.schema == "person" else ("", "", "")
            function = "Member of the State Duma" if e.schema == "person" and rng.random() < 0.3 else ""
            gender = "M" if e.schema == "person" else ""
            out.append(f'<nameAlias firstName={quoteattr(first)} middleName="" lastName={quoteattr(last)} '
                       f'wholeName={quoteattr(name)} function="{function}" gender="{gender}" '
                       f'title="" nameLanguage="" strong="true" regulationLanguage="{language}" '
                       f'logicalId="{i * 100 + n}">{summary}</nameAlias>')
    for country in e.countries:
        out.append(f'<citizenship region="" countryIso2Code="{country}" countryDescription="" regulationLanguage="en" '
                   f'logicalId="{i}">{summary}</citizenship>')
    if e.schema == "person":
        out.append(f'<birthdate circa="false" calendarType="GREGORIAN" city="" zipCode="" region="" place="" '
                   f'birthdate="{rng.randint(1940, 1995)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" '
                   f'dayOfMonth="{rng.randint(1, 28)}" monthOfYear="{rng.randint(1, 12)}" '
                   f'year="{rng.randint(1940, 1995)}" '
                   f'countryIso2Code="{e.countries[0]}" countryDescription="" regulationLanguage="en" '
                   f'logicalId="{i}">{summary}</birthdate>')
    for a in range(rng.randint(0, 2)):
        out.append(f'<address city="Moscow" street="Ulitsa Bolshaya Ordynka {rng.randint(1, 90)}, building {a + 1}" '
                   f'poBox="" zipCode="1{rng.randint(10000, 99999)}" region="" place="" asAtListingTime="false" '
                   f'contactInfo="" countryIso2Code="{e.countries[0]}" countryDescription="" regulationLanguage="en" '
                   f'logicalId="{i * 10 + a}">{summary}</address>')
    if rng.random() < 0.6:
        out.append(f'<identification diplomatic="false" knownExpired="false" knownFalse="false" reportedLost="false" '
                   f'revokedByIssuer="false" issuedBy="" issuedDate="" validFrom="" validTo="" latinNumber="" '
                   f'nameOnDocument="" identificationTypeCode="{"passport" if e.schema == "person" else "regnumber"}" '
                   f'identificationTypeDescription="" region="" number="{rng.randint(10 ** 8, 10 ** 9)}" '
                   f'countryIso2Code="{e.countries[0]}" countryDescription="" regulationLanguage="en" '
                   f'logicalId="{i}">{summary}</identification>')
    out.append("</sanctionEntity>")
    return "\n".join(out)


def write_eu(path: Path, count: int, seed: int = 2027) -> Path:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2026-11-20T10:00:00.000+01:00" '
                 'globalFileId="184961">\n')
        for i, e in enumerate(entities(count, seed), 1):
            fh.write(_eu_entity(i, e, rng))
            fh.write("\n")
        fh.write("</export>\n")
    return path
