"""How well the shipped model reads digits drawn in the app, at every size and anywhere on the canvas.

    python benchmarks/drawn_digits.py --data-root data

Each official MNIST *test* digit is redrawn the way a person draws it in play.py: its skeleton
(thinned at 4x resolution) is the pen's path, scaled to a random height from 120 to 540 px and put at
a random place where it fits, and traced with the app's round brush (radius 30 px, so the ink is 60 px
taller) on a black 600x600 canvas. Three ways to read the drawing are compared:
  app       what play.py does: the pen path redrawn with a proportional pen (model.render_strokes)
  canvas    the canvas as painted, through model.preprocess (crop, fit to 20 px, centre of mass)
  original  the original app's plain downsampling of the whole canvas to 28x28
Accuracy is reported overall and per size band. This only measures: nothing here trains or tunes
the model. Choices such as the redrawn pen's width were made on `--digits validation`, the 5,000
training images MNIST_TRAIN.ipynb holds out, never on the test digits.
"""

import argparse
import sys
from pathlib import Path

import numpy as np
import pygame
import torch
from PIL import Image
from skimage.morphology import skeletonize

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from model import (  # noqa: E402
    DEFAULT_MODEL_PATH,
    PEN_RATIO,
    Strokes,
    evaluate,
    load_mnist,
    load_model,
    preprocess,
    render_strokes,
)
from play import BRUSH_RADIUS, CANVAS_SIZE, draw_stroke  # noqa: E402

UPSAMPLE = 4
HEIGHTS = (120, 540)
BANDS = [(120, 200), (200, 280), (280, 360), (360, 440), (440, 541)]
VALIDATION_SIZE, SPLIT_SEED = 5000, 0  # MNIST_TRAIN.ipynb's held-out split of the training set
NEIGHBOURS = [(0, 1), (1, -1), (1, 0), (1, 1)]  # each 8-connected pair of skeleton pixels once


def pen_path(digit: np.ndarray) -> np.ndarray:
    """Skeleton pixels (row, col) of a 28x28 uint8 digit, thinned at UPSAMPLE x resolution."""
    size = 28 * UPSAMPLE
    big = np.asarray(Image.fromarray(digit).resize((size, size), Image.Resampling.BILINEAR))
    return np.argwhere(skeletonize(big > 127))


def digit_strokes(digit: np.ndarray, height: int, rng: np.random.Generator) -> tuple[Strokes, int]:
    """The digit's skeleton as pen strokes on the canvas; returns them and the path's actual height.

    Every skeleton pixel is a click and every pair of neighbouring pixels a two-point stroke.
    """
    grid = pen_path(digit)
    grid -= grid.min(axis=0)
    span = np.maximum(grid.max(axis=0), 1)
    room = CANVAS_SIZE - 2 * BRUSH_RADIUS  # the ink must stay on the canvas
    scale = min(height / span[0], room / span[1])  # a wide digit is capped by the canvas width
    offset = [rng.uniform(BRUSH_RADIUS, CANVAS_SIZE - BRUSH_RADIUS - s * scale) for s in span]
    points = [tuple(xy) for xy in (grid * scale + offset)[:, ::-1].tolist()]  # (x, y) as the mouse gives
    index = {(r, c): i for i, (r, c) in enumerate(grid.tolist())}
    strokes = []
    for (r, c), i in index.items():
        strokes.append([points[i]])
        strokes += [[points[i], points[index[r + dr, c + dc]]] for dr, dc in NEIGHBOURS if (r + dr, c + dc) in index]
    return strokes, round(span[0] * scale)


def paint(strokes: Strokes) -> pygame.Surface:
    """The canvas the strokes leave in the app."""
    canvas = pygame.Surface((CANVAS_SIZE, CANVAS_SIZE))
    for stroke in strokes:  # as play.DigitApp paints: a dot at the press, a segment for every move
        for start, end in zip(stroke[:1] + stroke[:-1], stroke, strict=True):
            draw_stroke(canvas, start, end)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=DEFAULT_MODEL_PATH)
    parser.add_argument("--data-root", default="data", help="MNIST folder; downloaded there if missing")
    parser.add_argument("--digits", choices=["test", "validation"], default="test",
                        help="the official test set, or the notebook's validation images to tune on")
    parser.add_argument("--limit", type=int, default=None, help="only the first N digits")
    parser.add_argument("--pen-ratio", type=float, default=PEN_RATIO, help="the redrawn pen's width / ink size")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    model = load_model(args.model)
    images, labels = load_digits(args.data_root, args.digits)
    images, labels = images[: args.limit], labels[: args.limit]
    rng = np.random.default_rng(args.seed)
    inputs = {"app": [], "canvas": [], "original": []}
    heights = []
    for image in images:
        wanted = int(rng.integers(*HEIGHTS, endpoint=True))
        strokes, height = digit_strokes((image[0] * 255).byte().numpy(), wanted, rng)
        canvas = pixels(paint(strokes))
        inputs["app"].append(preprocess(render_strokes(strokes, args.pen_ratio)))  # play.model_input's way
        inputs["canvas"].append(preprocess(canvas))
        inputs["original"].append(original_input(canvas))
        heights.append(height)

    heights = np.array(heights)
    right = {name: (evaluate(model, torch.cat(x), labels)[2] == labels).numpy() for name, x in inputs.items()}
    print(f"{len(labels):,} MNIST {args.digits} digits redrawn with the app's brush (radius {BRUSH_RADIUS} px), "
          f"read by the app with a pen {args.pen_ratio:.0%} of the ink size")
    print("| pen-path height (px) | digits | app (pen path) | canvas (preprocess) | original |")
    print("| --- | ---: | ---: | ---: | ---: |")
    bands = [(f"{low}–{min(high, HEIGHTS[1] + 1) - 1}", (heights >= low) & (heights < high)) for low, high in BANDS]
    for name, band in bands + [("all", heights > 0)]:
        print(f"| {name} | {band.sum():,} | " + " | ".join(f"{right[way][band].mean():.2%}" for way in inputs) + " |")


if __name__ == "__main__":
    main()
