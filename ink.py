"""Ink to model input: how a drawing, or the path a pen took, becomes the network's 28x28 image.

MNIST digits were cropped, scaled to fit 20x20 and centred by their centre of mass in 28x28; every
input the network reads is prepared the same way (`preprocess`). The app reads the pen's path
redrawn with a pen in proportion to the drawing (`render_strokes`, kept up to date while drawing by
`PenPath`), seen a few ways whose readings are averaged (`READING_VIEWS`), and pictures of digits
after finding their ink (`read_picture`). MNIST training digits can be redrawn the same way, in
writing styles MNIST lacks (`redraw_as_pen`, for issue #9's training run); the benchmarks replay
real pen data as a mouse would draw it (`load_pen_digits`, `replay_as_mouse`).
"""

import gzip
import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw

IMAGE_SIZE = 28  # MNIST images are 28x28 ...
DIGIT_BOX = 20  # ... with the digit scaled to fit 20x20 ...
CENTER = 14.0  # ... and its centre of mass at pixel (14, 14), as measured on the training set.
PEN_RATIO = 0.1  # redrawn pen width / ink size: the app's 60 px brush on a digit the canvas's full 600 px
PEN_PATH_SIZE = 4 * DIGIT_BOX  # the redrawn path's longer side: 4x the box, so the fit to it anti-aliases
SHARP_TURN_COS = math.cos(math.radians(30))  # gentler turns leave no visible notch between two segments
# A drawing wider than tall is read squeezed to square, but never to less than half its width, so a
# dash stays a dash: people write zeros, and ones with a flag and a base, wider than MNIST's writers
# did. Chosen on the pen sample (98.59% -> 98.74% read right, zeros 96.1% -> 97.0%) and on MNIST
# validation digits drawn along their skeletons (99.00% -> 98.96%).
MOST_SQUEEZE = 0.5
# The app reads each drawing three ways and averages what the network says: as drawn, turned 8 degrees
# anticlockwise (the top to the left: people slant more than MNIST's writers did), and 15% narrower.
# Each view is (turn in degrees, clockwise on the screen; x scale). Chosen on the pen sample (98.74% ->
# 98.85% read right, zeros in two strokes 88% -> 93%) and on MNIST validation skeletons (98.96% -> 98.94%).
READING_VIEWS = ((0.0, 1.0), (-8.0, 1.0), (0.0, 0.85))

Strokes = Sequence[Sequence[tuple[float, float]]]  # each stroke: the (x, y) points of one press-move-release


# --- drawings and pen paths to the model's input -------------------------------------------------


def preprocess(canvas: np.ndarray) -> torch.Tensor:
    """Prepare a drawing the way MNIST digits were prepared.

    `canvas` is a 2-D uint8 image (height, width), white ink on black, of any size. The ink is
    cropped, scaled (aspect kept, area averaging) so its longer side is 20 px, and placed in a
    28x28 image with its centre of mass at the centre. Returns (1, 1, 28, 28) float32 in [0, 1];
    a blank canvas gives zeros.
    """
    _check_canvas(canvas)
    image = np.zeros((IMAGE_SIZE, IMAGE_SIZE), dtype=np.float32)
    rows = np.flatnonzero(canvas.max(axis=1))  # max is faster than any on uint8
    if rows.size:
        band = canvas[rows[0] : rows[-1] + 1]
        cols = np.flatnonzero(band.max(axis=0))
        digit = _fit_in_box(band[:, cols[0] : cols[-1] + 1])
        _paste_centred(digit, image)
    return torch.from_numpy(image)[None, None]


def _check_canvas(canvas: np.ndarray) -> None:
    if not isinstance(canvas, np.ndarray):
        raise ValueError(f"canvas must be a numpy array, not {type(canvas).__name__}")
    if canvas.ndim != 2:
        raise ValueError(f"canvas must be 2-D (height, width), got shape {canvas.shape}")
    if canvas.size == 0:
        raise ValueError(f"canvas is empty, got shape {canvas.shape}")
    if canvas.dtype != np.uint8:
        raise ValueError(f"canvas must be uint8 (0 black .. 255 ink), got {canvas.dtype}")


def _fit_in_box(ink: np.ndarray) -> np.ndarray:
    """Scale so the longer side is DIGIT_BOX px; a box filter is exact area averaging."""
    height, width = ink.shape
    scale = DIGIT_BOX / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    resized = Image.fromarray(np.ascontiguousarray(ink)).resize(size, Image.Resampling.BOX)
    return np.asarray(resized, dtype=np.float32) / 255.0


def _paste_centred(digit: np.ndarray, image: np.ndarray) -> None:
    """Paste `digit` into `image` so that its centre of mass lands on CENTER (kept inside)."""
    height, width = digit.shape
    rows, cols = digit.sum(axis=1), digit.sum(axis=0)
    mass = rows.sum()
    cy, cx = rows @ np.arange(height) / mass, cols @ np.arange(width) / mass
    # Python's min and max: np.clip is many times slower on scalars, and this runs on every stroke.
    top = min(max(round(CENTER - cy), 0), IMAGE_SIZE - height)
    left = min(max(round(CENTER - cx), 0), IMAGE_SIZE - width)
    image[top : top + height, left : left + width] = digit


def render_strokes(strokes: Strokes, pen_ratio: float = PEN_RATIO) -> np.ndarray:
    """A pen path redrawn with a pen as wide, relative to the drawing, as a full-size digit's.

    A brush of fixed width makes a digit drawn small fat, its loops filled in; the path the pen took
    keeps them. The path is scaled so its longer side is PEN_PATH_SIZE px (a wide drawing squeezed
    first, see MOST_SQUEEZE) and drawn with a round pen `pen_ratio` of the ink's size. Returns a
    uint8 image (white ink on black) for `preprocess`; no points give a blank one.
    """
    return PenPath(pen_ratio).image(strokes)


class PenPath:
    """`render_strokes` for a drawing in progress: each call draws only what was added since the last.

    While strokes are only added to (points at the end of the last stroke, or new strokes) inside the
    drawing's bounding box so far, a call costs the same however long the drawing already is;
    anything else (a stroke taken back, the box grown) redraws it all. The image is the same either way.

    The pen is a wide polyline with round tips at both ends of a stroke and at every turn sharper than
    SHARP_TURN_COS: PIL can round every joint itself, but on a mouse-drawn stroke that is 15 times slower.
    """

    def __init__(self, pen_ratio: float = PEN_RATIO, view: tuple[float, float] = READING_VIEWS[0]) -> None:
        turn, x_scale = math.radians(view[0]), view[1]
        # Points are rows: each is multiplied by the transpose of (rotation @ x scaling).
        self._view = np.array([[math.cos(turn) * x_scale, math.sin(turn) * x_scale],
                               [-math.sin(turn), math.cos(turn)]])
        self.width = pen_ratio / (1 - pen_ratio) * PEN_PATH_SIZE  # so that width = pen_ratio * (path + width)
        self.radius = self.width / 2
        self.side = math.ceil(PEN_PATH_SIZE + self.width) + 2
        self._reset(None)

    def image(self, strokes: Strokes) -> np.ndarray:
        new = self._new_points(strokes)
        if new is None or not self._inside(new):
            self._reset(strokes)
            new = self._new_points(strokes)
        for i in range(len(self._strokes), len(strokes)):
            self._strokes.append(strokes[i])
            self._counts.append(0)
        for i, points in new.items():
            self._draw(i, points)
        if self._open is None:
            return np.zeros((1, 1), dtype=np.uint8)
        image = self._base.copy()  # the last stroke's end tip moves on as it grows: drawn on a copy
        self._tip(ImageDraw.Draw(image), self._last_point[self._open])
        return np.asarray(image)

    def _reset(self, strokes: Strokes | None) -> None:
        """Start over: an empty image framed for the bounding box of `strokes`."""
        self._strokes: list = []  # the caller's strokes drawn so far ...
        self._counts: list[int] = []  # ... how many points of each ...
        self._last_point: dict[int, np.ndarray] = {}  # ... where each ends, in image coordinates ...
        self._last_move: dict[int, np.ndarray] = {}  # ... the last move it made ...
        self._start: dict[int, np.ndarray] = {}  # ... where it starts ...
        self._travel: dict[int, np.ndarray] = {}  # ... and the sum of its moves
        self._open: int | None = None  # the stroke whose end tip is not on the base yet
        self._base = Image.new("L", (self.side, self.side))
        self._low = self._high = None
        every = [point for stroke in strokes or [] for point in stroke]
        if every:
            every = np.asarray(every, dtype=np.float64).reshape(-1, 2) @ self._view
            self._low, self._high = every.min(axis=0), every.max(axis=0)
            self._scale = PEN_PATH_SIZE * _squeezed(np.maximum(self._high - self._low, 1.0))  # a dot has no size

    def _new_points(self, strokes: Strokes) -> dict[int, np.ndarray] | None:
        """The points of each stroke not drawn yet; None if something drawn has changed."""
        drawn = len(self._strokes)
        if len(strokes) < drawn or any(strokes[i] is not self._strokes[i] for i in range(drawn)):
            return None
        finished, shrunk = range(drawn - 1), drawn and len(strokes[drawn - 1]) < self._counts[drawn - 1]
        if shrunk or any(len(strokes[i]) != self._counts[i] for i in finished):
            return None
        new = {}
        for i in range(max(drawn - 1, 0), len(strokes)):
            start = self._counts[i] if i < drawn else 0
            if len(strokes[i]) > start:
                new[i] = np.asarray(strokes[i][start:], dtype=np.float64).reshape(-1, 2) @ self._view
        return new

    def _inside(self, new: dict[int, np.ndarray]) -> bool:
        if self._low is None:
            return not new
        return all((points >= self._low).all() and (points <= self._high).all() for points in new.values())

    def _draw(self, i: int, points: np.ndarray) -> None:
        pen = ImageDraw.Draw(self._base)
        if self._open is not None and self._open != i:
            self._tip(pen, self._last_point[self._open])  # that stroke is finished: its end tip stays
        self._open = i
        xy = (points - self._low) * self._scale + self.radius + 1
        if i in self._last_point:
            path = np.concatenate([self._last_point[i][None], xy])
        else:
            path = xy
            self._start[i], self._travel[i] = xy[0], np.zeros(2)
            self._tip(pen, xy[0])
        pen.line(path.ravel().tolist(), fill=255, width=round(self.width))
        moves = np.diff(path, axis=0)
        moves = moves[moves.any(axis=1)]  # a mouse at rest has no heading
        # Where each move ends: the stroke's start plus the moves so far, summed in the same order as
        # a redraw of the whole stroke sums them, so that both put the tips at the same points.
        travel = np.cumsum(np.concatenate([self._travel[i][None], moves]), axis=0)
        self._travel[i] = travel[-1]
        ends = self._start[i] + travel
        if i in self._last_move:  # the turn from the last move drawn to the first new one counts too
            moves = np.concatenate([self._last_move[i][None], moves])
        else:
            ends = ends[1:]
        lengths = np.hypot(moves[:, 0], moves[:, 1])
        sharp = (moves[:-1] * moves[1:]).sum(axis=1) < SHARP_TURN_COS * lengths[:-1] * lengths[1:]
        for point in ends[:-1][sharp]:  # where the move before each sharp turn ends
            self._tip(pen, point)
        if len(moves):
            self._last_move[i] = moves[-1]
        self._last_point[i] = path[-1]
        self._counts[i] += len(points)

    def _tip(self, pen: ImageDraw.ImageDraw, point: np.ndarray) -> None:
        x, y = point
        pen.ellipse((x - self.radius, y - self.radius, x + self.radius, y + self.radius), fill=255)


def reading_pen_paths(pen_ratio: float = PEN_RATIO) -> list[PenPath]:
    """A PenPath for each of the READING_VIEWS, the drawing as drawn first."""
    return [PenPath(pen_ratio, view) for view in READING_VIEWS]


def _squeezed(size: np.ndarray) -> np.ndarray:
    """The x and y scales that fit a drawing of this (width, height) into a unit square, read narrower
    when it is wider than tall (MOST_SQUEEZE)."""
    width, height = size
    squeeze = min(max(height / width, MOST_SQUEEZE), 1.0)
    return np.array([squeeze, 1.0]) / max(width * squeeze, height)


# --- MNIST digits redrawn as pen paths, in the writing styles MNIST lacks -----------------------

SKELETON_SCALE = 4  # digits are thinned at 4x, about the size at which render_strokes redraws a path
# Share of each class redrawn with a stroke that many writers add and MNIST's writers did not: a slash
# through the zero, a flag (and sometimes a base) on the one, a bar through the seven.
STYLE_SHARE = {0: 0.4, 1: 0.5, 7: 0.35}
BASE_SHARE = 0.4  # of the flagged ones, those that also get a base
# How the slashed zeros are slashed: diagonally (Ø), down the middle (φ, the most common in the UNIPEN
# sample's misread zeros), or across (θ).
ZERO_SLASHES = (0.4, 0.45, 0.15)
# Zeros that are slashed are mostly written narrow: wider ones are squeezed to this width / height.
SLASHED_ZERO_ASPECT = (0.45, 0.9)


def pen_skeleton(digit: np.ndarray) -> np.ndarray:
    """The (row, col) pixels of a 28x28 uint8 digit's skeleton at 4x: the path its pen took."""
    size = IMAGE_SIZE * SKELETON_SCALE
    return skeleton_pixels(np.asarray(Image.fromarray(digit).resize((size, size), Image.Resampling.BILINEAR)))


def skeleton_pixels(image: np.ndarray) -> np.ndarray:
    """The (row, col) pixels of the skeleton of a uint8 image's ink (white on black)."""
    from skimage.morphology import skeletonize  # imported here: the app never needs it

    return np.argwhere(skeletonize(image > 127))


def style_strokes(skeleton: np.ndarray, label: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Strokes, as (x, y) point arrays, that draw `label` in a style MNIST lacks; [] for other digits."""
    rows, cols = skeleton[:, 0], skeleton[:, 1]
    top, bottom, left, right = rows.min(), rows.max(), cols.min(), cols.max()
    height, width = bottom - top + 1, right - left + 1
    u = rng.uniform
    if label == 0:
        kind = rng.choice(len(ZERO_SLASHES), p=ZERO_SLASHES)
        if kind == 0:  # a slash from below the bottom left to above the top right: Ø
            start = (left + u(-0.1, 0.3) * width, bottom + u(-0.1, 0.2) * height)
            end = (right - u(-0.1, 0.3) * width, top - u(-0.1, 0.2) * height)
        elif kind == 1:  # a stroke down through the middle, past the top and the bottom: φ
            middle, lean = (left + right) / 2 + u(-0.1, 0.1) * width, u(-0.15, 0.15) * height
            start = (middle + lean, top - u(0.15, 0.6) * height)
            end = (middle - lean, bottom + u(0.15, 0.6) * height)
        else:  # a bar across the middle: θ
            level = (top + bottom) / 2 + u(-0.1, 0.1) * height
            start, end = (left - u(0.05, 0.6) * width, level), (right + u(0.05, 0.6) * width, level)
        return [np.array([start, end])]
    if label == 1:  # a flag down to the left from the top; sometimes a base under the foot
        x_top = cols[rows <= top + 2].mean()
        based = rng.random() < BASE_SHARE
        run = u(0.15, 0.5) * height
        # Steeper than a 7's bar, which is about level; a one with a base can't be a 7, so its flag may be level too.
        drop = min(run * u(0.1 if based else 0.7, 1.5), 0.5 * height)
        strokes = [np.array([(x_top, top), (x_top - run, top + drop)])]
        if based:
            x_foot = cols[rows >= bottom - 2].mean()
            strokes.append(np.array([(x_foot - u(0.15, 0.35) * height, bottom),
                                     (x_foot + u(0.15, 0.35) * height, bottom + u(-0.03, 0.03) * height)]))
        return strokes
    if label == 7:  # a short bar across the stem, about halfway down
        row = top + round(u(0.45, 0.65) * height)
        stem = cols[np.abs(rows - row) <= 1]
        if not stem.size:
            return []
        half, tilt = u(0.12, 0.25) * height, u(-0.05, 0.05) * height
        return [np.array([(stem.mean() - half, row + tilt), (stem.mean() + half, row - tilt)])]
    return []


def narrowed(skeleton: np.ndarray, factor: float) -> np.ndarray:
    """The skeleton squeezed sideways about its middle to `factor` of its width; still connected."""
    cols = skeleton[:, 1]
    middle = (cols.min() + cols.max()) / 2
    squeezed = np.column_stack([skeleton[:, 0], np.rint(middle + (cols - middle) * factor).astype(int)])
    return np.unique(squeezed, axis=0)


def restyled(skeleton: np.ndarray, label: int, rng: np.random.Generator) -> tuple[np.ndarray, list[np.ndarray]]:
    """`label` in a style MNIST lacks: its skeleton, reshaped where the style asks (a slashed zero is
    narrow), and the strokes the style adds."""
    if label == 0:
        height, width = np.ptp(skeleton, axis=0) + 1
        skeleton = narrowed(skeleton, min(1.0, rng.uniform(*SLASHED_ZERO_ASPECT) * height / width))
    return skeleton, style_strokes(skeleton, label, rng)


def redraw_as_pen(digit: np.ndarray, label: int, rng: np.random.Generator,
                  style_share: dict[int, float] = STYLE_SHARE) -> torch.Tensor:
    """An MNIST digit as the app would read it had a person drawn it: (1, 1, 28, 28) in [0, 1].

    Its skeleton is the pen path, with a style stroke added to a share of the classes in
    `style_share`, drawn with a round pen PEN_RATIO of the ink's size and prepared by `preprocess`,
    as `render_strokes` draws a path from the mouse (though a wide digit is not squeezed: the shipped
    model was trained without it).
    """
    skeleton = pen_skeleton(digit)
    if not len(skeleton):
        return preprocess(digit)
    skeleton, extra = restyled(skeleton, label, rng) if rng.random() < style_share.get(label, 0.0) else (skeleton, [])
    return draw_skeleton(skeleton, extra)


def draw_skeleton(skeleton: np.ndarray, extra: Sequence[np.ndarray] = ()) -> torch.Tensor:
    """(row, col) skeleton pixels, and (x, y) strokes beside them, drawn with a round pen PEN_RATIO of
    the ink's size and prepared by `preprocess`: (1, 1, 28, 28) in [0, 1]."""
    from scipy.ndimage import distance_transform_edt

    corners = np.concatenate([skeleton[:, ::-1], *extra]) if len(extra) else skeleton[:, ::-1]
    low = np.floor(corners.min(axis=0))
    size = np.ceil(corners.max(axis=0) - low).astype(int) + 1
    radius = PEN_RATIO / (1 - PEN_RATIO) * size.max() / 2  # so that the pen is PEN_RATIO of the ink
    margin = math.ceil(radius) + 1
    path = Image.new("L", tuple(size + 2 * margin))
    pixels = np.asarray(path).copy()
    pixels[skeleton[:, 0] - int(low[1]) + margin, skeleton[:, 1] - int(low[0]) + margin] = 255
    path = Image.fromarray(pixels)
    pen = ImageDraw.Draw(path)
    for stroke in extra:
        pen.line((stroke - low + margin).ravel().tolist(), fill=255, width=1)
    ink = distance_transform_edt(np.asarray(path) == 0) <= radius
    return preprocess(ink.astype(np.uint8) * 255)


def redraw_all_as_pen(images: torch.Tensor, labels: torch.Tensor, seed: int = 0) -> torch.Tensor:
    """`redraw_as_pen` for a batch of (N, 1, 28, 28) MNIST images in [0, 1]."""
    rng = np.random.default_rng(seed)
    digits = (images[:, 0] * 255).round().byte().numpy()
    return torch.cat([redraw_as_pen(d, int(y), rng) for d, y in zip(digits, labels.tolist(), strict=True)])


# --- real pen data, replayed as a mouse draws ----------------------------------------------------


def load_pen_digits(path: str | Path) -> list[dict]:
    """Pen-drawn characters from a gzipped JSON list (the UNIPEN sample's format): label, writer, strokes."""
    with gzip.open(path, "rt") as file:
        return json.load(file)


DRAWN_HEIGHTS = (120, 540)  # px: a digit drawn from a fifth of the app's canvas to nearly all of it


def replay_as_mouse(characters: list[dict], canvas_size: int, margin: int, seed: int = 0) -> list[list]:
    """Each character's strokes at a random height in DRAWN_HEIGHTS and a random place on the canvas."""
    rng = np.random.default_rng(seed)
    return [place_on_canvas(character["strokes"], int(rng.integers(*DRAWN_HEIGHTS, endpoint=True)),
                            canvas_size, margin, rng) for character in characters]


def fit_on_canvas(span: np.ndarray, height: float, canvas_size: int, margin: int,
                  rng: np.random.Generator) -> tuple[float, np.ndarray]:
    """The scale and (x, y) offset that draw something `span` = (width, height) big `height` px tall.

    The aspect ratio is kept (a wide drawing is capped by the canvas width), and the place is random
    but keeps the drawing `margin` px inside every edge of the square canvas.
    """
    scale = min(height / span[1], (canvas_size - 2 * margin) / span[0])
    y, x = (rng.uniform(margin, max(margin, canvas_size - margin - side * scale)) for side in (span[1], span[0]))
    return scale, np.array([x, y])


def place_on_canvas(strokes: Strokes, height: float, canvas_size: int, margin: int,
                    rng: np.random.Generator) -> list[list[tuple[int, int]]]:
    """Pen strokes scaled to `height` px and put at a random place on a square canvas, as mouse points.

    See `fit_on_canvas`. Points are whole pixels, as the mouse reports them, and a point the mouse
    would not report (no move since the last) is dropped.
    """
    points = [np.asarray(stroke, dtype=np.float64).reshape(-1, 2) for stroke in strokes]
    every = np.concatenate(points)
    low, span = every.min(axis=0), np.maximum(np.ptp(every, axis=0), 1e-9)
    scale, offset = fit_on_canvas(span, height, canvas_size, margin, rng)
    return [as_mouse_points((stroke - low) * scale + offset) for stroke in points]


def as_mouse_points(xy: np.ndarray) -> list[tuple[int, int]]:
    """(n, 2) canvas coordinates as the mouse reports them: whole pixels, no report without a move."""
    pixels = np.rint(xy).astype(int)
    moved = np.r_[True, (np.diff(pixels, axis=0) != 0).any(axis=1)]
    return [tuple(p) for p in pixels[moved].tolist()]


# --- pictures of digits: scans, photos, MNIST-style images ---------------------------------------

PICTURE_SIDE = 600  # larger pictures are shrunk first: a digit needs no more
SPECK_SHARE = 0.1  # ink blobs smaller than this share of the largest are specks, not strokes


class PictureError(ValueError):
    """The file is not a picture that can be read."""


def read_picture(path: str | Path) -> np.ndarray:
    """A picture of a digit as a canvas for `preprocess`: uint8, white ink on black, specks removed.

    Takes dark ink on light paper (a scan or a phone photo, unevenly lit) or light ink on dark (an
    MNIST-style image). The ink is made the bright side, the lighting evened out by subtracting a
    heavily blurred copy, the ink told from the paper by Otsu's threshold, and only the large
    blobs kept.
    """
    from scipy import ndimage
    from skimage.filters import threshold_otsu

    try:
        with Image.open(path) as picture:
            picture.thumbnail((PICTURE_SIDE, PICTURE_SIDE))
            gray = np.asarray(picture.convert("L"), dtype=np.float32)
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise PictureError(f"{path} is not a picture that can be read ({error.__class__.__name__})") from None
    if np.median(gray) > 127:  # mostly light: dark ink on paper
        gray = 255 - gray
    background = ndimage.gaussian_filter(gray, sigma=max(gray.shape) / 8)
    ink = np.clip(gray - background, 0, None) if min(gray.shape) > IMAGE_SIZE else gray
    if np.ptp(ink) < 1:
        return np.zeros((1, 1), dtype=np.uint8)  # a blank picture
    mask = ink > threshold_otsu(ink)
    blobs, count = ndimage.label(mask, structure=np.ones((3, 3)))
    sizes = np.bincount(blobs.ravel())[1:]
    mask = np.isin(blobs, 1 + np.flatnonzero(sizes >= SPECK_SHARE * sizes.max()))
    strength = np.percentile(ink[mask], 90)
    return (np.clip(ink / strength, 0, 1) * mask * 255).astype(np.uint8)
