"""Finding persons entered twice: blocking, then rapidfuzz within blocks.

Comparing every person with every other is 5·10⁹ pairs at 100,000 persons; instead:

1. **Normalise** once per person: the name folded to ASCII with ``anyascii`` ("Nguyễn Văn An" →
   "nguyen van an", "Đặng" → "dang"), lower-cased, split into words and the words sorted (the
   *name key*: word order does not matter); the e-mail address lower-cased, and its local part
   without dots, dashes, underscores and a ``+suffix``.
2. **Block**: persons are put in groups that share a cheap key; only persons in the same block are
   compared. The keys: the same e-mail address; the same e-mail local part; the same *initials key*
   (the first two letters of each sorted word: catches typing slips after the second letter and any
   word order); the same first and last word (catches a missing middle name); the same organisation.
   A block larger than ``MAX_BLOCK`` is not compared all-with-all: its persons are sorted by name key
   and compared in overlapping windows of ``MAX_BLOCK`` (sorted neighbourhood), so the worst case
   stays bounded; each such block is listed in ``ScanResult.split_blocks``.
3. **Compare** the candidate pairs of the blocks in batches of up to ``BATCH`` pairs, vectorised: the
   pairs' distinct pairs of name keys (names repeat a lot) go through ``rapidfuzz.process.cpdist``
   with ``fuzz.ratio`` of the name keys (which is ``token_sort_ratio``) as a coarse filter; those
   above ``COARSE_CUTOFF`` get the word-level score ``name_similarity``: equal words matched first,
   then one differing word scores as ``fuzz.ratio`` of the two words (so "Jansen"/"Janssen" is close
   but "An"/"Hạnh", with the same family and middle names, is not), a left-out word as 100 − 8.
4. **Combine** per pair, with numpy over the batch: the name score, +10 for the same organisation,
   −20 for two different organisations, +10 for the same e-mail local part at another domain, −15 for
   two different e-mail addresses; the same e-mail address makes it at least 95. An address or local
   part that more than ``SHARED_ADDRESS`` persons share (an office mailbox, "info@") counts as neither.
   A pair that nothing but the name links (no shared address, local part or organisation) loses 10,
   and 10 more when its name is common (more than ``RARE_NAME`` persons bear it): two "Nguyễn Văn An"
   with nothing else in common are, in Vietnam, most likely two people. Pairs scoring ``min_score``
   (default 90) or more are reported, each with its reasons.
"""

from __future__ import annotations

import enum
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from anyascii import anyascii
from rapidfuzz import fuzz, process
from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from postapp.domain import Organisation, Person
from postapp.errors import PostAppError
from postapp.i18n import N_, _

MAX_BLOCK = 1000  # persons compared all-with-all; larger blocks are compared in sorted windows
BATCH = 1 << 20  # candidate pairs scored together: bounds the memory of the numpy arrays (~40 MB)
COARSE_CUTOFF = 50
SHARED_ADDRESS = 3  # an address (or local part) of more persons than this is a shared mailbox
RARE_NAME = 2  # a name key borne by more live persons than this is common
NAME_ONLY_COMMON_MAX = 100 - 10 - 10  # the best score of a pair of common names that nothing else links
DEFAULT_MIN_SCORE = 90
DEFAULT_MAX_PAIRS = 10_000
MISSING_WORD_PENALTY = 8
_WORD = re.compile(r"[a-z0-9]+")
_LOCAL_NOISE = re.compile(r"[.\-_]")
GENERIC_LOCAL_PARTS = frozenset({"info", "contact", "office", "admin", "mail", "sales", "hello", "secretariat",
                                 "secretariaat", "reception", "enquiries", "inquiries", "noreply", "post"})

Progress = Callable[[int, int], bool]  # (blocks done, blocks in all) -> False to stop


class Reason(enum.IntFlag):
    """Why a pair was proposed; a flag so a block's reasons are computed as one numpy array."""

    SAME_EMAIL = 1
    SAME_LOCAL_PART = 2
    SAME_NAME = 4
    SIMILAR_NAME = 8
    SAME_ORGANISATION = 16
    OTHER_ORGANISATION = 32
    OTHER_EMAIL = 64

    @property
    def label(self) -> str:
        return {Reason.SAME_EMAIL: N_("same e-mail address"),
                Reason.SAME_LOCAL_PART: N_("same e-mail name at another domain"),
                Reason.SAME_NAME: N_("same name"),
                Reason.SIMILAR_NAME: N_("similar name"),
                Reason.SAME_ORGANISATION: N_("same organisation"),
                Reason.OTHER_ORGANISATION: N_("different organisations"),
                Reason.OTHER_EMAIL: N_("different e-mail addresses")}[self]


class BlockKind(enum.StrEnum):
    EMAIL = "email"
    LOCAL_PART = "local_part"
    INITIALS = "initials"
    FIRST_LAST = "first_last"
    ORGANISATION = "organisation"

    @property
    def label(self) -> str:
        return {BlockKind.EMAIL: N_("e-mail address"), BlockKind.LOCAL_PART: N_("e-mail name"),
                BlockKind.INITIALS: N_("name initials"), BlockKind.FIRST_LAST: N_("first and last name"),
                BlockKind.ORGANISATION: N_("organisation")}[self]


class ScanCancelled(PostAppError):
    """The user stopped the scan; nothing was changed (the scan only reads)."""


@dataclass(frozen=True)
class PersonSummary:
    id: uuid.UUID
    name: str
    email: str
    organisation: str


@dataclass(frozen=True)
class DuplicatePair:
    left: PersonSummary
    right: PersonSummary
    score: int
    reasons: Reason

    @property
    def key(self) -> frozenset[uuid.UUID]:
        return frozenset((self.left.id, self.right.id))

    def reason_labels(self) -> list[str]:
        return [_(r.label) for r in Reason if r in self.reasons]


@dataclass(frozen=True)
class SplitBlock:
    """A block too large to compare all-with-all: compared in sorted windows instead."""

    kind: BlockKind
    size: int


@dataclass
class ScanResult:
    pairs: list[DuplicatePair] = field(default_factory=list)
    persons: int = 0
    blocks: int = 0
    comparisons: int = 0
    split_blocks: list[SplitBlock] = field(default_factory=list)
    truncated: int = 0  # pairs left out beyond ``max_pairs`` (the weakest)


@lru_cache(maxsize=1 << 18)
def name_words(name: str) -> tuple[str, ...]:
    """``"Nguyễn Văn  An"`` -> ``("nguyen", "van", "an")``: folded, lower-cased, in the order written."""
    return tuple(_WORD.findall(anyascii(name).lower()))


def name_key(name: str) -> str:
    """The words of the folded name, sorted: equal for the same name written in another order."""
    return " ".join(sorted(name_words(name)))


def name_similarity(a: str, b: str) -> int:
    """0-100 for two name keys, word by word: see the module docstring, step 3."""
    if a == b:
        return 100
    words_a = a.split()
    rest_b = b.split()
    rest_a = []
    for word in words_a:
        if word in rest_b:
            rest_b.remove(word)
        else:
            rest_a.append(word)
    shared = len(words_a) - len(rest_a)
    if not rest_a or not rest_b:  # one is the other with words left out ("Nguyễn An", "Nguyễn Văn An")
        return max(0, 100 - MISSING_WORD_PENALTY * (len(rest_a) + len(rest_b))) if shared >= 2 else 0
    if len(rest_a) == 1 and len(rest_b) == 1:
        return int(fuzz.ratio(rest_a[0], rest_b[0]))
    differing = max(len(rest_a), len(rest_b))
    return max(0, int(fuzz.ratio(" ".join(rest_a), " ".join(rest_b))) - 10 * (differing - 1))


def local_part(email: str) -> str:
    """``"Jan.Jansen+imvo@x.nl"`` -> ``"janjansen"``: what stays the same across a person's addresses."""
    local = email.strip().lower().partition("@")[0].partition("+")[0]
    return _LOCAL_NOISE.sub("", local)


class _Index:
    """The fetched persons as arrays that the batches index into, and the blocks."""

    def __init__(self, rows: list[Any], ignored: Iterable[frozenset[uuid.UUID]], min_score: int) -> None:
        self.ids: list[str] = [r[0] for r in rows]  # hex, as stored: made UUIDs only for reported pairs
        self.names: list[str] = [r[1] for r in rows]
        self.emails: list[str] = [(r[2] or "").strip().lower() for r in rows]
        self.org_refs: list[str | None] = [r[3] for r in rows]
        derived: dict[str, tuple[str, str, str]] = {}  # name -> (key, initials, first+last): names repeat
        for name in set(self.names):
            words = name_words(name)
            ordered = sorted(words)
            derived[name] = (" ".join(ordered), " ".join(w[:2] for w in ordered),
                             " ".join(sorted((words[0], words[-1]))) if len(words) >= 2 else "")
        keys: dict[str, int] = {}
        self.key_of = _ids([derived[name][0] for name in self.names], keys)
        self.key_texts = list(keys)
        self.key_count = np.bincount(self.key_of, minlength=len(keys))
        self.org = _ids(self.org_refs, {})
        self.email = _ids([e or None for e in self.emails], {})
        parts = [local_part(e) if e else None for e in self.emails]
        self.local = _ids([p if p and len(p) >= 3 and p not in GENERIC_LOCAL_PARTS else None for p in parts], {})
        # An address (or local part) many persons share says nothing about one person: not evidence.
        self.email_evidence = _evidence(self.email)
        self.local_evidence = _evidence(self.local)

        self.blocks: list[tuple[BlockKind, list[int]]] = []
        self._add_blocks(BlockKind.EMAIL, [e or None for e in self.emails])
        self._add_blocks(BlockKind.LOCAL_PART, [parts[i] if self.local[i] >= 0 else None for i in range(len(parts))])
        self._add_blocks(BlockKind.ORGANISATION, self.org_refs)
        # A pair that only the name links scores at most 100 - 20 when the name is common; when that
        # cannot reach ``min_score``, only persons with a rare name need the name blocks (every pair
        # with a shared address or organisation is in that block already). This keeps the demo's
        # thousand "Nguyễn Văn An"s from making millions of pairs that could never be reported.
        rare = self.key_count[self.key_of] <= RARE_NAME
        if min_score <= NAME_ONLY_COMMON_MAX:
            rare[:] = True
        for kind, slot in ((BlockKind.INITIALS, 1), (BlockKind.FIRST_LAST, 2)):
            self._add_blocks(kind, [derived[name][slot] or None if keep else None
                                    for name, keep in zip(self.names, rare.tolist(), strict=True)])
        self.name_scores: dict[int, int] = {}  # key pair code -> name_similarity, across batches
        self.ignored: set[int] = set()
        wanted = {p.hex for pair in ignored for p in pair}
        if wanted:
            position = {pid: i for i, pid in enumerate(self.ids) if pid in wanted}
            for pair in ignored:
                found = sorted(position[p.hex] for p in pair if p.hex in position)
                if len(found) == 2:
                    self.ignored.add(found[0] * len(self.ids) + found[1])

    def _add_blocks(self, kind: BlockKind, keys: list[Any]) -> None:
        members: dict[Any, list[int]] = defaultdict(list)
        for i, key in enumerate(keys):
            if key is not None:
                members[key].append(i)
        self.blocks.extend((kind, m) for m in members.values() if len(m) >= 2)


def _ids(values: list[Any], seen: dict[Any, int]) -> np.ndarray:
    """Each value's number (the order of first appearance); -1 for None."""
    return np.fromiter((-1 if v is None else seen.setdefault(v, len(seen)) for v in values),
                       dtype=np.int32, count=len(values))


def _evidence(ids: np.ndarray) -> np.ndarray:
    """Whether each person's value (address, local part) is theirs alone or shared by a few at most."""
    known = ids >= 0
    counts = np.bincount(ids[known], minlength=int(ids.max(initial=-1)) + 1)
    return known & (counts[np.maximum(ids, 0)] <= SHARED_ADDRESS) if len(counts) else known


@lru_cache(maxsize=64)
def _upper_pairs(n: int) -> tuple[np.ndarray, np.ndarray]:
    rows, cols = np.triu_indices(n, k=1)
    return rows.astype(np.int64), cols.astype(np.int64)


def _windows(index: _Index, members: list[int]) -> list[np.ndarray]:
    """The block itself, or for a huge block overlapping windows over its persons sorted by name."""
    if len(members) <= MAX_BLOCK:
        return [np.array(members, dtype=np.int64)]
    order = sorted(members, key=lambda i: index.key_texts[index.key_of[i]])
    step = MAX_BLOCK // 2
    return [np.array(order[start:start + MAX_BLOCK], dtype=np.int64)
            for start in range(0, len(order) - step, step)]


def _batches(index: _Index, result: ScanResult, progress: Progress | None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The blocks' candidate pairs (left index < right index), at most about ``BATCH`` at a time."""
    blocks = index.blocks
    result.blocks = len(blocks)
    lefts: list[np.ndarray] = []
    rights: list[np.ndarray] = []
    pending = 0
    for done, (kind, members) in enumerate(blocks):
        if progress is not None and done % 512 == 0 and not progress(done, len(blocks)):
            raise ScanCancelled(_("The duplicate scan was stopped; nothing was changed."))
        windows = _windows(index, members)
        if len(windows) > 1:
            result.split_blocks.append(SplitBlock(kind, len(members)))
        for window in windows:
            rows, cols = _upper_pairs(len(window))
            a, b = window[rows], window[cols]
            lefts.append(np.minimum(a, b))
            rights.append(np.maximum(a, b))
            pending += len(rows)
            if pending >= BATCH:
                yield np.concatenate(lefts), np.concatenate(rights)
                lefts, rights, pending = [], [], 0
    if pending:
        yield np.concatenate(lefts), np.concatenate(rights)
    if progress is not None:
        progress(len(blocks), len(blocks))


def _names(index: _Index, key_a: np.ndarray, key_b: np.ndarray) -> np.ndarray:
    """Name similarity of each pair of name keys, computed once per distinct pair of keys."""
    low, high = np.minimum(key_a, key_b).astype(np.int64), np.maximum(key_a, key_b).astype(np.int64)
    codes, inverse = np.unique(low * len(index.key_texts) + high, return_inverse=True)
    cache = index.name_scores
    new = [c for c in codes.tolist() if c not in cache]
    if new:
        width = len(index.key_texts)
        texts_a = [index.key_texts[c // width] for c in new]
        texts_b = [index.key_texts[c % width] for c in new]
        coarse = process.cpdist(texts_a, texts_b, scorer=fuzz.ratio, score_cutoff=COARSE_CUTOFF, workers=-1)
        for code, a, b, rough in zip(new, texts_a, texts_b, coarse.tolist(), strict=True):
            cache[code] = name_similarity(a, b) if rough else 0
    scores = np.fromiter((cache[c] for c in codes.tolist()), dtype=np.int16, count=len(codes))
    return scores[inverse.reshape(-1)]


def _score(index: _Index, left: np.ndarray, right: np.ndarray, min_score: int,
           found: dict[int, tuple[int, int]]) -> None:
    """Scores a batch of candidate pairs; keeps in ``found`` those reaching ``min_score``."""
    names = _names(index, index.key_of[left], index.key_of[right])
    org_a, org_b = index.org[left], index.org[right]
    same_org = (org_a == org_b) & (org_a >= 0)
    other_org = (org_a != org_b) & (org_a >= 0) & (org_b >= 0)
    email_a, email_b = index.email[left], index.email[right]
    same_email = (email_a == email_b) & index.email_evidence[left] & index.email_evidence[right]
    same_local = ((index.local[left] == index.local[right]) & index.local_evidence[left]
                  & index.local_evidence[right] & ~same_email)
    other_email = (email_a != email_b) & (email_a >= 0) & (email_b >= 0) & ~same_local
    name_only = ~(same_org | same_email | same_local)
    count = index.key_count
    common = np.maximum(count[index.key_of[left]], count[index.key_of[right]]) > RARE_NAME
    score = (names + 10 * same_org - 20 * other_org + 10 * same_local - 15 * other_email
             - 10 * name_only - 10 * (name_only & common))
    score = np.clip(np.where(same_email, np.maximum(score, 95), score), 0, 100)
    keep = np.nonzero(score >= min_score)[0]
    if not len(keep):
        return
    reasons = (Reason.SAME_EMAIL * same_email[keep] + Reason.SAME_LOCAL_PART * same_local[keep]
               + Reason.SAME_NAME * (names[keep] >= 100)
               + Reason.SIMILAR_NAME * ((names[keep] >= 80) & (names[keep] < 100))
               + Reason.SAME_ORGANISATION * same_org[keep] + Reason.OTHER_ORGANISATION * other_org[keep]
               + Reason.OTHER_EMAIL * other_email[keep])
    n = len(index.ids)
    codes = left[keep] * n + right[keep]
    for code, value, why in zip(codes.tolist(), score[keep].tolist(), reasons.tolist(), strict=True):
        if code not in index.ignored and (code not in found or found[code][0] < value):
            found[code] = (value, why)


def fetch(session: Session) -> list[Any]:
    """(id, name, email, organisation id) of every live person, ids as stored (hex): converting
    100,000 ids to ``uuid.UUID`` would cost more than the whole comparison."""
    stmt = select(type_coerce(Person.id, String), Person.name, Person.email,
                  type_coerce(Person.organisation_id, String)).where(Person.deleted_at.is_(None))
    return list(session.execute(stmt))


def scan_rows(rows: list[Any], *, min_score: int = DEFAULT_MIN_SCORE, max_pairs: int = DEFAULT_MAX_PAIRS,
              ignored: Iterable[frozenset[uuid.UUID]] = (), progress: Progress | None = None,
              organisation_names: Callable[[list[str]], dict[str, str]] | None = None) -> ScanResult:
    """The likely duplicate pairs among ``rows`` (as ``fetch`` returns them), best first."""
    index = _Index(rows, ignored, min_score)
    result = ScanResult(persons=len(rows))
    found: dict[int, tuple[int, int]] = {}
    for left, right in _batches(index, result, progress):
        result.comparisons += len(left)
        _score(index, left, right, min_score, found)
    n = len(index.ids)
    ranked = sorted(found.items(), key=lambda item: (-item[1][0], index.names[item[0] // n], item[0]))
    result.truncated = max(0, len(ranked) - max_pairs)
    ranked = ranked[:max_pairs]
    refs = sorted({ref for code, _v in ranked for i in (code // n, code % n)
                   if (ref := index.org_refs[i]) is not None})
    names = organisation_names(refs) if organisation_names is not None and refs else {}

    def summary(i: int) -> PersonSummary:
        ref = index.org_refs[i]
        return PersonSummary(uuid.UUID(index.ids[i]), index.names[i], index.emails[i],
                             names.get(ref, "") if ref is not None else "")

    result.pairs = [DuplicatePair(summary(code // n), summary(code % n), value, Reason(why))
                    for code, (value, why) in ranked]
    return result


def _organisation_names(session: Session) -> Callable[[list[str]], dict[str, str]]:
    def names(refs: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        ref_col = type_coerce(Organisation.id, String)
        for start in range(0, len(refs), 500):
            chunk = [uuid.UUID(r) for r in refs[start:start + 500]]
            found.update((r[0], r[1]) for r in session.execute(
                select(ref_col, Organisation.name).where(Organisation.id.in_(chunk))))
        return found

    return names


def scan(session: Session, *, min_score: int = DEFAULT_MIN_SCORE, max_pairs: int = DEFAULT_MAX_PAIRS,
         ignored: Iterable[frozenset[uuid.UUID]] = (), progress: Progress | None = None) -> ScanResult:
    """Likely duplicate pairs among the live persons; only reads. ``progress`` returning False stops it
    (``ScanCancelled``)."""
    return scan_rows(fetch(session), min_score=min_score, max_pairs=max_pairs, ignored=ignored,
                     progress=progress, organisation_names=_organisation_names(session))


def groups(pairs: Iterable[DuplicatePair]) -> list[list[uuid.UUID]]:
    """Pairs joined into groups of persons that are all (transitively) likely the same person."""
    parent: dict[uuid.UUID, uuid.UUID] = {}

    def root(x: uuid.UUID) -> uuid.UUID:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pair in pairs:
        a, b = root(pair.left.id), root(pair.right.id)
        if a != b:
            parent[b] = a
    members: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for person in list(parent):
        members[root(person)].append(person)
    return [sorted(m) for m in members.values() if len(m) > 1]
