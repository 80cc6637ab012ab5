"""How a live reading in the app costs as a drawing grows long without a clear.

    python benchmarks/long_drawing.py

The real app (headless) is fed a scribble of mouse strokes across the canvas until it holds 1k, 10k
and 100k points; then, while a further stroke goes on, each live reading (6 more mouse points, then
DigitApp.classify: pen path, preparation, forward) is timed. Side by side, the same reading with the
whole pen path redrawn each time, as the app did before it kept the redrawn path (play.model_input
without a PenPath). Medians of --calls readings.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import play  # noqa: E402
from model import DEFAULT_MODEL_PATH, load_model  # noqa: E402

pygame = play.pygame
SIZES = (1_000, 10_000, 100_000)
STROKE_POINTS = 200  # mouse points per stroke of the scribble
POINTS_PER_READING = 6  # the mouse reports about 60 points a second; the app reads 10 times a second


def scribble_point(rng: np.random.Generator, last: tuple[int, int]) -> tuple[int, int]:
    """The next mouse point of a random scribble that stays on the canvas."""
    x, y = (int(min(max(v + rng.integers(-12, 13), 40), play.CANVAS_SIZE - 40)) for v in last)
    return x, y


def grow(app: play.DigitApp, points: int, rng: np.random.Generator) -> None:
    """Draw strokes until the drawing holds `points` mouse points; leaves the last stroke under way."""
    drawn = sum(len(stroke) for stroke in app.strokes)
    last = (300, 300)
    while drawn < points:
        if app.drawing:
            app.handle(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=last, button=1))
        last = (int(rng.integers(40, 560)), int(rng.integers(40, 560)))
        app.handle(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=last, button=1))
        for _ in range(min(STROKE_POINTS, points - drawn) - 1):
            last = scribble_point(rng, last)
            app.handle(pygame.event.Event(pygame.MOUSEMOTION, pos=last, rel=(0, 0), buttons=(1, 0, 0)))
        drawn = sum(len(stroke) for stroke in app.strokes)


def time_readings(app: play.DigitApp, calls: int, rng: np.random.Generator) -> tuple[float, float]:
    """Median ms of a live reading, the app's way and with the whole path redrawn, interleaved."""
    kept, redrawn = [], []
    last = app.strokes[-1][-1]
    for _ in range(calls):
        for _ in range(POINTS_PER_READING):
            last = scribble_point(rng, last)
            app.strokes[-1].append(last)  # as the app's motion handler appends them
        start = time.perf_counter()
        app.classify()
        kept.append(time.perf_counter() - start)
        start = time.perf_counter()
        play.read_drawings(app.model, [app.strokes])
        redrawn.append(time.perf_counter() - start)
    return statistics.median(kept) * 1e3, statistics.median(redrawn) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=DEFAULT_MODEL_PATH)
    parser.add_argument("--calls", type=int, default=50, help="live readings timed at each size")
    args = parser.parse_args()
    pygame.display.init()
    pygame.font.init()
    app = play.DigitApp(load_model(args.model))
    rng = np.random.default_rng(0)
    print("| mouse points drawn | live reading (app) | whole path redrawn |")
    print("| ---: | ---: | ---: |")
    results = {}
    for size in SIZES:
        grow(app, size, rng)
        results[size] = time_readings(app, args.calls, rng)
        print(f"| {size:,} | {results[size][0]:.2f} ms | {results[size][1]:.2f} ms |")
    first, last = results[SIZES[0]], results[SIZES[-1]]
    print(f"{SIZES[-1]:,} vs {SIZES[0]:,} points: app {last[0] / first[0]:.2f}x, whole path redrawn "
          f"{last[1] / first[1]:.1f}x")
    pygame.quit()


if __name__ == "__main__":
    main()
