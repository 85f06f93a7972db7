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
VERSION = 1

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

# Spellings that differ only by transliteration convention (й as y or i, х as kh or h, x or ks ...),
# folded to one form on both sides. Order matters: longer patterns first.
_FOLDS = (
    ("kh", "h"), ("ph", "f"), ("dzh", "j"), ("dj", "j"), ("ou", "u"), ("x", "ks"), ("w", "v"), ("q", "k"),
    ("y", "i"), ("ck", "k"),
)
_FOLD_RE = re.compile("|".join(re.escape(a) for a, _b in _FOLDS))
_FOLD_MAP = dict(_FOLDS)
_DOUBLE_RE = re.compile(r"([a-z])\1+")
_INITIALS_RE = re.compile(r"(?<![^\W_])(?:[^\W_]\.)+[^\W_]?(?![^\W_])")  # "s.a.r.l." "b.v" "u.s.a."
_APOSTROPHES_RE = re.compile(r"['`\u2018\u2019\u02bc\u02bb\u02bf\u02be]")
_NON_WORD_RE = re.compile(r"[\W_]+")
_PHRASES_RE = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in LEGAL_PHRASES) + r")\b")


def _fold(token: str) -> str:
    if token.startswith("ye"):  # Russian Е at the start of a word: "Yevgeny" and "Evgeny", "Yelena" and "Elena"
        token = token[1:]
    return _DOUBLE_RE.sub(r"\1", _FOLD_RE.sub(lambda m: _FOLD_MAP[m.group()], token))


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
