"""Segmentation: a number written with the pen, split into its digits.

A digit is written in one to three strokes, one after the other, and the digits of a number follow
each other from left to right. So the strokes are taken in the order they were drawn, on the writing
sheared upright (its slant fitted to the steep moves), and each stroke is compared with the horizontal
extent of the strokes just before it:
  - over them (the second stroke of a 4, the bar of a 5 or through a 7, the slash through a 0): the
    same digit, unless the two stand side by side, both as tall as a digit, one as narrow as a 1 at
    the edge of the other (a 1 written into its neighbour);
  - clear of them: a new digit;
  - in between (a 4's stem written beside its bar, or well clear of a bar too short to be a digit; a
    neighbour written close or into it): the network settles it. Every way of grouping such strokes
    into digits is read, and the way whose digits are together most probable wins; a digit much wider
    than tall (but a 4 in pieces that meet may be as wide as tall), much shorter than the line, or
    made of flat strokes alone (a 1's flag and base without its stem) is unlikely, and so is one made
    of two strokes that are each about as tall as the line (a 1 written close to its neighbour: the
    network reads many such pairs as one digit more surely than as two; but not a 1 side by side with
    the stroke written after it and crossed by it, which may be an R's stem and bowl, nor two halves
    read as a 0 that close its loop), and so is one whose strokes leave a clear gap between them,
    unless it reads as a 4 (a digit's strokes touch or reach over each other, but many a 4's stem is
    written beside its bar), and so is one that is no digit at all (see non_digits.py: an 8 and the
    9 written into it, read as one), and, very little, one written in three pieces (a tie-break: few
    digits are).
Dots, ticks and flat pieces written clear of the stroke before them (a 1's foot, a 3's top, a 5's bar
written apart; no digit is that flat) never start a digit: they join the digit near them whose ink is
nearest (to where they begin, when they lie clear of it), and of the digits near them first the one
written just before or after them (a digit's strokes are written one after the other). While the
strokes in between are settled, each reading takes in the marks written just before or after its
strokes and touching or over them, and its width is measured against its height with them: a 2's top
hook traced apart leaves its body short and wide, but not the 2, and a 3's body read without its top
(traced apart, reaching a little past the body) is a short 2.
The digits are then ordered left to right. Digits that come out one over another (a bench's seat over
its legs, a barn's walls round its door; not a 1 at the edge of its neighbour) are not a row of
digits: such a drawing is one drawing, read as one (and, drawn in many parts, not a digit; see
non_digits.py).

`benchmarks/written_numbers.py` measures it, and shows what still fails: digits written into each
other, and digits broken into pieces that each read as a digit.
"""

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

from ink import Strokes

# A stroke is over a digit when their horizontal extents overlap by at least this share of the
# narrower of the two.
INSIDE = 0.9
# A stroke within this share of the line's height of the digits before it might belong to them, and
# is read both ways; a stroke farther away starts a new digit ...
NEAR = 0.35
# ... but after a piece shorter than SHORT of the line (no digit on its own), one within FAR: many a 4's
# stem is written well clear of its bar.
FAR = 0.7
# With nothing to read them, a stroke in between joins when the extents overlap by this share.
JOIN_OVERLAP = 0.5
# A reading of several strokes as one digit is made less likely (its log-probability lowered by the
# penalty times the excess) when it is wider than WIDE times its height: two digits side by side (but
# many a 4 is as wide as tall: chosen on numbers of MNIST training digits and of the pen digits) ...
WIDE, WIDE_PENALTY = 0.8, 3.0
# ... and so is a digit shorter than SHORT of the line's height: a piece of a digit.
SHORT, SHORT_PENALTY = 0.6, 5.0
# ... and so is a reading that joins units which are each at least TALL of the line's height (a unit
# from the top of its highest stroke to the bottom of its lowest, however many pieces): two units
# each as tall as a digit are most often two digits (a 1 beside its neighbour), while a digit's
# second stroke is most often a shorter piece (a bar, a stem below the bar of a 4).
TALL, TALL_PENALTY = 0.75, 10.0
# ... unless they are read as a ZERO and one of them runs from the other's ink back to it: both its ends
# within CLOSE of the line's height of that ink and at least APART of it from each other. The two then
# close a loop, as the halves of a 0 written or traced apart do; a 1 beside a 0 touches it at one end,
# and a 0 begun and ended at its neighbour's ink has its two ends together.
CLOSE, APART, ZERO = 0.15, 0.5, 0
# ... and so is a reading of units with a gap wider than GAP of the line's height between their extents
# (a 1 beside a 6 reads as a 6 as surely as the two read apart), unless it reads as a FOUR, the one
# digit often written in two strokes side by side.
GAP, GAP_PENALTY, FOUR = 0.02, 30.0, 4
# A reading as a FOUR of several units that meet (each ends within MEET of the line's height of
# another's ink, with no gap between their extents) counts as wide only beyond WIDE_FOUR times its
# height: many a 4 is a little wider than tall and comes out traced in pieces (its stem's top, then
# its arm, bar and the rest of its stem) that read as a 1 and a 6; a neighbour's stroke seldom meets it.
WIDE_FOUR, MEET = 1.0, 0.02
# Two strokes (or digits) each at least TALL of the line's height stand side by side, though one lies over
# the other, when it is no wider than ONE_WIDE of the line's height (a 1) and within EDGE of it from an
# edge of the other's extent: a 1 written into the edge of its neighbour, or under a 7's bar reaching
# back over it. They are read both ways, as strokes in between are, and are no digits one over another
# (a 4's stem crosses its bar well inside it, and its bar is seldom as tall as the line). When the narrow one
# was written first and the other crosses or touches it (an R's bowl begun over its stem, but also a 2 written
# into the 1 before it), reading the two as one is not made unlikely for their heights (TALL): the network decides.
ONE_WIDE, EDGE = 0.2, 0.1
CROSS_CHUNK = 256  # segments of one polyline checked against the other at once (see _cross)
# The most units (a stroke and those lying over it) read as one digit. A reading of more than two is a
# very little less likely (its log-probability lowered by THREE_PENALTY, a tie-break: few digits are
# written in three pieces): where the network is as sure of both, a 4 whose neighbour's bar reaches
# back over its stem is two 4s, not one 4 with that bar and a 1. A larger penalty (0.05) splits MNIST
# digits traced in three pieces.
MAX_UNITS, THREE_PENALTY = 3, 0.005
# Strokes in between are read only while they hold fewer mouse points than this (a six-digit number
# holds about 3,000): a long scribble is not a number, and reading it every way would stall the app.
MAX_READ_POINTS = 5000
# Strokes smaller than this share of the line's height each way are marks (a dot, a tick, a slip of
# the pen): they never start a digit, but join a digit near them (see _digit_of_mark).
MARK = 0.1
# So are pieces: strokes flatter than PIECE_HEIGHT and narrower than PIECE_WIDTH of the line's height,
# written clear of the stroke before them (a 1's foot or flag, a 3's top, a 5's bar written apart). No
# digit is so flat, and read on their own they start a digit that is not there.
PIECE_HEIGHT, PIECE_WIDTH = 0.3, 0.6
# A mark is read with the strokes written just before or after it when it shares at least this share of
# the narrower of their extents (0: they touch): its digit's top or bar, traced apart, may reach past it.
MARK_OVER = 0.0
# A reading made of such flat strokes alone is unlikely, however tall they stand together: a 1's flag
# and its base, written after the stem, are not a digit of their own.
FLAT_PENALTY = 10.0
# A reading that is no digit at all (the reader says so: in the app, the rules of Not a digit) is less
# likely: its log-probability lowered by this much. Strokes that make no digit together seldom come
# from one digit (an 8 and the 9 written into it), but a digit traced from a faint scan may be doubted
# whole and still be one: a larger penalty splits more of those into pieces that read as digits.
NOT_A_DIGIT_PENALTY = 0.35
# Extents narrower than this share of the line's height count as this wide about their middle: a 1's
# stroke or a 4's stem has almost no width, and must neither be all sliver nor fall between two.
MIN_WIDTH = 0.15

# Each drawing read as one digit: its (N, 10) probabilities, and (N,) whether it is a digit at all.
Reader = Callable[[list[Strokes]], tuple[np.ndarray, np.ndarray]]


class StrokePoints:
    """A drawing's points as one (N, 2) array, for a drawing in progress: a finished stroke is
    converted once, so a long drawing is split almost as fast as a short one.

    Every stroke but the last is taken as finished while it is the same list with the same length as
    the last call saw; anything else (a stroke taken back, the drawing cleared) is converted again.
    """

    def __init__(self) -> None:
        self._strokes: Strokes = []  # the caller's finished strokes converted so far ...
        self._lengths: list[int] = []  # ... how many points each held then ...
        self._arrays: list[np.ndarray] = []  # ... and those points
        self._joined = np.zeros((0, 2))

    def of(self, strokes: Strokes) -> tuple[np.ndarray, np.ndarray]:
        """All points of `strokes` (each holding at least one), and where each stroke's first is."""
        finished = max(len(strokes) - 1, 0)
        same = 0
        while (same < min(finished, len(self._strokes)) and strokes[same] is self._strokes[same]
               and len(strokes[same]) == self._lengths[same]):
            same += 1
        if same < len(self._strokes) or same < finished:
            del self._strokes[same:], self._lengths[same:], self._arrays[same:]
            for stroke in strokes[same:finished]:
                self._strokes.append(stroke)
                self._lengths.append(len(stroke))
                self._arrays.append(_as_array(stroke))
            self._joined = np.concatenate([np.zeros((0, 2)), *self._arrays])
        last = [_as_array(strokes[-1])] if strokes else []
        starts = np.cumsum([0, *self._lengths, *(len(points) for points in last)])[:-1]
        return np.concatenate([self._joined, *last]), starts


def _as_array(stroke: Sequence) -> np.ndarray:
    return np.asarray(stroke, dtype=float).reshape(-1, 2)


class Outline(NamedTuple):
    """Where each stroke lies: (n, 2) arrays of x, y, and the points it holds."""

    extents: np.ndarray  # leftmost and rightmost x, on the writing sheared upright
    low: np.ndarray  # smallest x and y
    high: np.ndarray  # largest x and y
    points: np.ndarray  # (n,)

    @property
    def size(self) -> np.ndarray:
        """(n, 2): each stroke's width and height."""
        return self.high - self.low


def outline(xy: np.ndarray, starts: np.ndarray) -> Outline:
    """Each stroke's extent, on the writing sheared upright so that a slanted digit no longer reaches
    over its neighbours, and its box; the strokes are `xy` from `starts`."""
    upright_x = xy[:, 0] - slant(xy, starts) * xy[:, 1]
    extents = np.column_stack([np.minimum.reduceat(upright_x, starts), np.maximum.reduceat(upright_x, starts)])
    return Outline(extents, np.minimum.reduceat(xy, starts), np.maximum.reduceat(xy, starts),
                   np.diff([*starts, len(xy)]))


def slant(xy: np.ndarray, starts: np.ndarray) -> float:
    """How far the writing leans: the x shift per px of height, fitted to its steep moves (> 0: leans left)."""
    moves = np.delete(np.diff(xy, axis=0), starts[1:] - 1, axis=0)  # not from one stroke's end to the next
    steep = moves[np.abs(moves[:, 1]) > np.abs(moves[:, 0])]
    dx, dy = steep[:, 0], steep[:, 1]
    return float(dx @ dy / (dy @ dy)) if dy @ dy > 0 else 0.0


def height_of(shape: Outline, strokes: Sequence[int]) -> float:
    """From the top of the highest of these strokes to the bottom of the lowest."""
    return float(shape.high[strokes, 1].max() - shape.low[strokes, 1].min())


def span_of(shape: Outline, strokes: Sequence[int]) -> np.ndarray:
    """The leftmost and rightmost x of these strokes together, on the writing sheared upright."""
    return np.array([shape.extents[strokes, 0].min(), shape.extents[strokes, 1].max()])


def shared_extent(a: Sequence[float], b: Sequence[float], min_width: float) -> float:
    """How much of the narrower of two x extents the other covers: 1 inside, 0 touching, < 0 apart.

    An extent narrower than `min_width` counts as that wide about its middle.
    """
    a, b = _widened(a, min_width), _widened(b, min_width)
    overlap = min(a[1], b[1]) - max(a[0], b[0])
    return overlap / min(a[1] - a[0], b[1] - b[0])


def _widened(extent: Sequence[float], min_width: float) -> tuple[float, float]:
    middle, half = (extent[0] + extent[1]) / 2, max(extent[1] - extent[0], min_width) / 2
    return middle - half, middle + half


def split_digits(strokes: Strokes, read: Reader | None = None,
                 points: StrokePoints | None = None) -> list[list[int]]:
    """The indices of each digit's strokes, digits ordered left to right; [] for no strokes.

    Each stroke, in the order drawn, either lies over the strokes just before it (the same digit),
    or clear of them (a new digit), or in between: then `read` settles it, by reading every way of
    grouping such strokes into digits and keeping the way whose digits read most surely together.
    Without `read`, a stroke in between joins if it shares JOIN_OVERLAP of the narrower extent.
    `points` (kept by the caller) converts only the strokes added since its last call.
    """
    if not strokes:
        return []
    xy, starts = (points or StrokePoints()).of(strokes)
    shape = outline(xy, starts)
    height = max(height_of(shape, range(len(strokes))), 1.0)
    is_mark = (shape.size.max(axis=1) < MARK * height) | _pieces(shape, height)
    if is_mark.all():  # nothing but dots: one digit, however small
        is_mark[:] = False
    marks = np.flatnonzero(is_mark).tolist()
    ink = np.split(xy, starts[1:])  # each stroke's points, as converted once above
    units, asks = _units(shape, ink, np.flatnonzero(~is_mark).tolist(), height, read is None)
    groups: list[list[int]] = []
    chain = [units[0]]
    for unit, ask in zip(units[1:], asks, strict=True):
        if ask:
            chain.append(unit)
        else:
            groups += _read_chain(chain, strokes, ink, read, shape, height, marks)
            chain = [unit]
    groups += _read_chain(chain, strokes, ink, read, shape, height, marks)
    spans = [span_of(shape, group) for group in groups]
    if _nested(groups, spans, shape, height):  # not a row of digits: one drawing (a doodle), read as one
        return [list(range(len(strokes)))]
    for i in marks:
        groups[_digit_of_mark(i, groups, spans, shape.extents, ink, height)].append(i)
    order = np.argsort([span.mean() for span in spans], kind="stable")
    return [sorted(groups[k]) for k in order]


def _units(shape: Outline, ink: list[np.ndarray], order: list[int], height: float,
           decide: bool) -> tuple[list[list[int]], list[bool]]:
    """Strokes that lie over the one before, grouped; and whether each unit after the first might be
    part of the digit before it (when it is near the units since the last clear gap, and not `decide`d)."""
    extents = shape.extents
    units: list[list[int]] = []
    asks: list[bool] = []
    span = chain = None  # the extents of the last unit, and of the units since the last clear gap
    for i in order:
        shared = -np.inf if span is None else shared_extent(extents[i], span, MIN_WIDTH * height)
        over = shared >= INSIDE and not _side_by_side(shape, [i], units[-1], height)
        if over or (decide and shared >= JOIN_OVERLAP):
            units[-1].append(i)
            span, chain = _union(span, extents[i]), _union(chain, extents[i])
            continue
        reach = FAR if units and height_of(shape, units[-1]) < SHORT * height else NEAR
        near = chain is not None and _gap(extents[i], chain) <= reach * height
        if units:
            asks.append(near and not decide)
        units.append([i])
        span, chain = extents[i].copy(), _union(chain, extents[i]) if near and not decide else extents[i].copy()
    return units, asks


def _side_by_side(shape: Outline, a: list[int], b: list[int], height: float) -> bool:
    """Whether two sets of strokes stand side by side, though one lies over the other (see ONE_WIDE)."""
    if min(height_of(shape, a), height_of(shape, b)) < TALL * height:
        return False
    narrow, wide = _narrow_and_wide(shape, a, b)
    if np.ptp(span_of(shape, narrow)) > ONE_WIDE * height:
        return False
    (left, right), (wide_left, wide_right) = (_widened(span_of(shape, strokes), MIN_WIDTH * height)
                                              for strokes in (narrow, wide))
    return min(left - wide_left, wide_right - right) < EDGE * height  # not well inside: no 4's stem through its bar


def _begun_over(shape: Outline, ink: list[np.ndarray], a: list[int], b: list[int], height: float) -> bool:
    """Whether two sets of strokes, one over the other but side by side (see ONE_WIDE), might be one character:
    the narrow one written first, the other crossing or touching it."""
    over = shared_extent(span_of(shape, a), span_of(shape, b), MIN_WIDTH * height) >= INSIDE
    if not (over and _side_by_side(shape, a, b, height)):
        return False
    narrow, wide = _narrow_and_wide(shape, a, b)
    return min(narrow) < min(wide) and _cross(np.concatenate([ink[i] for i in narrow]),
                                              np.concatenate([ink[i] for i in wide]))


def _may_be_one(shape: Outline, ink: list[np.ndarray], a: list[int], b: list[int], height: float,
                digit: int) -> bool:
    """Whether two units, each as tall as a digit (see TALL), read as `digit` may be one character all the
    same: the narrow one begun over by the other (see ONE_WIDE), or the two halves of a 0 (see CLOSE)."""
    closed = digit == ZERO and (_closes_on(a, b, ink, height) or _closes_on(b, a, ink, height))
    return closed or _begun_over(shape, ink, a, b, height)


def _closes_on(unit: list[int], other: list[int], ink: list[np.ndarray], height: float) -> bool:
    """Whether a stroke of `unit` runs from `other`'s ink back to it, its ends well apart (see CLOSE)."""
    theirs = np.concatenate([ink[i] for i in other])
    return any(np.linalg.norm(ink[i][-1] - ink[i][0]) >= APART * height
               and all(_ink_distance(ink[i][[end]], theirs) <= CLOSE * height for end in (0, -1)) for i in unit)


def _narrow_and_wide(shape: Outline, a: list[int], b: list[int]) -> tuple[list[int], list[int]]:
    return (a, b) if np.ptp(span_of(shape, a)) <= np.ptp(span_of(shape, b)) else (b, a)


def _cross(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two polylines ((n, 2) points) cross or touch: a segment of one meets a segment of the other
    (mouse points are whole pixels: a crossing often runs through a point)."""
    def turn(o, u, v):  # > 0 where v lies left of the way from o to u
        return (u[..., 0] - o[..., 0]) * (v[..., 1] - o[..., 1]) - (u[..., 1] - o[..., 1]) * (v[..., 0] - o[..., 0])
    r, t = b[None, :-1], b[None, 1:]
    for first in range(0, len(a) - 1, CROSS_CHUNK):  # a few segments at a time: a scribble holds thousands
        last = min(first + CROSS_CHUNK, len(a) - 1)
        p, q = a[first:last, None], a[first + 1:last + 1, None]
        if ((turn(p, q, r) * turn(p, q, t) <= 0) & (turn(r, t, p) * turn(r, t, q) <= 0)).any():
            return True
    return False


def _union(a: np.ndarray | None, b: np.ndarray) -> np.ndarray:
    return b.copy() if a is None else np.array([min(a[0], b[0]), max(a[1], b[1])])


def _read_chain(chain: list[list[int]], strokes: Strokes, ink: list[np.ndarray], read: Reader | None,
                shape: Outline, height: float, marks: list[int]) -> list[list[int]]:
    """The best way to group a chain of units into digits, each digit units a..b-1 in a row: the way
    whose digits are together most probable as read (dynamic programming over where digits end)."""
    if len(chain) == 1 or read is None or shape.points[sum(chain, [])].sum() > MAX_READ_POINTS:
        return [sum(chain, [])]
    runs = [(a, b) for a in range(len(chain)) for b in range(a + 1, min(a + MAX_UNITS, len(chain)) + 1)]
    members = {run: [i for unit in chain[run[0]:run[1]] for i in unit] for run in runs}
    whole = {run: sorted(members[run] + _marks_of(members[run], marks, shape, height)) for run in runs}
    probs, is_digit = map(np.asarray, read([[strokes[i] for i in whole[run]] for run in runs]))
    scores = np.log(np.maximum(probs.max(axis=1), 1e-9)) - NOT_A_DIGIT_PENALTY * ~is_digit.astype(bool)
    log_p = dict(zip(runs, scores, strict=True))
    digit = dict(zip(runs, probs.argmax(axis=1), strict=True))
    flat = _flat(shape, height)
    unit_heights = [height_of(shape, unit) for unit in chain]
    unit_spans = [span_of(shape, unit) for unit in chain]
    for a, b in runs:  # two digits read as one are wide, both tall or apart; a piece of one is short or flat
        width = np.ptp(span_of(shape, whole[a, b]))
        own_height = height_of(shape, members[a, b])  # a tick over a piece of a digit leaves it a piece
        ratio, widest = width / max(height_of(shape, whole[a, b]), height / 2), WIDE
        if b - a > 2:
            log_p[a, b] -= THREE_PENALTY
        if b - a > 1:
            second_tallest = sorted(unit_heights[a:b])[-2]
            both_tall = TALL_PENALTY * max(0.0, second_tallest / height - TALL)
            if both_tall and not (b - a == 2 and _may_be_one(shape, ink, chain[a], chain[a + 1], height, digit[a, b])):
                log_p[a, b] -= both_tall
            gap = _widest_gap(unit_spans[a:b]) / height
            if digit[a, b] != FOUR:
                log_p[a, b] -= GAP_PENALTY * max(0.0, gap - GAP)
            elif ratio > WIDE and gap <= GAP and _meet(chain[a:b], ink, MEET * height):  # the ink last: costly
                widest = WIDE_FOUR
        log_p[a, b] -= WIDE_PENALTY * max(0.0, ratio - widest)
        log_p[a, b] -= SHORT_PENALTY * max(0.0, SHORT - own_height / height)
        if flat[members[a, b]].all():
            log_p[a, b] -= FLAT_PENALTY
    best = [0.0] + [-np.inf] * len(chain)  # best[b]: the most probable reading of the first b units ...
    cut = [0] * (len(chain) + 1)  # ... and where its last digit starts
    for (a, b), score in sorted(log_p.items(), key=lambda item: item[0][1]):
        if best[a] + score > best[b]:
            best[b], cut[b] = best[a] + score, a
    groups, b = [], len(chain)
    while b:
        groups.insert(0, sum(chain[cut[b]:b], []))
        b = cut[b]
    return groups


def _marks_of(members: list[int], marks: list[int], shape: Outline, height: float) -> list[int]:
    """The marks written just before or after one of `members` and touching or over their extent (see
    MARK_OVER): they will most likely join that digit (see _digit_of_mark), and are part of it and of
    its size (a 2's top hook traced apart)."""
    span = span_of(shape, members)
    return [m for m in marks if (m - 1 in members or m + 1 in members)
            and shared_extent(shape.extents[m], span, MIN_WIDTH * height) >= MARK_OVER]


def _meet(units: list[list[int]], ink: list[np.ndarray], reach: float) -> bool:
    """Whether each unit has a stroke that ends within `reach` of another unit's ink, or is reached so."""
    def ends_near(ends_of: list[int], ink_of: list[int]) -> bool:
        ends = np.array([ink[i][end] for i in ends_of for end in (0, -1)])
        return _ink_distance(ends, np.concatenate([ink[i] for i in ink_of])) <= reach
    return all(any(ends_near(unit, other) or ends_near(other, unit) for other in units if other is not unit)
               for unit in units)


def _widest_gap(spans: list[np.ndarray]) -> float:
    """The widest stretch of x between extents that none of them covers; 0 when they hang together."""
    spans = sorted(spans, key=lambda span: span[0])
    widest, right = 0.0, spans[0][1]
    for left_end, right_end in spans[1:]:
        widest, right = max(widest, left_end - right), max(right, right_end)
    return widest


def _nested(groups: list[list[int]], spans: list[np.ndarray], shape: Outline, height: float) -> bool:
    """Whether one digit lies over another (see INSIDE), as the digits of a number never do (but see ONE_WIDE)."""
    return any(shared_extent(spans[j], spans[k], MIN_WIDTH * height) >= INSIDE
               and not _side_by_side(shape, groups[j], groups[k], height)
               for k in range(len(spans)) for j in range(k))


def _pieces(shape: Outline, height: float) -> np.ndarray:
    """Which strokes are flat pieces, written clear of the stroke before them (see PIECE_HEIGHT)."""
    clear = np.concatenate([[False], _gap(shape.extents[1:], shape.extents[:-1]) > 0])
    return _flat(shape, height) & (shape.size[:, 0] < PIECE_WIDTH * height) & clear


def _flat(shape: Outline, height: float) -> np.ndarray:
    """Which strokes are flatter than any digit (see PIECE_HEIGHT)."""
    return shape.size[:, 1] < PIECE_HEIGHT * height


def _digit_of_mark(mark: int, groups: list[list[int]], spans: list[np.ndarray], extents: np.ndarray,
                   ink: list[np.ndarray], height: float) -> int:
    """The digit a mark joins: of the digits near it, those written just before or just after it if
    either is near (a digit's strokes are written one after the other), and of those the one whose ink
    comes nearest (a flag or a foot lies closer to its own stem than to a neighbour whose extent it
    reaches under), or, when the mark lies clear of them all, nearest its first point (a 5's bar
    written apart is begun at the top of its stem, before the body or after it, and may end nearer
    the next digit); with no digit near, the nearest digit."""
    gaps = np.array([_gap(extents[mark], span) for span in spans])
    near = np.flatnonzero(gaps <= NEAR * height)
    if len(near) < 2:  # none near, or only one: the nearest
        return int(np.argmin(gaps))
    digit_of = {stroke: k for k, group in enumerate(groups) for stroke in group}
    before = next((digit_of[i] for i in range(mark - 1, -1, -1) if i in digit_of), None)
    after = next((digit_of[i] for i in range(mark + 1, len(ink)) if i in digit_of), None)
    near = [k for k in near if k in (before, after)] or near
    begun = ink[mark][:1] if gaps[near].min() > 0 else ink[mark]  # clear of them all: where it begins
    distances = [_ink_distance(begun, np.concatenate([ink[i] for i in groups[k]])) for k in near]
    return int(near[np.argmin(distances)])


def _ink_distance(a: np.ndarray, b: np.ndarray) -> float:
    """The distance between the nearest two points of two (n, 2) point arrays."""
    return float(np.linalg.norm(a[:, None] - b[None], axis=2).min())


def _gap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The horizontal distance between two extents (or two (n, 2) arrays of them); 0 or less where they overlap."""
    return np.maximum(a[..., 0], b[..., 0]) - np.minimum(a[..., 1], b[..., 1])
