"""Last year beside this year in a run: which earlier file each submission is evaluated with.

A submission's result depends on its own content and on its unit's previous year, so the
state remembers, beside the content hash, the :class:`Pairing` it was evaluated with (the
earlier file's path and content hash, or why none was taken). A run decides the pairing of
every evaluated submission from all of them (:func:`plan`, by :mod:`xlsxperf.history`'s rules)
and evaluates again those whose pairing is not the one they were evaluated with: a 2021 file
that changed, arrived or went away re-evaluates the 2022 one.

A worker that reads a new file decides its pairing itself from the submissions evaluated so
far (:func:`choose`, the same rule), so that a new 2022 file beside last year's archive is
evaluated once, with last year; the run checks that choice like any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from ..history import Identity, Matcher, UnitKey, identity_of, match_years, unit_keys, year_groups


@dataclass(frozen=True)
class Pairing:
    """What a submission is evaluated with: its unit's previous year (``path`` and content
    hash ``sha256``), or ``refused``: why none (two candidates), or nothing at all."""

    path: str | None = None
    sha256: str | None = None
    refused: str | None = None

    def to_json(self) -> dict[str, str] | None:
        data = {k: v for k, v in (("path", self.path), ("sha256", self.sha256),
                                  ("refused", self.refused)) if v is not None}
        return data or None

    @classmethod
    def from_json(cls, data: Any) -> Pairing | None:
        """A pairing from the state file; None when it does not hold together."""
        if data is None:
            return NONE
        if not isinstance(data, dict) or not all(
                isinstance(data.get(k), (str, type(None))) for k in ("path", "sha256", "refused")):
            return None
        pairing = cls(data.get("path"), data.get("sha256"), data.get("refused"))
        return pairing if (pairing.path is None) == (pairing.sha256 is None) else None

    @property
    def name(self) -> str:
        return Path(self.path).name if self.path else ""


NONE = Pairing()


class Known(NamedTuple):
    """An evaluated submission, as a candidate previous year: where it is, its content hash
    and who it is. What a worker is sent to pair a new file: a tuple of the fields of its
    identity (strings the run holds anyway), the :class:`Identity` made where it is compared."""

    path: str
    sha256: str
    name: str | None
    code: str | None
    supervisor: str | None
    year: int

    @property
    def who(self) -> Identity:
        return Identity(self.name, self.code, self.supervisor, self.year)

    @classmethod
    def of(cls, doc: dict[str, Any]) -> Known | None:
        who = identity_of(doc)
        sha = doc.get("sha256")
        if who is None or who.year is None or not isinstance(sha, str) or not sha:
            return None
        return cls(doc["path"], sha, who.name, who.code, who.supervisor, who.year)


class KnownLog:
    """The submissions a run has evaluated so far (:class:`Known`), as a list of changes:
    ``(path, Known)``, or ``(path, None)`` for one that is no longer a candidate. Each worker
    keeps its own :class:`KnownIndex` of them and is sent only the changes since it was last
    sent any, so that a run does not send every candidate with every file (a first run of
    1,000 new files sent some 500,000 of them, and building those messages was its parent's
    memory peak)."""

    def __init__(self, known: dict[str, Known]) -> None:
        self._changes: list[tuple[str, Known | None]] = list(known.items())

    def set(self, path: str, known: Known | None) -> None:
        self._changes.append((path, known))

    def since(self, seen: int) -> tuple[tuple[tuple[str, Known | None], ...], int]:
        """The changes after the first ``seen``, and how many there are now."""
        return tuple(self._changes[seen:]), len(self._changes)


class KnownIndex:
    """A worker's index of the submissions the run knows (kept up to date with the changes of
    a :class:`KnownLog`), by :func:`~xlsxperf.history.unit_keys`: :meth:`near` offers a file
    only the submissions :func:`choose` could pair it with (its unit's code or name, the year
    before), not all of them, so that a run of thousands of new files does not compare each
    with every one evaluated before it."""

    def __init__(self) -> None:
        self._items: dict[str, tuple[int, Known]] = {}  # path -> (order of arrival, submission)
        self._by_key: dict[UnitKey, set[str]] = {}
        self._arrived = 0

    def apply(self, changes: Sequence[tuple[str, Known | None]]) -> None:
        """Bring the index up to date with ``changes`` (see :class:`KnownLog`)."""
        for path, known in changes:
            old = self._items.get(path)
            if old is not None:
                for key in unit_keys(old[1].who, old[1].year):
                    self._by_key[key].discard(path)
            if known is None:
                self._items.pop(path, None)
                continue
            order = old[0] if old is not None else self._arrived
            self._arrived += old is None
            self._items[path] = (order, known)
            for key in unit_keys(known.who, known.year):
                self._by_key.setdefault(key, set()).add(path)

    def near(self, me: Known, years: frozenset[int] | None = None) -> tuple[Known, ...]:
        """The known submissions other than ``me`` of ``years`` (all when None) that could be
        its previous year: of the year before, with its unit's code or name key; in the order
        they became known (what :func:`choose` would pair from all of them)."""
        paths = {p for key in unit_keys(me.who, me.year - 1) for p in self._by_key.get(key, ())}
        paths.discard(me.path)
        found = sorted(self._items[p] for p in paths)
        return tuple(k for _, k in found if years is None or k.year in years)


def plan(docs: Sequence[dict[str, Any]]) -> dict[str, Pairing]:
    """The pairing each evaluated submission (file document) should be evaluated with, by
    path; a path not in the result is evaluated on its own, with nothing to say."""
    out: dict[str, Pairing] = {}
    for m in match_years(docs):
        if m.earlier is not None:
            out[m.item["path"]] = Pairing(m.earlier["path"], m.earlier["sha256"])
        elif m.refused:
            out[m.item["path"]] = Pairing(refused=m.refused)
    return out


def choose(me: Known, known: Sequence[Known]) -> Pairing:
    """The pairing of a file just read (``me``) among the submissions ``known`` so far: what
    :func:`plan` would say if these were all."""
    matcher = Matcher([k for k in known if k.path != me.path], identify=lambda k: k.who)
    m = matcher.match(me, me.who)
    if m.earlier is not None:
        return Pairing(m.earlier.path, m.earlier.sha256)
    return Pairing(refused=m.refused) if m.refused else NONE


def trend(docs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each unit with two or more years among ``docs`` (as they were paired), for the JSON
    report's ``trend``: the unit as last submitted, and each year's file, computed score and
    grade, in year order."""
    out = []
    for group in year_groups(docs):
        if len({(d.get("unit") or {}).get("year") for d in group}) < 2:
            continue
        unit = group[-1].get("unit") or {}
        out.append({"unit": {"name": unit.get("name"), "code": unit.get("code")},
                    "years": [{"year": (d.get("unit") or {}).get("year"), "path": d["path"],
                               "score": (d.get("metrics") or {}).get("score.computed"),
                               "grade": (d.get("metrics") or {}).get("grade.computed")} for d in group]})
    return out
