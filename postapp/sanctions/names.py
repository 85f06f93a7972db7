"""Name normalisation for screening: the same company or person must look the same whatever the script,
the transliteration, the word order or the legal form.

Both sides of a comparison go through ``normalise``: the names of a list once at import (stored in
``sanctions_name.normalised``) and the screened name at every query. Normalising is deliberately lossy:
it only decides what is compared; the names shown to the user stay as the list wrote them.
"""

from __future__ import annotations

import re

from anyascii import anyascii

# Raised whenever ``normalise`` changes its output: names stored by an older version are then normalised
# again when the screener loads them (``SanctionsList.normalised_with``), so both sides stay comparable.
VERSION = 2  # 2: Dutch, German and French transliterations, Arabic particles and -allah

# Legal forms say nothing about who a company is, and they differ between a company's own spelling and
# a list's ("OOO Romashka" vs "Romashka LLC"). Dropped wherever they stand.
LEGAL_FORMS = frozenset({
    # English and international
    "ltd", "limited", "llc", "llp", "lp", "inc", "incorporated", "corp", "corporation", "co", "company", "plc",
    "pte", "pvt", "pty", "sdn", "bhd", "fze", "fzco", "fzc", "fzllc", "dmcc",
    # Dutch, German, French, Italian, Spanish, Nordic
    "bv", "nv", "vof", "cv", "gmbh", "ag", "kg", "ohg", "ug", "sa", "sas", "sarl", "srl", "spa", "sl", "sau",
    "oy", "oyj",
    # Russian and post-Soviet (as transliterated from ООО, ЗАО, ОАО, ПАО, АО, ТОО, ЧП)
    "ooo", "zao", "oao", "pao", "ao", "jsc", "ojsc", "cjsc", "pjsc", "too", "chp", "tov", "prat",
    # Vietnamese and Chinese
    "tnhh", "cp", "mtv",
})
# Multi-word legal forms, matched on the transliterated, lower-cased text before it is split in tokens.
LEGAL_PHRASES = (
    "joint stock company", "limited liability company", "limited liability partnership", "public limited company",
    "private limited", "closed joint stock", "open joint stock", "public joint stock", "joint stock",
    "cong ty", "co phan", "trach nhiem huu han", "mot thanh vien",
    "obshchestvo s ogranichennoy otvetstvennostyu", "aktsionernoe obshchestvo", "publichnoe", "zakrytoe",
    "otkrytoe", "societe anonyme", "sociedad anonima", "youxian gongsi", "gufen",
)
# Words too common in names of every kind to tell two names apart.
STOPWORDS = frozenset({"the", "of", "and"})
# Chinese, Japanese and Korean legal forms, removed before transliteration: anyascii writes a run of
# Han characters as one word ("ShenZhenHuaWeiKeJiYouXianGongSi"), where they could no longer be found.
_CJK_FORMS_RE = re.compile("股份有限公司|有限责任公司|有限公司|集团|公司|株式会社|有限会社|주식회사|유한회사")
# Only a trailing "holding" is a legal form; "Holding Bank of X" names a company.
TRAILING_FORMS = frozenset({"holding", "holdings", "group"})

# Spellings that differ only by transliteration convention, folded to one form on both sides. English,
# Dutch, German and French write one Cyrillic or Arabic letter differently; each is folded to the English
# spelling where that spelling is not itself ambiguous:
#   Ч  ch, Dutch tsj, German tsch, French tch -> ch     ("Setsjin", "Abramovitch": Sechin, Abramovich)
#   Ш  sh, Dutch sj -> sh                               ("Sjojgoe": Shoigu; German sch is left: it is
#                                                        only one letter longer than sh)
#   Ж  zh, Dutch zj -> zh; French j before ou -> zh     ("Zjoekov", "Joukov": Zhukov; the cost: a French
#                                                        "Joumaa" is further from "Jumaa", 86 as full name)
#   Дж dzh, dj, Dutch dzj -> j;  Ц ts, c -> c           ("Tsentr": Centr; also Wade-Giles "Tsao": Cao)
#   У  u, Dutch oe, French ou -> u;  Х kh, h -> h;  Ф ph, f -> f;  Й/Ы y, i -> i
#   Arabic ذ and ض dh, d -> d ("Qadhafi": Gaddafi);  ق q, k -> k;  x, ks -> ks;  w, v -> v;  ck, k -> k
# German, Persian and Vietnamese gh is left as it is: folding it to g or k joined more different names
# (Ghasemi and Karimi) than it found. At each position the first pattern listed that matches wins, so a
# longer pattern stands before any shorter one it starts with ("tsj" before "ts").
_FOLDS = (
    ("jou", "zhu"), ("dzh", "j"), ("dzj", "j"), ("dj", "j"), ("tsch", "ch"), ("tsj", "ch"), ("tch", "ch"),
    ("ts", "c"), ("sj", "sh"), ("zj", "zh"), ("kh", "h"), ("dh", "d"), ("ph", "f"), ("ck", "k"), ("oe", "u"),
    ("ou", "u"), ("x", "ks"), ("w", "v"), ("q", "k"), ("y", "i"),
)
_FOLD_RE = re.compile("|".join(re.escape(a) for a, _b in _FOLDS))
_FOLD_MAP = dict(_FOLDS)
# Russian -ое at the end of a word: English -oe or -oye, Dutch and German -oje ("Novoye", "Novoje": Novoe).
_OYE_END_RE = re.compile(r"o[jy]e$")
# Dutch and German j after a vowel is й, which English writes y and the folds i ("Sergej", "Nikolaj",
# "Dostojevski": Sergei, Nikolai, Dostoyevsky). Not before i or u: pinyin j ("keji", "haijun") is a consonant.
_J_SEMIVOWEL_RE = re.compile(r"(?<=[aeiou])j(?![iu])")
_DOUBLE_RE = re.compile(r"([a-z])\1+")
# After the folds and with doubled letters single (so "llah" is "lah"):
# - the name of God ending a compound name is written -allah, -ullah or -ollah ("Hezbollah", "Hizballah",
#   "Abdullah", "Nasrollah");
# - ю at the start of a word is yu in English, ju in Dutch and German, iu in ICAO passports and iou in
#   French ("Joeri", "Yuri", "Iouri"; "Jusuf", "Yusuf"); y is already i here, so iu -> ju. Only before u:
#   ya/ja and yo/jo would join pinyin and Korean names (Yang and Jang, Yong and Jong);
# - Arabic mu- before a vowel or h is often written mo- ("Moammar", "Mohammed": Muammar, Muhammad). Not
#   before other consonants, where it would join different names (Mojtaba and Mustafa).
_WORD_RE = re.compile(r"(?<=.)[ou]lah$|^iu|^mo(?=[ah])")
_WORD_MAP = {"olah": "alah", "ulah": "alah", "iu": "ju", "mo": "mu"}
# Arabic name particles in their different spellings: "son of" (bin, ibn, ben, bn) and the article (al, el).
PARTICLES = {"ibn": "bin", "ben": "bin", "bn": "bin", "el": "al"}
_INITIALS_RE = re.compile(r"(?<![^\W_])(?:[^\W_]\.)+[^\W_]?(?![^\W_])")  # "s.a.r.l." "b.v" "u.s.a."
_APOSTROPHES_RE = re.compile(r"['`\u2018\u2019\u02bc\u02bb\u02bf\u02be]")
_NON_WORD_RE = re.compile(r"[\W_]+")
_PHRASES_RE = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in LEGAL_PHRASES) + r")\b")


def _fold(token: str) -> str:
    if token.startswith("ye"):  # Russian Е at the start of a word: "Yevgeny" and "Evgeny", "Yelena" and "Elena"
        token = token[1:]
    token = _OYE_END_RE.sub("oe", token)
    token = _J_SEMIVOWEL_RE.sub("i", _FOLD_RE.sub(lambda m: _FOLD_MAP[m.group()], token))
    token = _WORD_RE.sub(lambda m: _WORD_MAP[m.group()], _DOUBLE_RE.sub(r"\1", token))
    return PARTICLES.get(token, token)


def tokens(name: str) -> list[str]:
    """The words of ``name`` in Latin letters, lower case, without punctuation and legal forms, folded."""
    text = anyascii(_CJK_FORMS_RE.sub(" ", name)).casefold()
    text = _APOSTROPHES_RE.sub("", text)
    text = _INITIALS_RE.sub(lambda m: m.group().replace(".", ""), text)
    words = _NON_WORD_RE.sub(" ", text).split()
    if not words:
        return []
    kept = _PHRASES_RE.sub(" ", " ".join(words)).split()
    kept = [w for w in kept if w not in LEGAL_FORMS and w not in STOPWORDS]
    while len(kept) > 1 and kept[-1] in TRAILING_FORMS:
        kept.pop()
    # A name that is nothing but a legal form ("Company Ltd") keeps its words: better a poor match
    # than an empty string that matches nothing, or everything.
    return [_fold(w) for w in (kept or words)]


def normalise(name: str) -> str:
    """The form names are compared in: folded tokens, sorted so word order does not count."""
    return " ".join(sorted(tokens(name)))
