"""Draw a digit, or a whole number, with the mouse; the CNN from model.py reads it while you draw.

    python play.py [--model PATH] [--save-dir DIR] [--data-dir DIR] [--image PICTURE]

It reads with your personal model when personalize.py has made one from the digits you taught it,
else with the shipped MNIST_CUDA_MODEL.pt; --model picks any other. Either way it remembers the
digits you taught that the model has not learnt (personalize.Remembering), from the moment you teach them.

Left button draws; Ctrl+Z takes back the last stroke and Ctrl+Y (or Ctrl+Shift+Z) brings it back;
Ctrl+S saves the drawing; a digit key (or a click on that digit's row) keeps the drawing as your
sample of that digit (user_samples.py); a picture dropped on the window (or given with --image) is
read; the Clear button or C / Backspace / Delete wipes the canvas; Esc quits.

Several digits written side by side are read as a number (segmentation.py splits the strokes into
digits): the panel shows each digit's input and reading, and the probability rows show the digit
last drawn, or the one under the mouse. A digit key teaches the digit the rows show.
"""

import argparse
import json
import math
import os
import signal
import sys
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # no banner on stdout
if __name__ == "__main__":
    # Ctrl-C while numpy and torch load (a second or more) ends the app at once, as it would any program,
    # not with a traceback from deep inside them; main() hands Ctrl-C back to Python before it opens anything.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
import numpy as np  # noqa: E402
import pygame  # noqa: E402
import torch  # noqa: E402

import ink  # noqa: E402
import non_digits  # noqa: E402
from model import (  # noqa: E402
    DEFAULT_MODEL_PATH,
    NUM_CLASSES,
    ModelLoadError,
    load_model,
    read_images,
    read_views,
)
from personalize import REMEMBER_AT_START, Remembering, personal_model_path, taught_since  # noqa: E402
from segmentation import StrokePoints, split_digits  # noqa: E402
from user_samples import SampleStore, default_data_dir  # noqa: E402

TITLE = "Digit Recognizer"
WINDOW_SIZE = (800, 600)
CANVAS_SIZE = 600  # the black drawing box on the left; the grey panel takes the rest
BRUSH_RADIUS = 30
FPS_WHILE_DRAWING = 60
LIVE_INTERVAL = 0.1  # seconds between classifications while the button is held
IDLE_LOOKS_PER_SECOND = 50  # while idle: often enough that a click feels instant, seldom enough to cost nothing
INVISIBLE_DRIVERS = ("offscreen", "dummy")  # SDL's fallbacks when there is no display: no window to see
# Without a compositor the window's pixels are lost when it is covered, minimized or hidden.
REPAINT_EVENTS = (pygame.WINDOWEXPOSED, pygame.WINDOWSHOWN, pygame.WINDOWRESTORED, pygame.VIDEOEXPOSE)

PANEL_X = CANVAS_SIZE
CLEAR_BUTTON = pygame.Rect(PANEL_X + 20, 10, 160, 40)
PREVIEW_SCALE = 5  # the 28x28 model input shown at 140x140
PREVIEW_POS = (PANEL_X + 30, 62)
NUMBER_BOX = pygame.Rect(PANEL_X + 10, 56, WINDOW_SIZE[0] - PANEL_X - 20, 166)  # a number, where a digit's preview is
ROWS_TOP, ROW_HEIGHT = 226, 37
BAR_LEFT, BAR_WIDTH = PANEL_X + 20, 160

BLACK, WHITE, GREY = (0, 0, 0), (255, 255, 255), (200, 200, 200)
RED, GREEN, BAR = (220, 50, 50), (0, 150, 0), (160, 185, 220)
TEXT = (20, 20, 20)
STATUS = (140, 140, 140)
HELP = "0–9 teach  ·  Ctrl+Z undo  ·  Ctrl+Y redo  ·  Ctrl+S save  ·  C clear  ·  Esc quit"
DIGIT_KEYS = "0123456789"
SHIPPED_LABEL, PERSONAL_LABEL = "model input (28x28)", "input to your model"  # under the preview
NOT_A_DIGIT_MARK = "?"  # shown in place of a digit for a drawing that is not one
NOT_A_DIGIT_CENTRE = (PANEL_X + 150, ROWS_TOP + 5 * ROW_HEIGHT)  # beside the rows, where no bar reaches when none wins


def draw_stroke(surface: pygame.Surface, start: tuple[float, float], end: tuple[float, float]) -> None:
    """Paint the brush along a straight segment, so fast mouse moves leave no gaps."""
    pygame.draw.circle(surface, WHITE, end, BRUSH_RADIUS)
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = math.hypot(dx, dy)
    if length:
        nx, ny = -dy / length * BRUSH_RADIUS, dx / length * BRUSH_RADIUS  # brush-wide normal
        corners = [(start[0] + nx, start[1] + ny), (end[0] + nx, end[1] + ny),
                   (end[0] - nx, end[1] - ny), (start[0] - nx, start[1] - ny)]
        pygame.draw.polygon(surface, WHITE, corners)


def paint_stroke(surface: pygame.Surface, points: list[tuple[int, int]]) -> None:
    """Paint a whole stroke as the app paints it live: a dot where it starts, a segment for every move."""
    for start, end in zip(points[:1] + points[:-1], points, strict=True):
        draw_stroke(surface, start, end)


def save_drawing(canvas: pygame.Surface, strokes: ink.Strokes, best: tuple[int, float] | None,
                 probs: np.ndarray | None, folder: Path, number_read: str = "") -> Path:
    """Write `drawing-N.png` (the canvas) and `drawing-N.json` (pen path and reading) with a new N; the PNG's path."""
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(1, 1_000_000):
        png = folder / f"drawing-{number}.png"
        if png.exists():
            continue
        try:
            with open(png.with_suffix(".json"), "x") as file:  # "x": fails rather than overwrite
                record = {"strokes": [[list(point) for point in stroke] for stroke in strokes],
                          "digit": None if best is None else best[0],
                          "number": number_read,
                          "probabilities": None if probs is None else [round(float(p), 6) for p in probs],
                          "saved": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
                json.dump(record, file)
        except FileExistsError:
            continue
        pygame.image.save(canvas, str(png))
        return png
    raise FileExistsError(f"no free drawing-N name left in {folder}")


def blit_input(screen: pygame.Surface, image: np.ndarray, box: pygame.Rect) -> None:
    """A 28x28 model input drawn pixel for pixel (nearest-neighbour enlargement) to fill `box`."""
    gray = (image * 255).astype(np.uint8).T  # back to surfarray's (x, y) order
    screen.blit(pygame.transform.scale(pygame.surfarray.make_surface(np.stack([gray] * 3, axis=-1)), box.size), box)


def row_at(pos: tuple[int, int]) -> int | None:
    """The digit whose probability row is under a mouse position, if any."""
    row = (pos[1] - ROWS_TOP) // ROW_HEIGHT
    inside = BAR_LEFT <= pos[0] < BAR_LEFT + BAR_WIDTH and pos[1] >= ROWS_TOP and row < 10
    return row if inside else None


def on_canvas(pos: tuple[int, int]) -> tuple[int, int]:
    """The nearest point of the canvas to a mouse position."""
    return min(max(pos[0], 0), CANVAS_SIZE - 1), min(max(pos[1], 0), CANVAS_SIZE - 1)


def model_input(strokes: ink.Strokes, pen_paths: list[ink.PenPath] | None = None) -> torch.Tensor:
    """The (V, 1, 28, 28) inputs the model gets for a drawing: its pen path, not the fat brush, seen
    each of the ink.READING_VIEWS ways, as drawn first.

    The canvas shows the strokes as drawn; the model reads the path redrawn with a pen that scales
    with the drawing (ink.render_strokes), so a digit drawn small keeps its open loops. `pen_paths`
    (from ink.reading_pen_paths) kept from one call to the next draw only what was added since, so a
    long drawing reads as fast.
    """
    return torch.cat([ink.preprocess(path.image(strokes)) for path in pen_paths or ink.reading_pen_paths()])


def read_drawings(model: torch.nn.Module, drawings: list[ink.Strokes]) -> tuple[np.ndarray, np.ndarray]:
    """(N, 10) and (N, 10): the probabilities of each drawing read as one digit, the app's way, and its
    likeness to each digit (model.ImageClassifier.likeness)."""
    return read_views(model, torch.stack([model_input(strokes) for strokes in drawings]))


@dataclass(frozen=True, eq=False)
class Reading:
    """One digit on the canvas: the indices of its strokes, the model's 28x28 input, the 10 probabilities,
    how it was drawn (non_digits.how_drawn; a picture: non_digits.PICTURE) and its 10 likenesses
    (model.ImageClassifier.likeness; None: not known)."""

    strokes: list[int]
    image: np.ndarray
    probs: np.ndarray
    drawn: non_digits.Drawn = non_digits.PICTURE
    likeness: np.ndarray | None = None

    @cached_property  # the panel, the number and the title each ask, every frame
    def digit(self) -> int | None:
        """The digit read; None when the drawing is not a digit."""
        return non_digits.read(self.probs, self.drawn, self.likeness)

    @property
    def shown(self) -> str:
        """The digit read as the panel shows it: `?` for not a digit."""
        return NOT_A_DIGIT_MARK if self.digit is None else str(self.digit)


def picture_reading(model: torch.nn.Module, image: torch.Tensor) -> Reading:
    """A picture's (1, 1, 28, 28) input read as one digit: it has no pen path (non_digits.PICTURE)."""
    (probs,), (likeness,) = read_images(model, image)
    return Reading([], image[0, 0].numpy(), probs, non_digits.PICTURE, likeness)


MEMO_SIZE = 1000  # readings kept for reuse: about 3 MB


def read_digits(model: torch.nn.Module, strokes: ink.Strokes, pen_paths: dict[int, list[ink.PenPath]] | None = None,
                memo: dict | None = None, points: StrokePoints | None = None) -> list[Reading]:
    """The digits of a drawing, left to right, each read as a single digit is, in one batch.

    `pen_paths` (kept by the caller, one per digit) redraw only what was added since the last call;
    `memo` (kept by the caller) holds what has been read, so that while one digit of a number is
    being drawn only that digit is read again; `points` (kept by the caller) converts for segmentation
    only the strokes added since.
    """
    memo = {} if memo is None else memo

    def settle(drawings: list[ink.Strokes]) -> tuple[np.ndarray, np.ndarray]:
        _, probs, drawn, likeness = read(model, drawings, memo)
        # The parts a drawing was written in say nothing here: which strokes make a digit is what is
        # being settled, and a digit traced in pieces has more of them than it is drawn in.
        return probs, non_digits.is_digit(probs, [how._replace(parts=1) for how in drawn], likeness)

    groups = split_digits(strokes, settle, points)
    if pen_paths is not None:
        for group in groups:
            if group[0] not in pen_paths:
                pen_paths[group[0]] = ink.reading_pen_paths()
    images, probs, drawn, likeness = read(model, [[strokes[i] for i in group] for group in groups], memo,
                                          [pen_paths[group[0]] for group in groups] if pen_paths is not None else None)
    return [Reading(group, *reading) for group, *reading in zip(groups, images, probs, drawn, likeness, strict=True)
            if reading[0].any()]


def read(model: torch.nn.Module, drawings: list[ink.Strokes], memo: dict,
         pen_paths: list[list[ink.PenPath]] | None = None
         ) -> tuple[list[np.ndarray], np.ndarray, list[non_digits.Drawn], np.ndarray]:
    """Each drawing read as one digit: its 28x28 input as drawn, (N, 10) probabilities, how it was drawn
    (non_digits.how_drawn) and (N, 10) likenesses; those in `memo` are not read again."""
    keys = [tuple((id(stroke), len(stroke), tuple(stroke[0]), tuple(stroke[-1])) for stroke in drawing)
            for drawing in drawings]
    if len(memo) > MEMO_SIZE:
        memo.clear()
    new = [k for k, key in enumerate(keys) if key not in memo]
    if new:
        inputs = torch.stack([model_input(drawings[k], pen_paths[k] if pen_paths else None) for k in new])
        for k, views, p, like in zip(new, inputs, *read_views(model, inputs), strict=True):
            memo[keys[k]] = views[0, 0].numpy(), p, non_digits.how_drawn(drawings[k]), like
    images, probs, drawn, likeness = zip(*(memo[key] for key in keys), strict=True) if keys else ((),) * 4
    return (list(images), np.array(probs).reshape(-1, NUM_CLASSES), list(drawn),
            np.array(likeness).reshape(-1, NUM_CLASSES))


class DigitApp:
    """The app's state: the drawing, the latest prediction, and how events change them."""

    def __init__(self, model: torch.nn.Module, save_dir: Path | None = None,
                 samples: SampleStore | None = None, personal: bool = False) -> None:
        self.personal = personal  # the model is the one personalize.py made from the user's samples
        self.save_dir = Path.cwd() if save_dir is None else Path(save_dir)
        self.samples = SampleStore() if samples is None else samples  # the digits the user taught
        self.model = Remembering(model)  # ... those the model has not learnt, remembered
        learnt_by = personal_model_path(self.samples.path.parent) if personal else None
        self.remember(taught_since(self.samples.read(), learnt_by)[-REMEMBER_AT_START:])
        self.status = HELP  # the line under the drawing: the keys, or what the last save did
        self.pen_paths: dict[int, list[ink.PenPath]] = {}  # each digit redrawn in its views, stroke by stroke
        self.memo: dict = {}  # what read_digits has read, to be reused while only one digit changes
        self.points = StrokePoints()  # the strokes as segmentation takes them, converted once
        self.readings: list[Reading] = []  # the digits on the canvas, left to right
        self.focus = 0  # the reading the probability rows show
        self.canvas = pygame.Surface((CANVAS_SIZE, CANVAS_SIZE))
        self.font = pygame.font.Font(None, 34)
        self.small_font = pygame.font.Font(None, 22)
        self.big_font = pygame.font.Font(None, 60)
        self.huge_font = pygame.font.Font(None, 200)
        self.drawing = False  # the left button is held down on the canvas
        self.last_classified = -math.inf
        # The pen's path, a list of points per press-move-release; first a dot to warm the model up,
        # so that the first real stroke is classified as fast as the rest.
        self.strokes: list[list[tuple[int, int]]] = [[(CANVAS_SIZE // 2, CANVAS_SIZE // 2)]]
        self.classify()
        self.clear()

    def clear(self) -> None:
        """Wipe the drawing; a stroke under way ends here, so a held button draws no more until pressed again."""
        self.showing_picture = False
        self.strokes.clear()
        self.pen_paths.clear()
        self.memo.clear()
        self.undone: list[list[tuple[int, int]]] = []  # strokes taken back by undo, the next to come back last
        self.repaint()

    def undo(self) -> None:
        """Take back the last stroke (ending it first if the button is still held)."""
        if self.strokes:
            self.undone.append(self.strokes.pop())
            self.repaint()

    def redo(self) -> None:
        """Bring back the stroke undo took back last."""
        if self.undone:
            self.strokes.append(self.undone.pop())
            self.repaint()

    def show_picture(self, path: str | Path) -> None:
        """Read the digit in a picture file: it fills the canvas, and the readout is the model's reading of it."""
        try:
            picture = ink.read_picture(path)
        except ink.PictureError as error:
            self.status = str(error)
            self.needs_redraw = True
            return
        self.clear()
        image = ink.preprocess(picture)
        self.show([picture_reading(self.model, image)] if image.any() else [])
        scale = CANVAS_SIZE / max(picture.shape)
        size = (round(picture.shape[1] * scale), round(picture.shape[0] * scale))
        surface = pygame.surfarray.make_surface(np.stack([picture.T] * 3, axis=-1))
        self.canvas.blit(pygame.transform.smoothscale(surface, size), (0, 0))
        self.status = f"read {Path(path).name}: draw to start again"
        self.showing_picture = True

    def save(self) -> None:
        """Write the canvas as a PNG and the pen path and reading as JSON, under a name never used before."""
        if not self.strokes:
            self.status = "nothing to save: the canvas is blank"
        else:
            try:
                png = save_drawing(self.canvas, self.strokes, self.prediction(), self.probs, self.save_dir,
                                   self.number())
                self.status = f"saved {png} and {png.with_suffix('.json').name}"
            except OSError as error:
                self.status = f"not saved: {error.strerror or error} ({self.save_dir})"
        self.needs_redraw = True

    def teach(self, digit: int) -> None:
        """Keep the digit the rows show as the user's sample of `digit`: a wrong reading corrected, or a
        right one confirmed."""
        best = self.prediction()
        if not self.strokes:
            self.status = "nothing to teach: draw a digit, then press its key"
        else:
            shown = self.readings[self.focus].strokes if self.readings else range(len(self.strokes))
            try:
                sample = self.samples.add([self.strokes[i] for i in shown], digit, None if best is None else best[0])
            except OSError as error:
                self.status = f"not kept: {error.strerror or error} ({self.samples.path.parent})"
            else:
                self.remember([sample])
                self.memo.clear()  # every reading may change now
                self.classify()
                verdict = "confirmed" if best is not None and best[0] == digit else "corrected"
                self.status = (f"kept as your {digit} ({verdict}) and remembered: {self.samples.counts[digit]} of "
                               f"{digit}, {sum(self.samples.counts)} in all")
        self.needs_redraw = True

    def remember(self, samples: list[dict]) -> None:
        """Read drawings like these as the digits the user taught for them, from now on."""
        if samples:
            views = torch.stack([model_input(sample["strokes"]) for sample in samples])
            self.model.remember(views, torch.tensor([sample["label"] for sample in samples]))

    def repaint(self) -> None:
        """Paint the canvas anew from the kept strokes, and read them again."""
        self.drawing = False
        self.canvas.fill(BLACK)
        for points in self.strokes:
            paint_stroke(self.canvas, points)
        if self.strokes:
            self.classify()
        else:
            self.show([])

    def classify(self) -> None:
        """Read the drawing as it is now; the rows show the digit the last stroke belongs to."""
        readings = read_digits(self.model, self.strokes, self.pen_paths, self.memo, self.points)
        last = len(self.strokes) - 1
        self.show(readings, next((k for k, r in enumerate(readings) if last in r.strokes), len(readings) - 1))
        self.last_classified = time.monotonic()

    def show(self, readings: list[Reading], focus: int = 0) -> None:
        """Make `readings` what the panel shows, with the probability rows on the digit `focus`."""
        self.readings, self.focus = readings, max(focus, 0)
        kept = {r.strokes[0] for r in readings if r.strokes}
        for first in set(self.pen_paths) - kept:  # pen paths of digits that are no more
            del self.pen_paths[first]
        self.needs_redraw = True

    def look_at(self, x: int) -> None:
        """Point the probability rows at the digit nearest to x on the canvas."""
        if len(self.readings) > 1 and all(r.strokes for r in self.readings):
            xs = [np.concatenate([np.asarray(self.strokes[i])[:, 0] for i in r.strokes]) for r in self.readings]
            focus = int(np.argmin([max(x0.min() - x, x - x0.max(), 0) for x0 in xs]))
            if focus != self.focus:
                self.focus, self.needs_redraw = focus, True

    @property
    def probs(self) -> np.ndarray | None:
        """The probabilities the rows show; None for a blank canvas."""
        return self.readings[self.focus].probs if self.readings else None

    @property
    def preview(self) -> np.ndarray:
        """The model's input for the digit the rows show; black for a blank canvas."""
        return self.readings[self.focus].image if self.readings else np.zeros((ink.IMAGE_SIZE,) * 2, np.float32)

    def prediction(self) -> tuple[int | None, float] | None:
        """The digit the rows show (None: not a digit, or a part of no number) and its top probability;
        None for a blank canvas."""
        if not self.readings:
            return None
        reading = self.readings[self.focus]
        return reading.digit if self.is_number() else None, float(reading.probs.max())

    def is_number(self) -> bool:
        """Whether the canvas holds a number: most of its parts are digits (non_digits.is_number)."""
        return non_digits.is_number([r.digit for r in self.readings])

    def number(self) -> str:
        """The digits on the canvas, left to right, `?` for each part that is not a digit; a single `?`
        when they are not a number."""
        return "".join(r.shown for r in self.readings) if self.is_number() else NOT_A_DIGIT_MARK

    # --- events --------------------------------------------------------------------------------

    def handle(self, event: pygame.event.Event) -> bool:
        """Apply one event; returns False when the app should quit."""
        if event.type == pygame.QUIT:
            return False
        if event.type == pygame.KEYDOWN:
            if event.key == pygame.K_ESCAPE:
                return False
            ctrl, shift = event.mod & pygame.KMOD_CTRL, event.mod & pygame.KMOD_SHIFT
            if ctrl and (event.key == pygame.K_y or (event.key == pygame.K_z and shift)):
                self.redo()
            elif ctrl and event.key == pygame.K_z:
                self.undo()
            elif ctrl and event.key == pygame.K_s:
                self.save()
            elif event.key in (pygame.K_c, pygame.K_BACKSPACE, pygame.K_DELETE):
                self.clear()
            elif not ctrl and event.unicode and event.unicode in DIGIT_KEYS:
                self.teach(int(event.unicode))
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            if CLEAR_BUTTON.collidepoint(event.pos):
                self.clear()
            elif (row := row_at(event.pos)) is not None:
                self.teach(row)
            elif event.pos[0] < CANVAS_SIZE:
                if self.showing_picture:
                    self.clear()
                self.drawing = True
                self.strokes.append([event.pos])
                self.undone.clear()  # a new stroke: what was undone stays undone
                self.status = HELP
                draw_stroke(self.canvas, event.pos, event.pos)
                self.needs_redraw = True
        elif event.type == pygame.MOUSEMOTION and not self.drawing and event.pos[0] < CANVAS_SIZE:
            self.look_at(event.pos[0])
        elif event.type == pygame.MOUSEMOTION and self.drawing:
            point = on_canvas(event.pos)  # the pen stops at the canvas edge, in the path as on screen
            draw_stroke(self.canvas, self.strokes[-1][-1], point)
            self.strokes[-1].append(point)
            self.needs_redraw = True
            if time.monotonic() - self.last_classified >= LIVE_INTERVAL:
                self.classify()
        elif event.type == pygame.MOUSEBUTTONUP and event.button == 1 and self.drawing:
            self.drawing = False
            self.classify()
        elif event.type == pygame.DROPFILE:
            self.show_picture(event.file)
        elif event.type in REPAINT_EVENTS:
            self.needs_redraw = True
        return True

    # --- drawing -------------------------------------------------------------------------------

    def caption(self) -> str:
        if not self.readings:
            return TITLE
        if not self.is_number():
            return f"{TITLE} - not a digit"
        if len(self.readings) > 1:
            return f"{TITLE} - {self.number()}"
        digit, probability = self.prediction()
        return f"{TITLE} - {digit} ({probability:.1%})"

    def render(self, screen: pygame.Surface) -> None:
        screen.blit(self.canvas, (0, 0))
        screen.fill(GREY, (PANEL_X, 0, WINDOW_SIZE[0] - PANEL_X, WINDOW_SIZE[1]))
        self._render_clear_button(screen)
        if len(self.readings) > 1:
            self._render_number(screen)
        else:
            self._render_preview(screen)
        self._render_probabilities(screen)
        self._render_status(screen)
        if pygame.display.get_caption()[0] != self.caption():  # not once a frame while drawing
            pygame.display.set_caption(self.caption())
        self.needs_redraw = False

    def _render_clear_button(self, screen: pygame.Surface) -> None:
        pygame.draw.rect(screen, RED, CLEAR_BUTTON, border_radius=6)
        label = self.font.render("Clear", True, WHITE)
        screen.blit(label, label.get_rect(center=CLEAR_BUTTON.center))

    def _render_preview(self, screen: pygame.Surface) -> None:
        """What the model sees, pixel for pixel: nearest-neighbour enlargement of its 28x28 input."""
        side = ink.IMAGE_SIZE * PREVIEW_SCALE
        blit_input(screen, self.preview, pygame.Rect(PREVIEW_POS, (side, side)))
        pygame.draw.rect(screen, TEXT, (*PREVIEW_POS, side, side), width=1)
        label = self.small_font.render(PERSONAL_LABEL if self.personal else SHIPPED_LABEL, True, TEXT)
        screen.blit(label, label.get_rect(midtop=(PREVIEW_POS[0] + side // 2, PREVIEW_POS[1] + side + 3)))

    def _render_number(self, screen: pygame.Surface) -> None:
        """The number read, large; under it each digit's input, its reading and how sure; the digit the
        rows show framed."""
        number = self.big_font.render(self.number(), True, GREEN if self.is_number() else RED)
        screen.blit(number, number.get_rect(midtop=(NUMBER_BOX.centerx, NUMBER_BOX.top)))
        cell = NUMBER_BOX.width // len(self.readings)
        side = min(ink.IMAGE_SIZE * PREVIEW_SCALE, cell - 6)
        top = NUMBER_BOX.top + number.get_height() + 4
        for k, reading in enumerate(self.readings):
            centre = NUMBER_BOX.left + cell * k + cell // 2
            box = pygame.Rect(centre - side // 2, top, side, side)
            blit_input(screen, reading.image, box)
            shown = k == self.focus
            pygame.draw.rect(screen, GREEN if shown else TEXT, box.inflate(2, 2), width=2 if shown else 1)
            sure = self.small_font.render(f"{reading.probs.max():.0%}", True, TEXT)
            screen.blit(sure, sure.get_rect(midtop=(centre, box.bottom + 3)))

    def _render_probabilities(self, screen: pygame.Surface) -> None:
        best = self.prediction()
        for digit in range(10):
            top = ROWS_TOP + digit * ROW_HEIGHT
            p = 0.0 if self.probs is None else float(self.probs[digit])
            if p > 0:
                pygame.draw.rect(screen, BAR, (BAR_LEFT, top + 2, max(1, round(BAR_WIDTH * p)), ROW_HEIGHT - 6))
            color = GREEN if best is not None and digit == best[0] else TEXT
            screen.blit(self.font.render(f"{digit}: {p:.0%}", True, color), (BAR_LEFT + 6, top + 6))
            if self.samples.counts[digit]:
                taught = self.small_font.render(f"{self.samples.counts[digit]} yours", True, STATUS)
                screen.blit(taught, taught.get_rect(midright=(BAR_LEFT + BAR_WIDTH - 4, top + ROW_HEIGHT // 2)))
        if best is not None and best[0] is None:  # no row is green: a large ? says none of them
            mark = self.huge_font.render(NOT_A_DIGIT_MARK, True, RED)
            screen.blit(mark, mark.get_rect(center=NOT_A_DIGIT_CENTRE))

    def _render_status(self, screen: pygame.Surface) -> None:
        label = self.small_font.render(self.status, True, STATUS)
        screen.blit(label, (8, CANVAS_SIZE - label.get_height() - 6))

    # --- main loop -----------------------------------------------------------------------------

    def run(self, screen: pygame.Surface) -> None:
        """Until quit: wait on the event queue while idle, at most FPS_WHILE_DRAWING while drawing."""
        clock = pygame.time.Clock()
        running = True
        while running:
            if self.drawing:
                clock.tick(FPS_WHILE_DRAWING)
                events = pygame.event.get()
            else:
                events = pygame.event.get()
                if not events:
                    # pygame's own wait wakes about 900 times a second and does not see Ctrl-C; a short
                    # sleep between looks at the queue wakes IDLE_LOOKS_PER_SECOND times and does.
                    time.sleep(1 / IDLE_LOOKS_PER_SECOND)
                    continue
            for event in events:
                running = running and self.handle(event)
            if self.needs_redraw and running:
                self.render(screen)
                pygame.display.flip()


def open_display() -> str | None:
    """Start SDL's video; returns why there is no screen to open the window on, or None."""
    fix = "run it in a desktop session, or over SSH with X forwarding (ssh -X) so that DISPLAY is set"
    try:
        pygame.display.init()  # only what the app uses: no audio, so no sound-card warnings
    except pygame.error as error:
        return f"cannot open a window ({error}): {fix}"
    driver = pygame.display.get_driver()
    if driver in INVISIBLE_DRIVERS and os.environ.get("SDL_VIDEODRIVER") != driver:
        pygame.display.quit()
        return f"no display to open the window on (SDL fell back to its invisible '{driver}' driver): {fix}"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Draw a digit and watch the CNN recognize it.")
    parser.add_argument("--model", help="weights file (default: your personal model if personalize.py made"
                        f" one, else {DEFAULT_MODEL_PATH})")
    parser.add_argument("--save-dir", type=Path, default=Path.cwd(), help="where Ctrl+S saves (default: here)")
    parser.add_argument("--data-dir", type=Path, default=default_data_dir(),
                        help="where the digits you teach it are kept (default: %(default)s)")
    parser.add_argument("--image", help="start by reading the digit in this picture (or drop one on the window)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # from here on, Ctrl-C closes the window first
    try:
        return run_app(args.model, args.save_dir, args.image, args.data_dir)
    except KeyboardInterrupt:  # Ctrl-C in the terminal: quit quietly, whenever it comes
        return 130


def pick_model(model_path: str | Path | None, data_dir: Path | None) -> tuple[torch.nn.Module, bool]:
    """The model to read with, and whether it is the user's own: `model_path` if given, else the personal
    model in `data_dir` if there is one that loads, else the shipped one. Raises ModelLoadError."""
    personal = personal_model_path(data_dir)
    if model_path is None and personal.exists():
        try:
            return load_model(personal, fix="make it again with `python personalize.py`"), True
        except ModelLoadError as error:
            print(f"warning: {error}; reading with the shipped model instead", file=sys.stderr)
    return load_model(DEFAULT_MODEL_PATH if model_path is None else model_path), False


def run_app(model_path: str | None, save_dir: Path, image: str | None = None, data_dir: Path | None = None) -> int:
    problem = open_display()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    try:
        model, personal = pick_model(model_path, data_dir)
    except ModelLoadError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    pygame.font.init()
    try:
        # Warmed up before the window opens: ready as soon as it shows.
        app = DigitApp(model, save_dir, SampleStore(data_dir), personal)
        if image:
            app.show_picture(image)
        screen = pygame.display.set_mode(WINDOW_SIZE)
        app.render(screen)
        pygame.display.flip()
        app.run(screen)
    finally:
        pygame.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
