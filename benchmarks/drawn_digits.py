"""How well the shipped model reads digits drawn in the app, at every size and anywhere on the canvas.

    python benchmarks/drawn_digits.py --data-root data

Each official MNIST *test* digit is redrawn the way a person draws it in play.py: its skeleton
(thinned at 4x resolution) is traced with the app's round brush (radius 30 px) on a black 600x600
canvas, at a random pen-path height from 120 to 540 px (the ink is 60 px more) and a random place
where it fits. The drawing then goes through our preprocessing (model.preprocess) and through the
original app's plain downsampling of the whole canvas to 28x28. Accuracy is reported overall and per
size band. This only measures: nothing here trains or tunes the model.
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
from model import DEFAULT_MODEL_PATH, evaluate, load_mnist, load_model, preprocess  # noqa: E402
from play import BRUSH_RADIUS, CANVAS_SIZE, draw_stroke  # noqa: E402

UPSAMPLE = 4
HEIGHTS = (120, 540)
BANDS = [(120, 200), (200, 280), (280, 360), (360, 440), (440, 541)]
NEIGHBOURS = [(0, 1), (1, -1), (1, 0), (1, 1)]  # each 8-connected pair of skeleton pixels once


def pen_path(digit: np.ndarray) -> np.ndarray:
    """Skeleton pixels (row, col) of a 28x28 uint8 digit, thinned at UPSAMPLE x resolution."""
    size = 28 * UPSAMPLE
    big = np.asarray(Image.fromarray(digit).resize((size, size), Image.Resampling.BILINEAR))
    return np.argwhere(skeletonize(big > 127))


def draw_digit(digit: np.ndarray, height: int, rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """The digit drawn with the app's brush; returns the canvas and the pen path's actual height."""
    grid = pen_path(digit)
    grid -= grid.min(axis=0)
    span = np.maximum(grid.max(axis=0), 1)
    room = CANVAS_SIZE - 2 * BRUSH_RADIUS  # the ink must stay on the canvas
    scale = min(height / span[0], room / span[1])  # a wide digit is capped by the canvas width
    offset = [rng.uniform(BRUSH_RADIUS, CANVAS_SIZE - BRUSH_RADIUS - s * scale) for s in span]
    points = grid * scale + offset

    canvas = pygame.Surface((CANVAS_SIZE, CANVAS_SIZE))
    index = {(r, c): i for i, (r, c) in enumerate(grid.tolist())}
    for (r, c), i in index.items():
        here = points[i][::-1]  # pygame wants (x, y)
        draw_stroke(canvas, here, here)
        for dr, dc in NEIGHBOURS:
            j = index.get((r + dr, c + dc))
            if j is not None:
                draw_stroke(canvas, here, points[j][::-1])
    return pygame.surfarray.array_red(canvas).T.copy(), round(span[0] * scale)


def original_input(canvas: np.ndarray) -> torch.Tensor:
    """The original app's preparation: the whole canvas resized to 28x28 as it is."""
    small = Image.fromarray(canvas).resize((28, 28))
    return torch.from_numpy(np.asarray(small, dtype=np.float32) / 255)[None, None]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=DEFAULT_MODEL_PATH)
    parser.add_argument("--data-root", default="data", help="MNIST folder; downloaded there if missing")
    parser.add_argument("--limit", type=int, default=None, help="only the first N test digits")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    model = load_model(args.model)
    images, labels = load_mnist(args.data_root, train=False)
    images, labels = images[: args.limit], labels[: args.limit]
    rng = np.random.default_rng(args.seed)
    ours, original, heights = [], [], []
    for image in images:
        canvas, height = draw_digit((image[0] * 255).byte().numpy(), int(rng.integers(*HEIGHTS, endpoint=True)), rng)
        ours.append(preprocess(canvas))
        original.append(original_input(canvas))
        heights.append(height)

    heights = np.array(heights)
    right = {name: (evaluate(model, torch.cat(x), labels)[2] == labels).numpy()
             for name, x in [("ours", ours), ("original", original)]}
    print(f"{len(labels):,} MNIST test digits redrawn with the app's brush (radius {BRUSH_RADIUS} px)")
    print("| pen-path height (px) | digits | ours | original |")
    print("| --- | ---: | ---: | ---: |")
    for low, high in BANDS:
        band = (heights >= low) & (heights < high)
        print(f"| {low}–{min(high, HEIGHTS[1] + 1) - 1} | {band.sum():,} | {right['ours'][band].mean():.2%} "
              f"| {right['original'][band].mean():.2%} |")
    print(f"| all | {len(labels):,} | {right['ours'].mean():.2%} | {right['original'].mean():.2%} |")


if __name__ == "__main__":
    main()
