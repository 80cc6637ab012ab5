"""How well the shipped model reads digits drawn in the app, at every size and anywhere on the canvas.

    python benchmarks/drawn_digits.py --data-root data
    python benchmarks/drawn_digits.py --digits pen --pen-data ../shared/unipen/digits-dev.json.gz

Two kinds of drawing, each put at a random height from 120 to 540 px and a random place where it fits
on the black 600x600 canvas, and painted with the app's round brush (radius 30 px):
  test/validation  official MNIST test digits (or the 5,000 training images MNIST_TRAIN.ipynb holds
                   out): the digit's skeleton, thinned at 4x resolution, is the pen's path
  pen              real pen digits written on tablets by many writers (the UNIPEN sample's format):
                   each pen path replayed as the mouse strokes a person would make
Three ways to read the drawing are compared:
  app       what play.py does: the pen path redrawn with a proportional pen (ink.render_strokes), seen
            the ink.READING_VIEWS ways
  canvas    the canvas as painted, through ink.preprocess (crop, fit to 20 px, centre of mass)
  original  the original app's plain downsampling of the whole canvas to 28x28
Accuracy is reported overall and per size band; for pen digits also per class, per stroke count,
and per class and stroke count (a two-stroke 0 is mostly a slashed zero). This only measures:
nothing here trains the model. Choices were made on the validation images and the pen sample, never
on the test digits.
"""

import argparse
import sys
import zlib
from pathlib import Path

import numpy as np
import pygame
import torch
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from ink import (  # noqa: E402
    DRAWN_HEIGHTS,
    PEN_RATIO,
    Strokes,
    fit_on_canvas,
    load_pen_digits,
    pen_skeleton,
    preprocess,
    reading_pen_paths,
    replay_as_mouse,
)
from model import DEFAULT_MODEL_PATH, evaluate, load_mnist, load_model, read_views  # noqa: E402
from play import BRUSH_RADIUS, CANVAS_SIZE, model_input, paint_stroke  # noqa: E402

BANDS = [(120, 200), (200, 280), (280, 360), (360, 440), (440, 541)]
VALIDATION_SIZE, SPLIT_SEED = 5000, 0  # MNIST_TRAIN.ipynb's held-out split of the training set
NEIGHBOURS = [(0, 1), (1, -1), (1, 0), (1, 1)]  # each 8-connected pair of skeleton pixels once


def digit_strokes(digit: np.ndarray, height: int, rng: np.random.Generator) -> tuple[Strokes, int]:
    """The digit's skeleton as pen strokes on the canvas; returns them and the path's actual height.

    Every skeleton pixel is a click and every pair of neighbouring pixels a two-point stroke.
    """
    grid = pen_skeleton(digit)
    grid -= grid.min(axis=0)
    span = np.maximum(grid.max(axis=0), 1)
    # The brush's ink must stay on the canvas; (x, y) as the mouse gives them.
    scale, offset = fit_on_canvas(span[::-1], height, CANVAS_SIZE, BRUSH_RADIUS, rng)
    points = [tuple(xy) for xy in (grid[:, ::-1] * scale + offset).tolist()]
    index = {(r, c): i for i, (r, c) in enumerate(grid.tolist())}
    strokes = []
    for (r, c), i in index.items():
        strokes.append([points[i]])
        strokes += [[points[i], points[index[r + dr, c + dc]]] for dr, dc in NEIGHBOURS if (r + dr, c + dc) in index]
    return strokes, round(span[0] * scale)


def paint(strokes: Strokes) -> pygame.Surface:
    """The canvas the strokes leave in the app."""
    canvas = pygame.Surface((CANVAS_SIZE, CANVAS_SIZE))
    for stroke in strokes:
        paint_stroke(canvas, stroke)
    return canvas


def pixels(canvas: pygame.Surface) -> np.ndarray:
    """The canvas as a (row, col) uint8 array, as model.preprocess takes it."""
    return pygame.surfarray.array_red(canvas).T.copy()


def load_digits(root: str, which: str) -> tuple[torch.Tensor, torch.Tensor]:
    """The official test set, or the validation images the notebook holds out of the training set."""
    if which == "test":
        return load_mnist(root, train=False)
    images, labels = load_mnist(root, train=True)
    held_out = torch.randperm(len(images), generator=torch.Generator().manual_seed(SPLIT_SEED))[:VALIDATION_SIZE]
    return images[held_out], labels[held_out]


def original_input(canvas: np.ndarray) -> torch.Tensor:
    """The original app's preparation: the whole canvas resized to 28x28 as it is."""
    small = Image.fromarray(canvas).resize((28, 28))
    return torch.from_numpy(np.asarray(small, dtype=np.float32) / 255)[None, None]


def mnist_drawings(args: argparse.Namespace, rng: np.random.Generator) -> tuple[list, torch.Tensor, np.ndarray]:
    """MNIST digits drawn along their skeletons: the strokes, the labels and each path's height."""
    images, labels = load_digits(args.data_root, args.digits)
    images, labels = images[: args.limit], labels[: args.limit]
    drawings, heights = [], []
    for image in images:
        wanted = int(rng.integers(*DRAWN_HEIGHTS, endpoint=True))
        strokes, height = digit_strokes((image[0] * 255).byte().numpy(), wanted, rng)
        drawings.append(strokes)
        heights.append(height)
    return drawings, labels, np.array(heights)


def extent(drawing: Strokes, axis: int) -> float:
    """The drawing's width (axis 0) or height (axis 1) in px."""
    return float(np.ptp([point[axis] for stroke in drawing for point in stroke]))


def pen_drawings(args: argparse.Namespace) -> tuple[list, torch.Tensor, np.ndarray, list]:
    """Real pen digits replayed as mouse strokes: the strokes, labels, heights and the characters."""
    characters = load_pen_digits(args.pen_data)[: args.limit]
    drawings = replay_as_mouse(characters, CANVAS_SIZE, BRUSH_RADIUS, args.seed)
    heights = np.array([extent(strokes, 1) for strokes in drawings])
    labels = torch.tensor([character["label"] for character in characters])
    return drawings, labels, heights, characters


def accuracy_row(name: str, mask: np.ndarray, right: dict[str, np.ndarray]) -> str:
    cells = " | ".join(f"{right[way][mask].mean():.2%}" if mask.any() else "-" for way in right)
    return f"| {name} | {mask.sum():,} | {cells} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=DEFAULT_MODEL_PATH)
    parser.add_argument("--data-root", default="data", help="MNIST folder; downloaded there if missing")
    parser.add_argument("--digits", choices=["test", "validation", "pen"], default="test",
                        help="the official test set, the notebook's validation images to tune on, "
                             "or real pen digits from --pen-data")
    parser.add_argument("--pen-data", help="pen digits in the UNIPEN sample's format (digits-dev.json.gz)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N digits")
    parser.add_argument("--pen-ratio", type=float, default=PEN_RATIO, help="the redrawn pen's width / ink size")
    parser.add_argument("--as-drawn", action="store_true",
                        help="the app reading only the first of ink.READING_VIEWS, the drawing as drawn")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.digits == "pen" and not args.pen_data:
        parser.error("--digits pen needs --pen-data PATH")

    model = load_model(args.model)
    rng = np.random.default_rng(args.seed)
    if args.digits == "pen":
        drawings, labels, heights, characters = pen_drawings(args)
        source = f"real pen digits from {args.pen_data}, replayed as mouse strokes"
    else:
        drawings, labels, heights = mnist_drawings(args, rng)
        source = f"MNIST {args.digits} digits drawn along their skeletons"
    views, inputs = [], {"canvas": [], "original": []}
    for strokes in drawings:
        canvas = pixels(paint(strokes))
        views.append(model_input(strokes, reading_pen_paths(args.pen_ratio)[: 1 if args.as_drawn else None]))
        inputs["canvas"].append(preprocess(canvas))
        inputs["original"].append(original_input(canvas))

    predicted = {"app": torch.from_numpy(read_views(model, torch.stack(views))[0].argmax(axis=1))}
    predicted |= {name: evaluate(model, torch.cat(x), labels)[2] for name, x in inputs.items()}
    right = {name: (p == labels).numpy() for name, p in predicted.items()}
    print(f"{len(labels):,} {source}, painted with the app's brush (radius {BRUSH_RADIUS} px), "
          f"read by the app with a pen {args.pen_ratio:.0%} of the ink size, "
          + ("as drawn only" if args.as_drawn else f"{len(views[0])} ways (ink.READING_VIEWS)"))
    print("| pen-path height (px) | digits | app (pen path) | canvas (preprocess) | original |")
    print("| --- | ---: | ---: | ---: | ---: |")
    top = DRAWN_HEIGHTS[1]
    bands = [(f"{low}–{min(high, top + 1) - 1}", (heights >= low) & (heights < high)) for low, high in BANDS]
    for name, band in bands + [("all", heights >= 0)]:
        print(accuracy_row(name, band, right))
    if args.digits == "pen":
        wide = np.array([extent(strokes, 0) > extent(strokes, 1) for strokes in drawings])
        report_pen_styles(labels.numpy(), predicted["app"].numpy(), characters, wide)


def report_pen_styles(labels: np.ndarray, predicted: np.ndarray, characters: list[dict], wide: np.ndarray) -> None:
    """The app's accuracy on the pen digits per class, per stroke count, per half of the writers, per
    shape (wider than tall or not, see ink.MOST_SQUEEZE), and per class and stroke count."""
    right = {"app": predicted == labels}
    strokes = np.array([len(character["strokes"]) for character in characters])
    print("\n| digit | digits | app | read as (most often) |")
    print("| --- | ---: | ---: | --- |")
    for digit in range(10):
        mask = labels == digit
        wrong = np.bincount(predicted[mask & ~right["app"]], minlength=10)
        common = ", ".join(f"{d} ({wrong[d]})" for d in wrong.argsort()[::-1][:3] if wrong[d])
        print(accuracy_row(str(digit), mask, right) + f" {common} |")
    print("\n| strokes | digits | app |")
    print("| --- | ---: | ---: |")
    for count, mask in [("1", strokes == 1), ("2", strokes == 2), ("3 or more", strokes >= 3)]:
        print(accuracy_row(count, mask, right))
    # Two halves of the writers, for a choice made on the sample: a real gain shows in both.
    half = np.array([zlib.crc32(character["writer"].encode()) % 2 for character in characters])
    print("\n| writers (halved by a hash of the name) | digits | app |")
    print("| --- | ---: | ---: |")
    for h in (0, 1):
        print(accuracy_row(f"half {h + 1}", half == h, right))
    print("\n| shape | digits | app |")
    print("| --- | ---: | ---: |")
    print(accuracy_row("wider than tall", wide, right))
    print(accuracy_row("as tall as wide or taller", ~wide, right))
    print("\nStyles by stroke count (a two-stroke 0 is mostly a slashed zero, a two-stroke 1 a flag or base")
    print("drawn apart, a two-stroke 7 a crossed or two-part 7, a two-stroke 5 a separate top bar):")
    print("| digit, strokes | digits | app |")
    print("| --- | ---: | ---: |")
    for digit in range(10):
        for count, mask in [("1", strokes == 1), ("2+", strokes >= 2)]:
            if (labels == digit)[mask].sum() >= 10:
                print(accuracy_row(f"{digit}, {count}", (labels == digit) & mask, right))


if __name__ == "__main__":
    main()
