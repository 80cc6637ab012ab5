"""How often the app names a digit for something that is not one, and how often it doubts a real digit.

    python benchmarks/not_a_digit.py --doodles ../shared/quickdraw/doodles-dev.json.gz \
        --pen-digits ../shared/unipen/digits-dev.json.gz --pen-nondigits ../shared/unipen/nondigits-dev.json.gz \
        --data-root data

Doodles (Quick, Draw!, the categories not flagged digit-like), pen letters that look like no digit
and real pen digits are each replayed as mouse strokes at a random height from 120 to 540 px and a
random place on the canvas and read the app's way; MNIST test digits are read as stored. The score
is the model's top probability: a drawing is named a digit when it reaches the threshold. Reported
at a few thresholds, with AUROC (pen digits against doodles), and the doodles and letters still
named a digit at the threshold that keeps 99% and 95% of the pen digits. This only measures;
nothing here trains the model.
"""

import argparse
import sys
from pathlib import Path

import numpy as np
import torch
from scipy.stats import rankdata

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from ink import load_pen_digits, replay_as_mouse  # noqa: E402
from model import DEFAULT_MODEL_PATH, load_mnist, load_model  # noqa: E402
from play import BRUSH_RADIUS, CANVAS_SIZE, model_input  # noqa: E402

# Letters a person could read as a digit (O as 0, l as 1, S as 5, B as 8, g as 9, ...): left out.
DIGIT_LIKE_LETTERS = set("OoDQlIiJjSsZzBbGgq")
THRESHOLDS = (0.5, 0.9, 0.99)


def top_probabilities(model: torch.nn.Module, images: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """Each image's top probability and the digit it belongs to."""
    with torch.no_grad():
        probs = torch.cat([torch.softmax(model(batch), 1) for batch in images.split(1000)])
    top, digit = probs.max(1)
    return top.numpy(), digit.numpy()


def read_drawings(model: torch.nn.Module, characters: list[dict], seed: int) -> tuple[np.ndarray, np.ndarray]:
    drawings = replay_as_mouse(characters, CANVAS_SIZE, BRUSH_RADIUS, seed=seed)
    return top_probabilities(model, torch.cat([model_input(strokes) for strokes in drawings]))


def auroc(positives: np.ndarray, negatives: np.ndarray) -> float:
    """The chance that a random positive scores above a random negative (ties count half)."""
    ranks = rankdata(np.concatenate([positives, negatives]))  # ties get their average rank
    rank_sum = ranks[: len(positives)].sum()
    return (rank_sum - len(positives) * (len(positives) + 1) / 2) / (len(positives) * len(negatives))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--doodles", required=True, help="Quick, Draw! sample (doodles-dev.json.gz)")
    parser.add_argument("--pen-digits", required=True, help="UNIPEN digits (digits-dev.json.gz)")
    parser.add_argument("--pen-nondigits", required=True, help="UNIPEN letters and symbols (nondigits-dev.json.gz)")
    parser.add_argument("--data-root", default="data", help="MNIST folder; downloaded there if missing")
    parser.add_argument("--model", default=DEFAULT_MODEL_PATH)
    parser.add_argument("--letters", type=int, default=5000, help="read this many letters, picked at random")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    model = load_model(args.model)
    doodles = [d for d in load_pen_digits(args.doodles) if not d["digit_like"]]
    letters = [c for c in load_pen_digits(args.pen_nondigits)
               if c["category"] in ("1b", "1c") and c["label"] not in DIGIT_LIKE_LETTERS]
    rng = np.random.default_rng(args.seed)
    letters = [letters[i] for i in sorted(rng.choice(len(letters), min(args.letters, len(letters)), replace=False))]
    pen = load_pen_digits(args.pen_digits)
    test_x, test_y = load_mnist(args.data_root, train=False)

    scores = {
        "doodles, not digit-like": read_drawings(model, doodles, args.seed)[0],
        "pen letters, not digit-like": read_drawings(model, letters, args.seed)[0],
    }
    pen_top, pen_digit = read_drawings(model, pen, args.seed)
    mnist_top, mnist_digit = top_probabilities(model, test_x)
    pen_right = pen_digit == np.array([c["label"] for c in pen])
    mnist_right = mnist_digit == test_y.numpy()

    print(f"{len(doodles):,} doodles, {len(letters):,} letters, {len(pen):,} pen digits,"
          f" {len(test_y):,} MNIST test digits")
    print("| threshold | " + " | ".join(f"{name} named a digit" for name in scores)
          + " | pen digits doubted | MNIST test doubted | MNIST test accuracy, digits named |")
    print("| ---: |" + " ---: |" * (len(scores) + 3))
    for threshold in THRESHOLDS:
        named = [f"{(s >= threshold).mean():.1%}" for s in scores.values()]
        kept = mnist_top >= threshold
        print(f"| {threshold} | " + " | ".join(named) + f" | {(pen_top < threshold).mean():.2%}"
              f" | {(~kept).mean():.2%} | {mnist_right[kept].mean():.2%} |")
    for keep in (0.99, 0.95):
        threshold = np.quantile(pen_top, 1 - keep)
        named = ", ".join(f"{name} {(s >= threshold).mean():.1%}" for name, s in scores.items())
        print(f"keeping {keep:.0%} of pen digits (threshold {threshold:.4f}) still names a digit for: {named}")
    for name, s in scores.items():
        print(f"AUROC, pen digits against {name}: {auroc(pen_top, s):.3f}")
    print(f"pen digits read right: {pen_right.mean():.2%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
