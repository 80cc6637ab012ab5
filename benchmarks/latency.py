"""Per-stroke latency: from the app's 600x600 canvas to the ten probabilities.

    python benchmarks/latency.py

Three ways, interleaved call by call so that machine noise hits them alike, medians compared:
  forward   the bare model on a ready 1x1x28x28 tensor (the floor)
  ours      what play.py does: read the canvas, model.preprocess, forward, softmax
  original  the original app: save the canvas as a PNG, read it back, resize to 28x28, forward
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pygame
import torch
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from drawn_digits import original_input  # noqa: E402

from model import DEFAULT_MODEL_PATH, load_model, probabilities  # noqa: E402
from play import CANVAS_SIZE, draw_stroke, model_input  # noqa: E402

SEVEN = [(180, 110), (420, 110), (380, 220), (330, 350), (290, 500)]


def drawn_canvas() -> pygame.Surface:
    canvas = pygame.Surface((CANVAS_SIZE, CANVAS_SIZE))
    for start, end in zip(SEVEN, SEVEN[1:], strict=False):
        draw_stroke(canvas, start, end)
    return canvas


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=DEFAULT_MODEL_PATH)
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    model = load_model(args.model)
    canvas = drawn_canvas()
    ready = torch.rand(1, 1, 28, 28)
    png = os.path.join(tempfile.mkdtemp(), "canvas.png")

    @torch.inference_mode()
    def forward():
        return torch.softmax(model(ready), 1)

    def ours():
        return probabilities(model, model_input(canvas))

    @torch.inference_mode()
    def original():
        pygame.image.save(canvas, png)
        x = original_input(np.asarray(Image.open(png).convert("L")))
        return torch.softmax(model(x), 1)

    ways = {"forward": forward, "ours": ours, "original": original}
    times = {name: [] for name in ways}
    for i in range(args.calls + 20):  # the first 20 rounds are warm-up
        for name, way in ways.items():
            start = time.perf_counter()
            way()
            if i >= 20:
                times[name].append(time.perf_counter() - start)
    medians = {name: statistics.median(t) * 1000 for name, t in times.items()}
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, medians of {args.calls} calls each")
    for name, ms in medians.items():
        print(f"  {name:9} {ms:6.2f} ms  ({ms / medians['forward']:.2f}x the bare forward)")
    extra = medians["ours"] / medians["forward"] - 1
    print(f"preprocessing adds {extra:.0%} to the bare forward; the original's pipeline takes "
          f"{medians['original'] / medians['ours']:.1f}x as long as ours")


if __name__ == "__main__":
    main()
