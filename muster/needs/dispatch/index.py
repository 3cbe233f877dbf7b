"""Columnar, reusable index over people, and the same columns for needs.

Built once (``PeopleIndex.build``) and then queried many times: by
:func:`muster.needs.dispatch.solve` for a whole batch of needs and by
:func:`muster.needs.dispatch.suggest` for one need at a time.

Spatial look-up is a uniform grid over points on the unit sphere (3-D cells,
keys sorted once). Two points within great-circle distance r are within chord
distance c(r) in 3-D, so with cells of side c(r)/k every such pair lies in
cells at most k apart along each axis: the candidate set is an exact superset
of the pairs in range (filtered afterwards by ``haversine_m``), at any
latitude, with nothing beyond numpy. The sphere is first turned so that the
people's centroid sits on the z axis: a city then lies almost flat in one
layer of cells, and a query scans a square around the need, not a cube.

People are stored in grid order, so the rows a query touches are contiguous
in memory.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np

from .geo import chord_for, unit_vectors
from .models import Need, Person

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)

# Cells of side chord/3: a query scans 7x7 cells, about 1.6x the disc's area.
_CELLS_PER_RADIUS = 3
# Cell side floor on the unit sphere (~6 m): keeps 3-D cell keys inside int64.
_MIN_CELL = 1e-6
# Above this many neighbouring cells a query scans everyone instead.
_MAX_CELLS_PER_QUERY = 20_000
# Largest (distinct need time spans x people) table of window cover flags.
_MAX_SPAN_TABLE = 64_000_000


def to_us(dt: datetime) -> int:
    """Exact microseconds since the Unix epoch of an aware datetime."""
    return (dt - _EPOCH) // _US


def to_us_array(dts: list[datetime]) -> np.ndarray:
    """``to_us`` of many datetimes, converting each distinct object once.

    Parsed instances share one object per distinct time string (see
    models._parse_time), so this converts a few hundred objects instead of
    millions. Object ids are stable here: ``dts`` keeps them all alive.
    """
    if not dts:
        return np.zeros(0, dtype=np.int64)
    ids = np.fromiter(map(id, dts), dtype=np.uint64, count=len(dts))
    _, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
    epoch, us = _EPOCH, _US
    values = np.array([(dts[i] - epoch) // us for i in first.tolist()], dtype=np.int64)
    return values[inverse.ravel()]


class Vocab:
    """Strings (skills, affiliations) to bit positions in uint64 masks."""

    def __init__(self, lists: Sequence[Sequence[str]]):
        self.code: dict[str, int] = {}
        for items in lists:
            for s in items:
                if s not in self.code:
                    self.code[s] = len(self.code)
        self.words = max(1, math.ceil(len(self.code) / 64))

    def masks(self, lists: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
        """Bit masks, shape (n, words) uint64, and whether every string was known."""
        code = self.code
        unknown = len(code)  # one bit past the vocabulary flags strings nobody holds
        values = []
        for items in lists:
            v = 0
            for s in items:
                v |= 1 << code.get(s, unknown)
            values.append(v)
        known = np.fromiter((v >> unknown == 0 for v in values), dtype=bool, count=len(values))
        full = (1 << unknown) - 1
        mask = np.zeros((len(values), self.words), dtype=np.uint64)
        for w in range(self.words):
            shift, word = 64 * w, (1 << 64) - 1
            mask[:, w] = np.fromiter(((v & full) >> shift & word for v in values), dtype=np.uint64,
                                     count=len(values))
        return mask, known


def _frame(xyz: np.ndarray) -> np.ndarray:
    """Rotation (3x3, rows are the new axes) putting the points' mean direction on z."""
    mean = xyz.sum(axis=0) if len(xyz) else np.zeros(3)
    norm = np.linalg.norm(mean)
    if norm < 1e-9:
        return np.eye(3)
    z = mean / norm
    helper = np.array([1.0, 0.0, 0.0]) if abs(z[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    x = np.cross(helper, z)
    x /= np.linalg.norm(x)
    return np.stack([x, np.cross(z, x), z])


@dataclass
class Cells:
    """Non-empty cells of a key-sorted list of rows: key and [start, end) positions."""

    keys: np.ndarray
    starts: np.ndarray
    ends: np.ndarray

    @classmethod
    def of(cls, sorted_keys: np.ndarray) -> Cells:
        keys, starts = np.unique(sorted_keys, return_index=True)
        return cls(keys, starts.astype(np.int64), np.append(starts[1:], len(sorted_keys)).astype(np.int64))


class Grid:
    """Cell keys of (rotated) unit vectors; rows are sorted by key once built."""

    def __init__(self, xyz: np.ndarray, radius_m: float):
        self.cell = max(chord_for(radius_m) / _CELLS_PER_RADIUS, _MIN_CELL)
        n = len(xyz)
        cells = np.floor(xyz / self.cell).astype(np.int64)
        self.lo = cells.min(axis=0) if n else np.zeros(3, dtype=np.int64)
        self.dims = (cells.max(axis=0) - self.lo + 1) if n else np.ones(3, dtype=np.int64)
        self.row_keys = self._key(cells)
        self.cells = Cells.of(np.zeros(0, dtype=np.int64))

    def sort(self) -> np.ndarray:
        """Sort rows by cell; returns the permutation applied (new row -> old row)."""
        order = np.argsort(self.row_keys, kind="stable")
        self.row_keys = self.row_keys[order]
        self.cells = Cells.of(self.row_keys)
        return order

    def _key(self, cells: np.ndarray) -> np.ndarray:
        c = cells - self.lo
        return (c[..., 0] * self.dims[1] + c[..., 1]) * self.dims[2] + c[..., 2]

    def ranges(self, xyz: np.ndarray, radius_m: float, cells: Cells | None = None) -> tuple[
            np.ndarray, np.ndarray, np.ndarray] | None:
        """For each query point, the slices of rows that may lie within the radius.

        Returns (query number, start, end) per non-empty neighbouring cell of
        ``cells`` (default: all rows), sorted by query number, or None when
        the radius spans so many cells that a full scan is cheaper.
        """
        cells = cells or self.cells
        # chord_for's own slack (1e-9 relative) covers the tolerance that stops
        # a ratio of 3.0000000000000004 from scanning a whole extra ring.
        reach = max(1, math.ceil(chord_for(radius_m) / self.cell - 1e-9))
        side = 2 * reach + 1
        if side ** 3 > _MAX_CELLS_PER_QUERY:
            return None
        at = np.floor(xyz / self.cell).astype(np.int64)
        lo, hi = self.lo, self.lo + self.dims
        span = np.arange(-reach, reach + 1, dtype=np.int64)
        dx, dy = (a.ravel() for a in np.meshgrid(span, span, indexing="ij"))
        n_keys = len(cells.keys)
        # Walk the occupied z layers only: a city spans one or two of them.
        qs, ss, es = [], [], []
        for dz in span:
            cz = at[:, 2] + dz
            live = np.nonzero((cz >= lo[2]) & (cz < hi[2]))[0]
            if len(live) == 0 or n_keys == 0:
                continue
            cx = at[live, 0][:, None] + dx[None, :]
            cy = at[live, 1][:, None] + dy[None, :]
            q, o = np.nonzero((cx >= lo[0]) & (cx < hi[0]) & (cy >= lo[1]) & (cy < hi[1]))
            key = ((cx[q, o] - lo[0]) * self.dims[1] + (cy[q, o] - lo[1])) * self.dims[2] + (cz[live[q]] - lo[2])
            pos = np.minimum(np.searchsorted(cells.keys, key), n_keys - 1)
            hit = cells.keys[pos] == key
            qs.append(live[q[hit]])
            ss.append(cells.starts[pos[hit]])
            es.append(cells.ends[pos[hit]])
        if not qs:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        q, s, e = np.concatenate(qs), np.concatenate(ss), np.concatenate(es)
        order = np.argsort(q, kind="stable")
        return q[order], s[order], e[order]


@dataclass
class PeopleIndex:
    """Everything the engine needs to know about people, as numpy columns.

    Build once with :meth:`build` and reuse it for many ``suggest`` calls or
    solves over the same people. Rows are in grid order; ``person(row)``
    maps back to the input, ``row(id)`` forward.
    """

    people: Sequence[Person]  # as given to build(); row r holds people[orig[r]]
    orig: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    frame: np.ndarray  # rotation applied to unit vectors before gridding
    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    grid: Grid
    skill_vocab: Vocab
    skills: np.ndarray  # (P, words) uint64
    aff_vocab: Vocab
    affs: np.ndarray  # (P, words) uint64
    region_vocab: dict[str, int]
    home: np.ndarray  # int64, -1 when unknown
    load: np.ndarray  # int64, 0 when unknown
    has_load: bool
    cap: np.ndarray  # int64 max_assignments
    # Availability windows sorted by (row, start), in microseconds since the epoch.
    win_first: np.ndarray  # (P + 1) offsets into the window arrays
    win_start: np.ndarray
    win_end: np.ndarray
    # Ranked form for one binary search per pair: times holds every distinct
    # bound; win_key = row * R + rank(start), sorted; win_reach = running max
    # of row * R + rank(end), which never leaks across people because keys
    # grow with the row.
    times: np.ndarray
    win_key: np.ndarray
    win_reach: np.ndarray
    radius_m: float
    _rows: dict[str, int] | None = field(default=None, repr=False)

    @property
    def size(self) -> int:
        return len(self.orig)

    def person(self, row: int) -> Person:
        return self.people[self.orig[row]]

    def row(self, person_id: str) -> int | None:
        """Row of a person id, or None if not indexed."""
        if self._rows is None:
            rows = np.empty(self.size, dtype=np.int64)
            rows[self.orig] = np.arange(self.size)
            self._rows = {p.id: int(r) for p, r in zip(self.people, rows.tolist(), strict=True)}
        return self._rows.get(person_id)

    def rotated(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """Unit vectors of points in this index's grid frame, shape (n, 3)."""
        return unit_vectors(lat, lon).reshape(-1, 3) @ self.frame.T

    @classmethod
    def build(cls, people: Sequence[Person], max_km: float) -> PeopleIndex:
        """Index ``people`` for queries with a radius around ``max_km``."""
        n = len(people)
        lat0 = np.array([p.lat for p in people], dtype=np.float64)
        lon0 = np.array([p.lon for p in people], dtype=np.float64)
        loads = [p.load for p in people]
        has_load = any(v is not None for v in loads)
        load0 = np.array([v or 0 for v in loads], dtype=np.int64)
        cap0 = np.array([p.max_assignments for p in people], dtype=np.int64)
        counts0 = np.array([len(p.available) for p in people], dtype=np.int64)

        xyz = unit_vectors(lat0, lon0).reshape(n, 3)
        frame = _frame(xyz)
        xyz = xyz @ frame.T
        radius_m = max_km * 1000.0
        grid = Grid(xyz, radius_m)
        order = grid.sort()
        xyz = xyz[order]
        row_of = np.empty(n, dtype=np.int64)
        row_of[order] = np.arange(n)

        skill_lists = [p.skills for p in people]
        skill_vocab = Vocab(skill_lists)
        skills = skill_vocab.masks(skill_lists)[0][order]
        aff_lists = [p.affiliations for p in people]
        aff_vocab = Vocab(aff_lists)
        affs = aff_vocab.masks(aff_lists)[0][order]
        region_vocab: dict[str, int] = {}
        home0 = np.array([-1 if p.home_region is None else region_vocab.setdefault(p.home_region, len(region_vocab))
                          for p in people], dtype=np.int64)

        total = int(counts0.sum())
        bounds = to_us_array([t for p in people for w in p.available for t in w]).reshape(total, 2)
        w_row = np.repeat(row_of, counts0)
        w_order = np.lexsort((bounds[:, 0], w_row))
        w_row, win_start, win_end = w_row[w_order], bounds[w_order, 0], bounds[w_order, 1]
        times = np.unique(bounds)
        r = len(times) + 1
        win_key = w_row * r + np.searchsorted(times, win_start)
        win_reach = np.maximum.accumulate(w_row * r + np.searchsorted(times, win_end)) if total else win_key

        return cls(
            people=people, orig=order, lat=lat0[order], lon=lon0[order], frame=frame,
            x=np.ascontiguousarray(xyz[:, 0]), y=np.ascontiguousarray(xyz[:, 1]),
            z=np.ascontiguousarray(xyz[:, 2]), grid=grid,
            skill_vocab=skill_vocab, skills=skills, aff_vocab=aff_vocab, affs=affs,
            region_vocab=region_vocab, home=home0[order], load=load0[order], has_load=has_load,
            cap=cap0[order], win_first=np.concatenate([[0], np.cumsum(counts0[order])]).astype(np.int64),
            win_start=win_start, win_end=win_end, times=times, win_key=win_key, win_reach=win_reach,
            radius_m=radius_m,
        )

    def candidate_chunks(self, needs: NeedTable, rows: np.ndarray, radius_m: float,
                         subset: np.ndarray | None = None,
                         chunk: int = 4_000_000) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(need row, person row) pairs that may be within ``radius_m``, in chunks.

        An exact superset of the pairs within radius for the need ``rows``
        asked for, among the person rows in ``subset`` (ascending; default
        everyone); each need's candidates all come in the same chunk.
        """
        members = subset
        n_people = self.size if members is None else len(members)
        if len(rows) == 0 or n_people == 0:
            return
        cells = None if members is None else Cells.of(self.grid.row_keys[members])
        found = self.grid.ranges(needs.xyz[rows], radius_m, cells)
        if found is None:
            # Radius covers most of the grid: scan everyone, a few needs at a time.
            step = max(1, chunk // n_people)
            everyone = np.arange(self.size, dtype=np.int64) if members is None else members
            for i in range(0, len(rows), step):
                part = rows[i:i + step]
                yield np.repeat(part, n_people), np.tile(everyone, len(part))
            return
        q, starts, ends = found
        counts = ends - starts
        per_query = np.bincount(q, weights=counts, minlength=len(rows))
        # Cut between queries whenever the running total passes another chunk.
        cut_at = np.searchsorted(np.cumsum(per_query), np.arange(chunk, per_query.sum() + chunk, chunk),
                                 side="right")
        bounds = np.unique(np.concatenate([[0], np.minimum(cut_at, len(rows) - 1) + 1]))
        for qa, qb in zip(bounds[:-1], bounds[1:], strict=True):
            a, b = np.searchsorted(q, [qa, qb])
            part_counts = counts[a:b]
            total = int(part_counts.sum())
            if total == 0:
                continue
            seg = np.repeat(np.arange(a, b, dtype=np.int64), part_counts)
            seg_start = np.cumsum(part_counts) - part_counts
            pos = starts[seg] + (np.arange(total, dtype=np.int64) - np.repeat(seg_start, part_counts))
            yield rows[q[seg]], pos if members is None else members[pos]


@dataclass
class NeedTable:
    """Needs as numpy columns, encoded against one :class:`PeopleIndex`."""

    ids: list[str]
    lat: np.ndarray
    lon: np.ndarray
    xyz: np.ndarray  # in the index's grid frame
    places: np.ndarray
    start_us: np.ndarray
    end_us: np.ndarray
    rank_start: np.ndarray  # rank of the latest window bound <= start (-1 if none)
    rank_end: np.ndarray  # rank of the earliest window bound >= end
    skills: np.ndarray
    possible: np.ndarray  # False when no one can qualify (a skill or affiliation nobody holds)
    affs: np.ndarray
    has_affs: np.ndarray
    preferred: np.ndarray
    region: np.ndarray  # people-index region code, -1 when absent or no one's home
    # When needs share few distinct time spans (shifts), covers[span[j], p]
    # answers "does a window of p cover need j" with one look-up.
    span: np.ndarray | None = None
    covers: np.ndarray | None = None

    @property
    def size(self) -> int:
        return len(self.ids)

    @property
    def spans(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(span, covers) when the span table was built, else None: the two are set together."""
        if self.span is None or self.covers is None:
            return None
        return self.span, self.covers

    @classmethod
    def build(cls, needs: Sequence[Need], index: PeopleIndex, span_table: bool = False) -> NeedTable:
        n = len(needs)
        lat = np.fromiter((x.lat for x in needs), dtype=np.float64, count=n)
        lon = np.fromiter((x.lon for x in needs), dtype=np.float64, count=n)
        start = to_us_array([x.start for x in needs])
        end = to_us_array([x.end for x in needs])
        skills, skills_known = index.skill_vocab.masks([x.skills for x in needs])
        affs, _ = index.aff_vocab.masks([x.affiliations for x in needs])
        has_affs = np.fromiter((bool(x.affiliations) for x in needs), dtype=bool, count=n)
        # Any-of: a need is hopeless only when none of its affiliations is held by anyone.
        affs_possible = ~has_affs | np.any(affs != 0, axis=1)
        preferred, _ = index.skill_vocab.masks([x.preferred_skills for x in needs])
        region = np.fromiter(
            (index.region_vocab.get(x.region, -1) if x.region is not None else -1 for x in needs),
            dtype=np.int64, count=n,
        )
        table = cls(
            ids=[x.id for x in needs], lat=lat, lon=lon, xyz=index.rotated(lat, lon),
            places=np.fromiter((x.places for x in needs), dtype=np.int64, count=n),
            start_us=start, end_us=end,
            rank_start=np.searchsorted(index.times, start, side="right") - 1,
            rank_end=np.searchsorted(index.times, end, side="left"),
            skills=skills, possible=skills_known & affs_possible,
            affs=affs, has_affs=has_affs, preferred=preferred, region=region,
        )
        if span_table and n:
            spans, span = np.unique(np.stack([start, end], axis=1), axis=0, return_inverse=True)
            if len(spans) * index.size <= _MAX_SPAN_TABLE:
                table.span = span.ravel().astype(np.int64)
                table.covers = _cover_table(index, spans)
        return table


def _cover_table(index: PeopleIndex, spans: np.ndarray) -> np.ndarray:
    """covers[u, p]: some window of person p contains span u (shape (U, P), bool)."""
    covers = np.zeros((len(spans), index.size), dtype=bool)
    has = np.nonzero(np.diff(index.win_first) > 0)[0]
    if len(has) == 0:
        return covers
    first = index.win_first[has]
    for u, (s, e) in enumerate(spans.tolist()):
        ok = (index.win_start <= s) & (index.win_end >= e)
        covers[u, has] = np.logical_or.reduceat(ok, first)
    return covers
