"""Per-stroke latency: from the app's 600x600 canvas to the ten probabilities.

    python benchmarks/latency.py

Four ways, interleaved call by call so that machine noise hits them alike, medians compared:
  forward   the bare model on a ready 1x1x28x28 tensor (the floor); `views` on as many as the app
            reads a drawing (ink.READING_VIEWS), in one batch
  app       what play.py does: redraw the pen path in each view (a 7 as the mouse reports it, a point
            every 4 px), model.preprocess, forward, softmax, the views' probabilities averaged; through
            personalize.Remembering, as the app reads (nothing taught)
  predict   model.predict on the painted 600x600 canvas: crop, fit, centre, forward, softmax
  original  the original app: save the canvas as a PNG, read it back, resize to 28x28, forward
  digit     play.read_digits on the same 7: segmentation, then the app's way, as the app reads now
  number    play.read_digits on six 7s written 80 px tall side by side: six inputs, one batch
  live      a reading while the 7 is drawn, a point more each time, with the app's kept pen paths
            and readings; `live six` the same while the sixth 7 of the number is drawn
It also times the app's input preparation alone, back to back: run right after a forward, which
streams the 26 MB of fc1 weights through the CPU caches, the same code takes about twice as long.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pygame
import torch
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from drawn_digits import original_input, paint, pixels  # noqa: E402

from ink import READING_VIEWS  # noqa: E402
from model import DEFAULT_MODEL_PATH, load_model, predict  # noqa: E402
from personalize import Remembering  # noqa: E402
from play import model_input, read_digits, read_drawings  # noqa: E402

SEVEN = [(180, 110), (420, 110), (380, 220), (330, 350), (290, 500)]
MOUSE_STEP = 4  # px between motion events of a steady hand at 60 Hz
NUMBER_DIGITS, NUMBER_HEIGHT, NUMBER_PITCH = 6, 80, 90  # six 7s, 80 px tall, a 7 every 90 px


def mouse_path(corners: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The points the mouse reports when it is dragged through `corners`."""
    path = [corners[0]]
    for (x0, y0), (x1, y1) in zip(corners, corners[1:], strict=False):
        steps = max(1, round(max(abs(x1 - x0), abs(y1 - y0)) / MOUSE_STEP))
        path += [(round(x0 + (x1 - x0) * t / steps), round(y0 + (y1 - y0) * t / steps)) for t in range(1, steps + 1)]
    return path


def drawing(model: torch.nn.Module, before: list, path: list) -> Callable[[], list]:
    """A live reading as the app makes one while `path` is drawn after the strokes `before`: each call
    adds a point (and starts the stroke over when it is done)."""
    strokes, pen_paths, memo = [*before, path[:1]], {}, {}

    def read_one_more_point() -> list:
        if len(strokes[-1]) == len(path):
            strokes[-1] = path[:1]
        strokes[-1].append(path[len(strokes[-1])])
        return read_digits(model, strokes, pen_paths, memo)

    return read_one_more_point


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=DEFAULT_MODEL_PATH)
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    model = load_model(args.model)
    app_model = Remembering(model)  # the app reads through it
    strokes = [mouse_path(SEVEN)]
    canvas = paint(strokes)
    image = pixels(canvas)
    scale = NUMBER_HEIGHT / (max(y for _, y in SEVEN) - min(y for _, y in SEVEN))
    number = [mouse_path([(round(20 + k * NUMBER_PITCH + (x - 180) * scale), round(200 + (y - 110) * scale))
                          for x, y in SEVEN]) for k in range(NUMBER_DIGITS)]
    ready, ready_views = torch.rand(1, 1, 28, 28), torch.rand(len(READING_VIEWS), 1, 28, 28)
    png = os.path.join(tempfile.mkdtemp(), "canvas.png")

    @torch.inference_mode()
    def forward():
        return torch.softmax(model(ready), 1)

    @torch.inference_mode()
    def views():
        return torch.softmax(model(ready_views), 1)

    def app():
        return read_drawings(app_model, [strokes])[0][0]

    def canvas_predict():
        return predict(model, image)

    @torch.inference_mode()
    def original():
        pygame.image.save(canvas, png)
        x = original_input(np.asarray(Image.open(png).convert("L")))
        return torch.softmax(model(x), 1)

    def digit():
        return read_digits(app_model, strokes)

    def six_digits():
        return read_digits(app_model, number)

    ways = {"forward": forward, "views": views, "app": app, "predict": canvas_predict, "original": original,
            "digit": digit, "number": six_digits, "live": drawing(app_model, [], strokes[0]),
            "live six": drawing(app_model, number[:-1], number[-1])}
    times = {name: [] for name in ways}
    for i in range(args.calls + 20):  # the first 20 rounds are warm-up
        for name, way in ways.items():
            start = time.perf_counter()
            way()
            if i >= 20:
                times[name].append(time.perf_counter() - start)
    medians = {name: statistics.median(t) * 1000 for name, t in times.items()}
    alone = []
    for _ in range(args.calls):
        start = time.perf_counter()
        model_input(strokes)
        alone.append(time.perf_counter() - start)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, medians of {args.calls} calls each, "
          f"a 7 of {len(strokes[0])} mouse points")
    for name, ms in medians.items():
        print(f"  {name:9} {ms:6.2f} ms  ({ms / medians['forward']:.2f}x the bare forward)")
    print(f"app: preparing the input adds {medians['app'] / medians['views'] - 1:.0%} to the bare forward of its"
          f" {len(READING_VIEWS)} views")
    print(f"predict: preparing the input adds {medians['predict'] / medians['forward'] - 1:.0%} to the bare forward")
    print(f"the app's input preparation alone, back to back: {statistics.median(alone) * 1000:.2f} ms")
    print(f"the original's pipeline takes {medians['original'] / medians['app']:.1f}x as long as the app's")
    print(f"reading a {NUMBER_DIGITS}-digit number takes {medians['number'] / medians['digit']:.2f}x as long as one"
          f" digit from scratch, {medians['live six'] / medians['live']:.2f}x live while its last digit is drawn")


if __name__ == "__main__":
    main()
