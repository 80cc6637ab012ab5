"""Not a digit: the rules that tell a digit from anything else drawn, and drawings that could teach it.

The network has ten outputs and no eleventh for "none of them", so a drawing whose top probability
stays below NOT_A_DIGIT_BELOW is "not a digit" (`read`). The shipped network was trained on digits
alone and is sure of a digit for most drawings, so that rule seldom fires; the made-up drawings here
(`make_non_digits`: scribbles, spirals, shapes, doodles and faces, dashes and crosses, letters and
signs drawn from fonts, each drawn as the training digits redrawn as pen paths are) can teach it to
spread its probability evenly over the ten (Outlier Exposure, Hendrycks et al. 2019; `model.train_step`
with the label `model.NOT_A_DIGIT`), which the runs README describes tried and did not ship.

The pen path tells more: no digit is written in more than three parts (a 4 or a 5 in two, a crossed
7 in three), and a 0, 2, 3, 6, 8 or 9 in more than two, while a doodle of a house, a face or a cat
takes many; no digit is much wider than tall, while a dash, a skateboard or a river is; no digit
turns sharply as often as a square, a T-shirt or a zigzag does, nor winds round and round as a spiral
does. So a drawing written in more parts than the digit the network reads is written in
(MOST_PARTS), wider for its height than that digit is drawn (WIDEST), with more sharp corners than
it has (MOST_CORNERS) or winding round its middle more than MOST_TURNS times is not a digit either,
however sure the network is (`how_drawn`); nor is a 0 whose second part is no slash through its loop
(LEAST_INSIDE_A_0, LEAST_SLASH) or whose loop is no oval (LEAST_0_FILL: a triangle, an n), nor a 6,
8 or 9 whose strokes never come back to themselves round a loop (LOOPED, LEAST_LOOP_ROUNDNESS: an h
gone back up its stem does not), nor a drawing whose second tallest part stands taller than that
digit's (MOST_SECOND_HEIGHT: an R, an x or a K is written in two parts that each span its height),
nor one whose pen goes up and down more than that digit's does (MOST_TRAVEL: a u, an n or a w read
as 4).

So is a drawing whose fc1 features point too far from the way of the digit it is read as
(LEAST_LIKENESS): a drawing like no digit can still come out sure of one, when its features are long.

A drawing the app splits into several digits is a number only when most of them are digits
(`is_number`): a doodle often comes apart into pieces, and one piece that reads as a digit among
pieces that do not (a bicycle read as "0?") is no number.
"""

import math
from collections.abc import Sequence
from itertools import compress
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFont

from ink import IMAGE_SIZE, draw_skeleton, preprocess, skeleton_pixels
from segmentation import MARK

# A drawing is a digit when the network names one digit at least as likely as all the others together.
# Measured on the development samples by `benchmarks/not_a_digit.py`, never chosen on MNIST test: the
# shipped model doubts 0.17% of real pen digits at it; a network taught non-digits (README) 1.64%.
NOT_A_DIGIT_BELOW = 0.5


# Each digit (the index) is written in at most this many parts: a 1 (flag, stem and foot), a 4, a 5 (stem,
# bowl and bar) and a crossed 7 in three, the others in one or two. Of the 5,307 real pen digits, four
# take more than the digit the network reads in them (two "0"s that are zeros side by side, an 8, a 5
# read as 3), of the doodles not flagged digit-like 65% (49% take more than three). Counted on the
# development samples (ad hoc; `benchmarks/not_a_digit.py` measures the rule). A stroke smaller
# than segmentation.MARK of the drawing's size is a mark (a dot, a tick, a slip of the pen), not a part.
MOST_PARTS = (2, 3, 2, 2, 3, 3, 2, 3, 2, 2)
# Nor is a stroke that goes over the ink drawn before it (a retouch, a line drawn twice): a part has at
# least NEW_INK of its length more than 1/GRID of the drawing's size from earlier ink.
NEW_INK, GRID = 0.3, 40
# A drawing is a digit only when its features point nearly enough the way of the digit it is read as
# (model.ImageClassifier.likeness, the mean over its views): the network can be sure of a digit for a
# drawing whose features are merely long. Of the real pen digits 0.47% fall below it (half of them
# zeros), of the MNIST test digits 0.18%, of the doodles and letters the other rules name a digit for,
# a sixth and a quarter. Chosen on the development samples, the highest that doubts at most 0.8% of pen digits
# with a tenth of a point spare (ad hoc; `benchmarks/not_a_digit.py` measures the rule).
LEAST_LIKENESS = 0.13
# The index digit is never drawn more than this many times as wide as tall (its pen path's extent): of
# the real pen digits the widest are 2.1 (a 2, two 5s), and wider than 2.5 only one writer's "0"s that
# are zeros side by side and four dashes labelled 1; of the doodles not flagged digit-like, 4% are wider
# than 2.5 and named a digit by the other rules (a dash, a skateboard, a river). A 9, an 8 or a 4 is
# taller than wide, and a rifle, a snail or an m read as one is not: each digit may be a tenth wider
# than the widest real pen digit the network reads as it (rounded up to a tenth), which doubts none of
# them and takes another 1% of the doodles and 2% of the letters. Measured on the development samples
# (ad hoc; `benchmarks/not_a_digit.py` measures the rule).
WIDEST = (2.3, 1.9, 2.3, 1.8, 1.7, 2.4, 1.8, 1.6, 1.5, 1.4)
# Nor is any digit drawn with more sharp corners than the index digit's: a 0, a 6 or an 8 is all curves,
# while a hand, a tornado, a T-shirt or a square begun mid-side read as one turns sharply again and
# again (a triangle, or a square begun at a corner, turns no more often than a 0 may). A corner is
# where the pen path turns by at least CORNER_TURN degrees within CORNER_REACH steps of CORNER_STEP of
# the drawing's size either way (a mouse's jitter is far smaller than a step). Each digit may take as
# many as the real pen digits the network reads as it take, but for one outlier (a zigzag under the
# label 1, read as 7); of the doodles not flagged digit-like, another 5% are then not a digit, most of
# them read as 0 or 8. Counted on the development samples (ad hoc; `benchmarks/not_a_digit.py`
# measures the rule).
MOST_CORNERS = (3, 5, 6, 4, 5, 5, 3, 5, 2, 4)
CORNER_TURN, CORNER_STEP, CORNER_REACH = 90.0, 0.05, 2
# Nor does any stroke of a digit wind round the drawing's middle more than this many times, while a
# spiral does: a 0 goes round once (of the real pen digits the most is 1.7 times, a 0 whose end runs
# on past its start), or twice when gone over again in one stroke.
MOST_TURNS = 2.5


# A 0 in two parts is a loop with a slash through it, or a loop drawn in two halves: when one part closes
# on itself (ends within CLOSED of its size from where it began), at least LEAST_INSIDE_A_0 of the other
# lies inside it, and the other is at least LEAST_SLASH of the loop's size.
# A purse, a mug or a house read as 0 is a closed outline with a handle, a lid or a roof outside it. Of
# the real pen digits read as 0, seven have less inside, none of them a 0 read right: five of one
# writer's "0"s that are zeros side by side and two 8s; the slashed zeros whose slash reaches far out
# have 0.27 and more; of the doodles not flagged digit-like, 3% are then not a digit.
# A pond, a face, a postcard or a sock read as 0 is an outline with a short line or shape inside it (a
# ripple, a mouth, a stamp, a heel): of the doodles not flagged digit-like, 1% more are then not a digit;
# of the real pen digits read as 0 one has a shorter second part (a 0 with a tick at its top), the
# shortest slash is 0.49 of its loop. Chosen on the development samples (ad hoc;
# `benchmarks/not_a_digit.py` measures the rule).
LEAST_INSIDE_A_0, LEAST_SLASH, CLOSED = 0.15, 0.4, 0.25
# A 6, an 8 or a 9 is written round a loop: some stroke of it comes back to itself round a loop (see
# LEAST_LOOP_ROUNDNESS), while a c, an L, a t or a p read as one need not. The gap is the least
# distance between two points of one stroke at least LOOP_ALONG of the drawing's size apart along it,
# over that size (its path taken every LOOP_STEP). The most open loops of the real pen digits read as
# 6, 8 and 9 leave 0.31, 0.28 and 0.31; more open than MOST_LOOP_GAP (a tenth over the most open pen
# loop, rounded up), 5% of the pen letters and 0.3% of the doodles not flagged digit-like are then not
# a digit. Measured on the development samples (ad hoc; `benchmarks/not_a_digit.py` measures the rule).
LOOPED, MOST_LOOP_GAP, LOOP_ALONG, LOOP_STEP, LOOP_POINTS = (6, 8, 9), 0.35, 0.5, 0.025, 200
# A loop goes round: the path between the two points encloses, closed from one to the other, at least
# LEAST_LOOP_ROUNDNESS of the area a circle of its length would (4 pi area / length^2), while an h's
# stem gone down and back up, or an e's tail run back along its body, comes back to itself enclosing
# next to nothing. The least round loops of the real pen digits read as 6, 8 and 9 are 0.59, 0.67 and
# 0.64 round, of the first 6,000 MNIST training 6s, 8s and 9s traced along their skeletons 0.48, 0.52
# and 0.51; a tenth under the least of them: of the pen letters 1.8% and of the doodles not flagged
# digit-like 0.1% more are then not a digit (r's, t's and P's read as 8; c's, L's, u's and h's read as
# 6), and a few MNIST test digits traced in the written numbers (README, Numbers). Measured on the
# development samples (ad hoc; `benchmarks/not_a_digit.py` measures the rule).
LEAST_LOOP_ROUNDNESS = 0.43
# A digit's parts but its tallest are short beside its height: a 2 or a 3 is written in one stroke, a 4's
# arm stops at its bar, a 5's bar is flat, an 8 in two parts is one loop, then the other; an R (its
# stem, then its bowl and leg), an x, a d or a K read as one is written in two parts that each span
# most of its height. The second tallest part of the index digit spans at most this share of its
# height: a tenth more than the most of the real pen digits the network reads as it and of the first
# 6,000 MNIST training digits traced along their skeletons (as benchmarks/written_numbers.py traces
# them: a 2 with a loop comes out in two strokes), so that neither is doubted; a 0 in two halves
# spans it twice, and 1.09 never fires. Of the pen letters 1.5% and of the doodles not flagged
# digit-like 0.3% are then not a digit. Measured on the development samples (ad hoc;
# `benchmarks/not_a_digit.py` measures the rule).
MOST_SECOND_HEIGHT = (1.09, 0.67, 0.68, 0.72, 0.97, 0.73, 0.97, 0.87, 0.75, 0.85)
# A digit's pen goes up and down its height only so often: a 4 down its arm, then up and down its stem,
# a 1 down once after its flag, while a u, a w, an n, an m or an A read as 4 goes up and down more, and
# an a or a d read as 2 or an n read as 7 likewise. How far the pen path travels up and down (its
# parts' vertical steps of CORNER_STEP of its size, so a shaky mouse adds nothing) over its height is
# at most this for the digit it is read as: a tenth more than the most of the real pen digits the
# network reads as it and of the first 6,000 MNIST training digits traced along their skeletons (for the
# index digit as labelled), so that neither is doubted; and a 0 a tenth more than going round twice (4
# heights), as a 0 gone over again in one stroke does (see MOST_TURNS). Of the pen letters 6.9% and of
# the doodles not flagged digit-like 0.4% are then not a digit, most of them letters read as 4. Measured
# on the development samples (ad hoc; `benchmarks/not_a_digit.py` measures the rule).
MOST_TRAVEL = (4.4, 2.86, 2.58, 2.13, 2.61, 2.33, 2.67, 2.42, 3.45, 3.17)
# A 0 is an oval: its loop (the stroke enclosing the most area, once round its middle and closed from
# there to its start) fills about pi/4 of the smallest box round it, turned any way, where a triangle
# fills half of it, and an n, an m, an a or an e read as 0, open or its loop small beside its tail,
# less. Of the real pen digits read as 0 the least filled fills 0.62; of the first 6,000 MNIST
# training 0s traced along their skeletons, 0.545. Just under both: of the pen letters 3.5% and of the
# doodles not flagged digit-like 1.0% are then not a digit. (No most: the fullest pen 0 fills 0.92,
# nearly as much as a square.) Measured on the development samples (ad hoc;
# `benchmarks/not_a_digit.py` measures the rule).
LEAST_0_FILL = 0.54
FILL_TURN = 2.0  # degrees between the boxes tried round a loop


class Drawn(NamedTuple):
    """How a drawing was drawn (`how_drawn`): the parts it was written in, its width over its height, the
    sharp corners of its pen path, the most any of its strokes winds round its middle, and, drawn in
    two parts one of which closes on itself, the share of the other inside it and the other's size over
    the loop's (see LEAST_INSIDE_A_0), how near its strokes come back to themselves round a loop (see
    LOOPED), the height of its second tallest part over its own (see MOST_SECOND_HEIGHT), how much
    of its box its loop fills (see LEAST_0_FILL) and how far its pen goes up and down over its height
    (see MOST_TRAVEL)."""

    parts: int
    width: float
    corners: int = 0
    turns: float = 0.0
    inside: float = 1.0
    reach: float = 1.0
    loop_gap: float = 0.0
    second_height: float = 0.0
    fill: float = math.pi / 4
    travel: float = 0.0


PICTURE = Drawn(parts=1, width=1.0)  # a picture has no pen path: one part, as wide as tall, no corners or turns


def how_drawn(strokes: Sequence[Sequence]) -> Drawn:
    """How a drawing was drawn, from its pen path: its width over its height, the parts it was written
    in, its strokes in the order drawn leaving out marks (see MOST_PARTS) and strokes that go over the
    ink before them (see NEW_INK), its sharp corners (see MOST_CORNERS), how many times a stroke
    winds round its middle (see MOST_TURNS), how much of a second part lies inside a first that
    closes on itself and how large it is beside it (see LEAST_INSIDE_A_0), how near its strokes come
    back to themselves round a loop (see LOOPED), how tall its second tallest part stands (see MOST_SECOND_HEIGHT),
    how much of its box its loop fills (see LEAST_0_FILL) and how far it goes up and down (see MOST_TRAVEL)."""
    arrays = [np.asarray(stroke, dtype=float).reshape(-1, 2) for stroke in strokes if len(stroke)]
    if not arrays:
        return Drawn(parts=0, width=0.0)
    points = np.concatenate(arrays)
    low, (width, height) = points.min(axis=0), np.ptp(points, axis=0)
    size = max(width, height, 1.0)
    near_ink = np.zeros((GRID + 3, GRID + 3), dtype=bool)  # cells within one cell of the ink so far
    is_part = []
    for stroke in arrays:
        cells = np.floor((_dense(stroke, size / GRID / 2) - low) / size * GRID).astype(int) + 1
        is_part.append(_size(stroke) >= MARK * size
                       and (~near_ink[cells[:, 0], cells[:, 1]]).mean() >= NEW_INK)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                near_ink[cells[:, 0] + dx, cells[:, 1] + dy] = True
    paths = [_resampled(stroke, CORNER_STEP * size) for stroke in arrays]
    corners = sum(_corners(path) for path in paths)
    middle = low + np.array([width, height]) / 2
    turns = max(_turns(path - middle) for path in paths)
    parts = list(compress(paths, is_part))
    inside, reach = _slash(*parts) if len(parts) == 2 else (1.0, 1.0)
    loop_gap = min((_loop_gap(stroke, size) for stroke in arrays), default=1.0)
    heights = sorted((np.ptp(stroke[:, 1]) for stroke in compress(arrays, is_part)), reverse=True)
    second_height = float(heights[1] / max(height, 1.0)) if len(heights) > 1 else 0.0
    travel = sum(np.abs(np.diff(path[:, 1])).sum() for path in parts) / max(height, 1.0)  # going over again adds none
    return Drawn(len(parts), float(width / max(height, 1.0)), corners, turns, inside, reach, loop_gap, second_height,
                 _fill(paths), float(travel))


def _fill(paths: Sequence[np.ndarray]) -> float:
    """How much of the smallest box round it the loop enclosing the most area fills (see LEAST_0_FILL); 0
    when no path encloses any."""
    loops = [_once_round(path) for path in paths]  # a 0 gone over again encloses its area once
    areas = [_area(loop) for loop in loops]
    if not areas or max(areas) == 0:
        return 0.0
    loop = loops[int(np.argmax(areas))]
    turns = np.radians(np.arange(0.0, 90.0, FILL_TURN))
    across = loop @ np.stack([np.cos(turns), np.sin(turns)])  # (points, turns): along one side of each box ...
    down = loop @ np.stack([-np.sin(turns), np.cos(turns)])  # ... and along the other
    return float(max(areas) / max((np.ptp(across, axis=0) * np.ptp(down, axis=0)).min(), 1e-9))


def _once_round(path: np.ndarray) -> np.ndarray:
    """The path up to where it has first gone once round its middle (the mean of its points), or all of it."""
    if len(path) < 3:
        return path
    wound = np.abs(np.cumsum(_turning(path - path.mean(axis=0))))
    round_once = np.flatnonzero(wound >= 2 * np.pi)
    return path[: round_once[0] + 2] if len(round_once) else path


def _area(path: np.ndarray) -> float:
    """The area a path encloses, closed from its last point to its first (the shoelace formula)."""
    if len(path) < 3:
        return 0.0
    x, y = path[:, 0], path[:, 1]
    return float(abs(x @ np.roll(y, -1) - y @ np.roll(x, -1)) / 2)


def _resampled(stroke: np.ndarray, step: float) -> np.ndarray:
    """The stroke's path as points `step` apart along it."""
    along = _along(stroke)
    at = np.arange(0.0, along[-1], step)
    return np.column_stack([np.interp(at, along, stroke[:, 0]), np.interp(at, along, stroke[:, 1])])


def _slash(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """How far one path is a slash through the other, where that other closes on itself (see CLOSED):
    the share of its points inside the loop and its size over the loop's; the least of the two ways,
    1 and 1 when neither closes."""
    ways = [(_inside(points, loop).mean(), _size(points) / _size(loop))
            for loop, points in ((a, b), (b, a)) if _closes(loop) and len(points)]
    inside, reach = np.min(ways, axis=0) if ways else (1.0, 1.0)
    return float(inside), float(reach)


def _loop_gap(stroke: np.ndarray, size: float) -> float:
    """How near a stroke comes back to itself round a loop (see LOOPED, LEAST_LOOP_ROUNDNESS), over the
    drawing's size; 1 when it never does. Its path is taken every LOOP_STEP of that size, or at
    LOOP_POINTS points along a longer stroke (a scribble), as the pairs of points cost the square of
    their number."""
    step = max(LOOP_STEP * size, _along(stroke)[-1] / LOOP_POINTS)
    path = _resampled(stroke, step)
    first, second = np.triu_indices(len(path), k=round(LOOP_ALONG * size / step))
    x, y = path[:, 0], path[:, 1]
    swept = np.concatenate([[0.0], np.cumsum(x[:-1] * y[1:] - x[1:] * y[:-1])])  # the shoelace formula, summed
    gaps = np.linalg.norm(path[first] - path[second], axis=1)
    areas = np.abs(swept[second] - swept[first] + x[second] * y[first] - x[first] * y[second]) / 2
    round_enough = 4 * np.pi * areas >= LEAST_LOOP_ROUNDNESS * ((second - first) * step + gaps) ** 2
    return min(float(gaps[round_enough].min()) / size, 1.0) if round_enough.any() else 1.0


def _along(stroke: np.ndarray) -> np.ndarray:
    """How far along the stroke each of its points lies."""
    return np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(stroke, axis=0), axis=1))])


def _size(path: np.ndarray) -> float:
    """A path's size: the larger side of its extent."""
    return float(max(np.ptp(path, axis=0).max(), 1e-9))


def _closes(path: np.ndarray) -> bool:
    """Whether a path ends near where it began (see CLOSED): a loop."""
    return len(path) > 2 and np.linalg.norm(path[-1] - path[0]) <= CLOSED * _size(path)


def _inside(points: np.ndarray, loop: np.ndarray) -> np.ndarray:
    """Which points lie inside the polygon `loop` (closed from its last point to its first): those from
    which a ray to the right crosses its edges an odd number of times."""
    start, end = loop[:, None], np.roll(loop, -1, axis=0)[:, None]  # (edges, 1, 2)
    x, y = points[None, :, 0], points[None, :, 1]
    spans = (start[..., 1] > y) != (end[..., 1] > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        crossing_x = start[..., 0] + (y - start[..., 1]) * (end[..., 0] - start[..., 0]) / (end[..., 1] - start[..., 1])
    return (spans & (x < crossing_x)).sum(axis=0) % 2 == 1


def _turns(path: np.ndarray) -> float:
    """How many times a path winds round (0, 0), either way."""
    return float(abs(_turning(path).sum()) / (2 * np.pi))


def _turning(path: np.ndarray) -> np.ndarray:
    """The angle round (0, 0) of each step of a path, from -pi to pi."""
    angle = np.arctan2(path[:, 1], path[:, 0])
    return (np.diff(angle) + np.pi) % (2 * np.pi) - np.pi


def _corners(path: np.ndarray) -> int:
    """How many times an evenly resampled path turns sharply (see CORNER_TURN)."""
    reach = CORNER_REACH
    if len(path) <= 2 * reach:
        return 0
    before, after = path[reach:-reach] - path[:-2 * reach], path[2 * reach:] - path[reach:-reach]
    cosine = (before * after).sum(axis=1) / np.maximum(
        np.linalg.norm(before, axis=1) * np.linalg.norm(after, axis=1), 1e-9)
    turn = np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0)))
    around = np.lib.stride_tricks.sliding_window_view(np.pad(turn, reach, constant_values=-1.0), 2 * reach + 1)
    return int(((turn >= CORNER_TURN) & (turn == around.max(axis=1))).sum())  # each corner once, at its sharpest


def digit_score(probabilities: np.ndarray, drawn: Drawn | Sequence[Drawn] = PICTURE,
                likeness: np.ndarray | None = None) -> np.ndarray:
    """How surely each drawing is a digit, from its 10 probabilities (the last axis), how it was drawn
    (one how_drawn for each) and its 10 likenesses (ImageClassifier.likeness; None: not known): its top
    probability, or 0 when written in more parts than the digit it names is (MOST_PARTS), drawn wider
    for its height than that digit is (WIDEST), with more sharp corners than that digit (MOST_CORNERS),
    winding round its middle more than MOST_TURNS times, a 0 with a second part outside its loop or too
    short to be its slash (LEAST_INSIDE_A_0, LEAST_SLASH) or a loop no oval (LEAST_0_FILL), a 6, 8 or 9
    whose loop is open (LOOPED), with a second part taller than that digit's (MOST_SECOND_HEIGHT),
    going up and down more than that digit does (MOST_TRAVEL), or less like that digit than
    LEAST_LIKENESS."""
    probabilities = np.asarray(probabilities)
    named = probabilities.argmax(axis=-1)
    (parts, width, corners, turns, inside, reach, loop_gap, second_height, fill,
     travel) = np.asarray(drawn, dtype=float).T
    like_a_digit = ((parts <= np.asarray(MOST_PARTS)[named]) & (width <= np.asarray(WIDEST)[named])
                    & (corners <= np.asarray(MOST_CORNERS)[named]) & (turns <= MOST_TURNS)
                    & ((named != 0) | ((inside >= LEAST_INSIDE_A_0) & (reach >= LEAST_SLASH)
                                         & (fill >= LEAST_0_FILL)))
                    & (~np.isin(named, LOOPED) | (loop_gap <= MOST_LOOP_GAP))
                    & (second_height <= np.asarray(MOST_SECOND_HEIGHT)[named])
                    & (travel <= np.asarray(MOST_TRAVEL)[named]))
    if likeness is not None:
        like_a_digit &= np.take_along_axis(np.asarray(likeness), named[..., None], axis=-1)[..., 0] >= LEAST_LIKENESS
    return np.where(like_a_digit, probabilities.max(axis=-1), 0.0)


def is_digit(probabilities: np.ndarray, drawn: Drawn | Sequence[Drawn] = PICTURE,
             likeness: np.ndarray | None = None) -> np.ndarray:
    """Whether each drawing is a digit (see digit_score)."""
    return digit_score(probabilities, drawn, likeness) >= NOT_A_DIGIT_BELOW


def read(probabilities: np.ndarray, drawn: Drawn = PICTURE, likeness: np.ndarray | None = None) -> int | None:
    """The digit a drawing's 10 probabilities name, or None when it is not a digit (see digit_score)."""
    return int(np.argmax(probabilities)) if is_digit(probabilities, drawn, likeness) else None


# A drawing split into parts is not a number when at least this share of its parts are not digits: a
# house read as "0?" is not the number 0, while a number with one doubtful digit in three ("4?2") still
# shows the two read. Of the development doodles the app showed a digit for, a quarter were such
# readings; of the real pen digits, two (README, "Not a digit").
NOT_A_NUMBER_SHARE = 0.5


def is_number(digits: Sequence[int | None]) -> bool:
    """Whether the parts of a drawing, each read as a digit or None (not a digit; see `read`), are a
    number: fewer than NOT_A_NUMBER_SHARE of them not digits. One part: whether it is a digit."""
    return bool(digits) and sum(digit is None for digit in digits) < NOT_A_NUMBER_SHARE * len(digits)


def _dense(stroke: np.ndarray, step: float) -> np.ndarray:
    """The stroke's points with more put in between, at most `step` apart: a mouse's points can be far apart."""
    steps = np.maximum(np.ceil(np.linalg.norm(np.diff(stroke, axis=0), axis=1) / step), 1).astype(int)
    segment = np.repeat(np.arange(len(steps)), steps)  # the segment each new point lies on, and how far along
    along = (np.arange(steps.sum()) - np.repeat(np.cumsum(steps) - steps, steps)) / np.repeat(steps, steps)
    between = stroke[segment] + (stroke[segment + 1] - stroke[segment]) * along[:, None]
    return np.concatenate([between, stroke[-1:]])


# --- drawings that are not digits, for training -------------------------------------------------

# Letters and signs that no one would take for a digit: not O, o, D (0), l, I, i, J, j, !, t (1), Z, z (2),
# S, s (5), b, G (6), B (8), g, q (9), nor b, d, e, a written small enough to pass for 6 or 9, nor
# y, h, Y, + (open 4s).
LETTERS = "ACEFHKLMNPRTUVWXcfkmnpruvwx#%&@?=*$€£"
FONT_SIZE = 90
GLYPH_SIDE = 112  # 28 x SKELETON_SCALE: letters are thinned at the size digits are


def _arc(cx: float, cy: float, rx: float, ry: float, start: float, sweep: float, steps: int = 24) -> np.ndarray:
    angles = start + np.linspace(0, sweep, max(2, round(steps * abs(sweep) / math.tau) + 2))
    return np.column_stack([cx + rx * np.cos(angles), cy + ry * np.sin(angles)])


def _polygon(rng: np.random.Generator, corners: int, step: int = 1) -> np.ndarray:
    """A closed outline through `corners` points evenly round a circle, taking every `step`-th: a
    triangle, or with 5 corners and step 2, a star."""
    angles = rng.uniform(0, math.tau) + np.arange(corners + 1) * step * math.tau / corners
    return np.column_stack([np.cos(angles), np.sin(angles) * rng.uniform(0.7, 1.3)])


def _rectangle(cx: float, cy: float, width: float, height: float) -> np.ndarray:
    x0, x1, y0, y1 = cx - width / 2, cx + width / 2, cy - height / 2, cy + height / 2
    return np.array([(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)])


def _rotated(strokes: list[np.ndarray], angle: float) -> list[np.ndarray]:
    rotation = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    return [stroke @ rotation.T for stroke in strokes]


def scribble(rng: np.random.Generator) -> list[np.ndarray]:
    """A hatching back and forth, or a wandering line with many turns: one stroke."""
    turns = int(rng.integers(6, 14))
    if rng.random() < 0.5:  # hatching: zigzag between two edges, moving along
        along = np.linspace(0, 1, turns) + rng.normal(0, 0.03, turns)
        across = np.where(np.arange(turns) % 2, 1.0, 0.0) + rng.normal(0, 0.08, turns)
        points = np.column_stack([along * rng.uniform(0.4, 1.5), across])
        return _rotated([points], rng.uniform(0, math.pi))
    steps = rng.normal(0, 1, (turns * 4, 2)).cumsum(axis=0)
    return [steps]


def spiral(rng: np.random.Generator) -> list[np.ndarray]:
    """A spiral of two and a half to four turns, in or out."""
    turns = rng.uniform(2.5, 4.0)
    angle = np.linspace(0, turns * math.tau, round(turns * 30))
    radius = rng.uniform(0, 0.3) + angle
    points = np.column_stack([radius * np.cos(angle), radius * np.sin(angle) * rng.uniform(0.75, 1.0)])
    return _rotated([points if rng.random() < 0.5 else points[::-1]], rng.uniform(0, math.tau))


def shape(rng: np.random.Generator) -> list[np.ndarray]:
    """A square, diamond, triangle or star; nothing round enough to be a 0, nor crossed like a slashed one."""
    kind = rng.integers(3)
    if kind == 0:
        outline = _rotated([_rectangle(0, 0, 1, rng.uniform(0.85, 1.15))], rng.choice([0, math.pi / 4]))[0]
    elif kind == 1:
        outline = _polygon(rng, 3)
    else:  # a five-pointed star in one stroke
        outline = _polygon(rng, 5, step=2)
    return [outline]


def _part(rng: np.random.Generator) -> np.ndarray:
    """One piece of a doodle, somewhere in the unit square: a circle, line, box, arc or zigzag."""
    cx, cy, size = rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9), rng.uniform(0.2, 0.5)  # none dominates
    kind = rng.integers(5)
    if kind == 0:
        return _arc(cx, cy, size / 2, size / 2 * rng.uniform(0.5, 1.5), rng.uniform(0, math.tau), math.tau)
    if kind == 1:
        angle = rng.uniform(0, math.tau)
        return np.array([(cx, cy), (cx + size * math.cos(angle), cy + size * math.sin(angle))])
    if kind == 2:
        return _rectangle(cx, cy, size, size * rng.uniform(0.4, 2.0))
    if kind == 3:
        return _arc(cx, cy, size / 2, size / 2, rng.uniform(0, math.tau), rng.uniform(0.5, 1.5) * math.pi)
    return np.column_stack([cx + np.linspace(0, size, 6), cy + np.where(np.arange(6) % 2, size / 4, 0)])


def _dot(rng: np.random.Generator, cx: float, cy: float) -> np.ndarray:
    """A dot, as a mouse makes one: a press and a tiny move."""
    return np.array([(cx, cy), (cx + rng.uniform(-0.02, 0.02), cy + rng.uniform(0.005, 0.02))])


def face(rng: np.random.Generator) -> list[np.ndarray]:
    """A head with eyes and a mouth, and sometimes ears: what an oval with things in it often is."""
    squash = rng.uniform(0.8, 1.2)
    strokes = [_arc(0.5, 0.5, 0.45, 0.45 * squash, rng.uniform(0, math.tau), math.tau)]
    eye_y, eye_dx = rng.uniform(0.3, 0.45), rng.uniform(0.12, 0.2)
    strokes += [_dot(rng, 0.5 - eye_dx, eye_y), _dot(rng, 0.5 + eye_dx, eye_y)]
    smile = rng.uniform(0.15, 0.3)
    mouth_y, mouth_height = rng.uniform(0.5, 0.6), smile * rng.uniform(0.3, 0.8)
    strokes.append(_arc(0.5, mouth_y, smile, mouth_height, 0.15 * math.pi, 0.7 * math.pi))
    if rng.random() < 0.5:  # ears
        ears = ((0.05, math.pi / 2), (0.95, -math.pi / 2))
        strokes += [_arc(side, 0.5, 0.08, 0.12, turn, math.pi) for side, turn in ears]
    return strokes


def doodle(rng: np.random.Generator) -> list[np.ndarray]:
    """Three to eight pieces and a few dots drawn one after the other, as a quick drawing of a thing is;
    now and then a face."""
    if rng.random() < 0.25:
        return face(rng)
    parts = [_part(rng) for _ in range(int(rng.integers(3, 9)))]
    return parts + [_dot(rng, *rng.uniform(0.1, 0.9, 2)) for _ in range(int(rng.integers(0, 4)))]


def dashes(rng: np.random.Generator) -> list[np.ndarray]:
    """A level dash, an equals sign, a plus or an x."""
    tilt = rng.uniform(-0.25, 0.25)
    dash = np.array([(0, 0), (1, math.tan(tilt))])
    kind = rng.integers(4)
    if kind == 0:
        return [dash]
    if kind == 1:
        return [dash, dash + (rng.uniform(-0.1, 0.1), rng.uniform(0.2, 0.4))]
    if kind == 2:
        return [dash, np.array([(0.5, -0.5), (0.5 + rng.uniform(-0.1, 0.1), 0.5)])]
    return [np.array([(0, 0), (1, 1)]), np.array([(1, 0), (0, 1)])]


STROKE_MAKERS = (scribble, spiral, shape, doodle, dashes)


def drawn(strokes: list[np.ndarray], rng: np.random.Generator) -> torch.Tensor:
    """Strokes unevenly stretched, wobbled and slanted a little, drawn as the training digits redrawn
    as pen paths are (`ink.draw_skeleton`), so that how a drawing was rendered tells nothing: (1, 1, 28, 28)."""
    stretch = np.array([rng.uniform(0.85, 1.15), 1.0])
    shear = rng.uniform(-0.3, 0.3)
    points = []
    for stroke in strokes:
        stroke = np.asarray(stroke, dtype=np.float64) * stretch
        stroke = stroke + rng.normal(0, 0.01, stroke.shape) * np.ptp(stroke, axis=0).max()
        stroke[:, 0] += shear * stroke[:, 1]
        points.append(stroke)
    every = np.concatenate(points)
    low, size = every.min(axis=0), max(float(np.ptp(every, axis=0).max()), 1e-9)
    return draw_skeleton(np.empty((0, 2), dtype=int), [(stroke - low) / size * GLYPH_SIDE for stroke in points])


def _fonts() -> list[ImageFont.FreeTypeFont]:
    """Two fonts every install has: Pillow's own and Pygame's."""
    import pygame  # imported here: only training needs its font file

    pygame_font = Path(pygame.__file__).parent / pygame.font.get_default_font()
    return [ImageFont.load_default(FONT_SIZE), ImageFont.truetype(str(pygame_font), FONT_SIZE)]


def letter(rng: np.random.Generator, fonts: list[ImageFont.FreeTypeFont]) -> torch.Tensor:
    """A letter or sign from a font, slanted and turned a little, redrawn along its skeleton with the app's pen."""
    glyph = Image.new("L", (GLYPH_SIDE * 2, GLYPH_SIDE * 2))
    ImageDraw.Draw(glyph).text((GLYPH_SIDE, GLYPH_SIDE), str(rng.choice(list(LETTERS))), fill=255,
                               font=fonts[rng.integers(len(fonts))], anchor="mm")
    shear = rng.uniform(-0.35, 0.35)
    glyph = glyph.transform(glyph.size, Image.Transform.AFFINE, (1, shear, -shear * GLYPH_SIDE, 0, 1, 0),
                            Image.Resampling.BILINEAR).rotate(rng.uniform(-10, 10), Image.Resampling.BILINEAR)
    skeleton = skeleton_pixels(np.asarray(glyph))
    return draw_skeleton(skeleton) if len(skeleton) else preprocess(np.asarray(glyph))


def make_non_digits(count: int, seed: int = 0) -> torch.Tensor:
    """`count` drawings that are not digits, drawn as the training digits redrawn as pen paths are:
    (count, 1, 28, 28) in [0, 1]. The kinds take turns: scribbles, spirals, shapes, doodles, dashes and
    crosses, letters and signs."""
    rng = np.random.default_rng(seed)
    fonts = _fonts()
    kinds = len(STROKE_MAKERS) + 1
    drawings = [drawn(STROKE_MAKERS[i % kinds](rng), rng) if i % kinds < len(STROKE_MAKERS) else letter(rng, fonts)
                for i in range(count)]
    return torch.cat(drawings) if drawings else torch.empty(0, 1, IMAGE_SIZE, IMAGE_SIZE)
