"""Segmentation: a number written with the pen, split into its digits.

A digit is written as one to three strokes, one after the other, and the digits of a number follow
each other from left to right. So the strokes are taken in the order they were drawn, and a stroke
joins the digit whose horizontal extent it shares: the second stroke of a 4, the top bar of a 5, the
bar through a 7 or the slash through a 0 all lie over the digit they belong to. A stroke that lies
beside every digit so far starts a new one. Digits are then ordered left to right by their middle.

What still fails is shown by `benchmarks/written_numbers.py`: digits pushed into each other, so that one
covers much of its neighbour's width, read as one.
"""

from collections.abc import Callable, Sequence

import numpy as np

from ink import Strokes

# A stroke joins a digit when their horizontal extents overlap by at least this share of the narrower
# of the two. Neighbouring digits written close together share a sliver of their extents; strokes of
# one digit share most of theirs.
JOIN_OVERLAP = 0.5
# A stroke that shares less, but comes within this share of the writing's height of a digit (a 4's
# stem beside its first stroke, a 5's bar on a slanted body), joins that digit if the digit reads
# more surely with it than without it. A stroke farther away starts a new digit.
NEAR = 0.1
# Strokes smaller than this share of the writing's height each way are marks (a dot, a tick, a slip
# of the pen): they never start a digit, but join the one they are on or nearest to.
MARK = 0.1
# Extents narrower than this share of the writing's height count as this wide about their middle: a 1's
# stroke or a 4's stem has almost no width, and must neither be all sliver nor fall between two.
MIN_WIDTH = 0.15

Confidence = Callable[[list[Strokes]], np.ndarray]  # each drawing's top class probability


def x_extents(strokes: Strokes) -> np.ndarray:
    """(n, 2): the leftmost and rightmost x of each stroke."""
    return np.array([[min(x for x, _ in stroke), max(x for x, _ in stroke)] for stroke in strokes], dtype=float)


def writing_height(strokes: Strokes) -> float:
    ys = [y for stroke in strokes for _, y in stroke]
    return float(max(ys) - min(ys)) if ys else 0.0


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


def split_digits(strokes: Strokes, confidence: Confidence | None = None) -> list[list[int]]:
    """The indices of each digit's strokes, digits ordered left to right; [] for no strokes.

    `confidence` reads drawings as digits; without it, a stroke near a digit but not over it starts
    a digit of its own.
    """
    if not len(strokes):
        return []
    extents = x_extents(strokes)
    height = max(writing_height(strokes), 1.0)
    marks = [i for i, stroke in enumerate(strokes) if _size(stroke) < MARK * height]
    groups: list[list[int]] = []
    spans: list[np.ndarray] = []
    for i, extent in enumerate(extents):
        if i in marks and len(marks) < len(strokes):
            continue
        scores = [shared_extent(extent, span, MIN_WIDTH * height) for span in spans]
        best = int(np.argmax(scores)) if scores else -1
        joins = best >= 0 and scores[best] >= JOIN_OVERLAP
        if best >= 0 and not joins and confidence is not None and _gap(extent, spans[best]) <= NEAR * height:
            digit = [strokes[k] for k in groups[best]]
            alone, stroke, together = confidence([digit, [strokes[i]], digit + [strokes[i]]])
            joins = together >= alone * stroke  # one digit reads more surely than the two apart
        if joins:
            groups[best].append(i)
            spans[best] = np.array([min(spans[best][0], extent[0]), max(spans[best][1], extent[1])])
        else:
            groups.append([i])
            spans.append(extent)
    for i in marks if len(marks) < len(strokes) else []:  # a dot or a tick belongs to the digit it is on
        nearest = int(np.argmin([_gap(extents[i], span) for span in spans]))
        groups[nearest].append(i)
    order = np.argsort([span.mean() for span in spans], kind="stable")
    return [sorted(groups[k]) for k in order]


def _size(stroke: Sequence[tuple[float, float]]) -> float:
    points = np.asarray(stroke, dtype=float).reshape(-1, 2)
    return float(np.ptp(points, axis=0).max())


def _gap(a: np.ndarray, b: np.ndarray) -> float:
    """The horizontal distance between two extents; 0 or less where they overlap."""
    return max(a[0], b[0]) - min(a[1], b[1])
