"""How often the app names a digit for something that is not one, and how often it doubts a real digit.

    python benchmarks/not_a_digit.py --doodles ../shared/quickdraw/doodles-dev.json.gz \
        --pen-digits ../shared/unipen/digits-dev.json.gz --pen-nondigits ../shared/unipen/nondigits-dev.json.gz \
        --data-root data

Doodles (Quick, Draw!, the categories not flagged digit-like), pen letters that look like no digit
and real pen digits are each replayed as mouse strokes at a random height from 120 to 540 px and a
random place on the canvas and read the app's way; MNIST test digits are read as stored. The score
is the model's top probability: a drawing is named a digit when it reaches the threshold. Reported
at the app's threshold (`non_digits.NOT_A_DIGIT_BELOW`, through `non_digits.is_digit`) and a few
others, with AUROC (pen digits against doodles), the doodles and letters still named a digit at the
threshold that keeps 99% and 95% of the pen digits, and the curve between the two as a figure.
This only measures; nothing here trains the model.
"""

import argparse
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # a file, not a window
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from scipy.stats import rankdata

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import non_digits  # noqa: E402
from ink import load_pen_digits, replay_as_mouse  # noqa: E402
from model import DEFAULT_MODEL_PATH, load_mnist, load_model, probabilities  # noqa: E402
from play import BRUSH_RADIUS, CANVAS_SIZE  # noqa: E402
from play import read_drawings as read_as_the_app  # noqa: E402

# Letters a person could read as a digit (O as 0, l as 1, S as 5, B as 8, g as 9, ...): left out.
DIGIT_LIKE_LETTERS = set("OoDQlIiJjSsZzBbGgq")
OTHER_THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.9, 0.99)


def top_probabilities(probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each drawing's top probability and the digit it belongs to."""
    return probs.max(1), probs.argmax(1)


def named(top: np.ndarray, threshold: float | None = None) -> np.ndarray:
    """Whether each drawing with these top probabilities is named a digit: by the app's rule
    (`non_digits.is_digit`), or at another threshold."""
    return non_digits.is_digit(top[:, None]) if threshold is None else top >= threshold


def draw_curve(curves: dict[str, tuple[np.ndarray, dict[str, np.ndarray]]], path: Path) -> None:
    """Real pen digits doubted against non-digits named a digit as the threshold moves, for each model
    (its pen digits' and non-digits' top probabilities); dots: the app's threshold."""
    thresholds = np.concatenate([np.linspace(0.1, 0.99, 90), [0.995, 0.999]])
    fig, ax = plt.subplots(figsize=(7, 4.8))
    for (model_name, (pen_top, scores)), style in zip(curves.items(), ("-", "--"), strict=False):
        for (name, s), color in zip(scores.items(), ("C0", "C1"), strict=False):
            ax.plot([(pen_top < t).mean() for t in thresholds], [(s >= t).mean() for t in thresholds], style,
                    color=color, label=f"{name} ({model_name})")
            ax.plot((~named(pen_top)).mean(), named(s).mean(), "o", color=color)
    ax.set(xscale="log", xlabel="real pen digits doubted (not a digit)", ylabel="named a digit",
           title=f"The top probability as the threshold; dots: the app's ({non_digits.NOT_A_DIGIT_BELOW})")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def read_drawings(model: torch.nn.Module, characters: list[dict], seed: int) -> tuple[np.ndarray, np.ndarray]:
    drawings = replay_as_mouse(characters, CANVAS_SIZE, BRUSH_RADIUS, seed=seed)
    return top_probabilities(read_as_the_app(model, drawings))


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
    parser.add_argument("--figure", type=Path, help="draw the curve into this PNG (README's: Assets/not_a_digit.png)")
    parser.add_argument("--before", help="another model (weights file) whose curve the figure shows dashed")
    args = parser.parse_args()

    model = load_model(args.model)
    doodles = [d for d in load_pen_digits(args.doodles) if not d["digit_like"]]
    letters = [c for c in load_pen_digits(args.pen_nondigits)
               if c["category"] in ("1b", "1c") and c["label"] not in DIGIT_LIKE_LETTERS]
    rng = np.random.default_rng(args.seed)
    letters = [letters[i] for i in sorted(rng.choice(len(letters), min(args.letters, len(letters)), replace=False))]
    pen = load_pen_digits(args.pen_digits)
    test_x, test_y = load_mnist(args.data_root, train=False)

    non_digit_sets = {"doodles, not digit-like": doodles, "pen letters, not digit-like": letters}
    scores = {name: read_drawings(model, characters, args.seed)[0] for name, characters in non_digit_sets.items()}
    pen_top, pen_digit = read_drawings(model, pen, args.seed)
    mnist_top, mnist_digit = top_probabilities(probabilities(model, test_x))
    pen_right = pen_digit == np.array([c["label"] for c in pen])
    mnist_right = mnist_digit == test_y.numpy()

    print(f"{len(doodles):,} doodles, {len(letters):,} letters, {len(pen):,} pen digits,"
          f" {len(test_y):,} MNIST test digits")
    print("| threshold | " + " | ".join(f"{name} named a digit" for name in scores)
          + " | pen digits doubted | MNIST test doubted | MNIST test accuracy, digits named |")
    print("| ---: |" + " ---: |" * (len(scores) + 3))
    for threshold in [None, *(t for t in OTHER_THRESHOLDS if t != non_digits.NOT_A_DIGIT_BELOW)]:
        shares = [f"{named(s, threshold).mean():.1%}" for s in scores.values()]
        kept = named(mnist_top, threshold)
        name = f"**{non_digits.NOT_A_DIGIT_BELOW} (the app's)**" if threshold is None else threshold
        print(f"| {name} | " + " | ".join(shares) + f" | {(~named(pen_top, threshold)).mean():.2%}"
              f" | {(~kept).mean():.2%} | {mnist_right[kept].mean():.2%} |")
    for keep in (0.99, 0.95):
        threshold = np.quantile(pen_top, 1 - keep)
        still = ", ".join(f"{name} {(s >= threshold).mean():.1%}" for name, s in scores.items())
        print(f"keeping {keep:.0%} of pen digits (threshold {threshold:.4f}) still names a digit for: {still}")
    for name, s in scores.items():
        print(f"AUROC, pen digits against {name}: {auroc(pen_top, s):.3f}")
    print(f"pen digits read right: {pen_right.mean():.2%}")
    if args.figure:
        curves = {Path(args.model).name: (pen_top, scores)}
        if args.before:
            before = load_model(args.before)
            curves[Path(args.before).name] = (
                read_drawings(before, pen, args.seed)[0],
                {name: read_drawings(before, characters, args.seed)[0] for name, characters in non_digit_sets.items()})
        draw_curve(curves, args.figure)
        print(f"wrote {args.figure}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
