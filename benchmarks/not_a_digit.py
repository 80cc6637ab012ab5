"""How often the app names a digit for something that is not one, and how often it doubts a real digit.

    python benchmarks/not_a_digit.py --doodles ../shared/quickdraw/doodles-dev.json.gz \
        --pen-digits ../shared/unipen/digits-dev.json.gz --pen-nondigits ../shared/unipen/nondigits-dev.json.gz \
        --data-root data

Doodles (Quick, Draw!, the categories not flagged digit-like), pen letters that look like no digit
and real pen digits are each replayed as mouse strokes at a random height from 120 to 540 px and a
random place on the canvas and read the app's way; MNIST test digits are read as stored. The score
is the app's (`non_digits.digit_score`): the model's top probability, or 0 for a drawing written in
more parts than the digit it reads (`non_digits.MOST_PARTS`), wider than that digit
(`non_digits.WIDEST`), with more sharp corners than that digit (`non_digits.MOST_CORNERS`), winding
round its middle more than `non_digits.MOST_TURNS` times, a 0 with a second part outside its loop or
too short to be its slash (`non_digits.LEAST_INSIDE_A_0`, `non_digits.LEAST_SLASH`) or a loop no
oval (`non_digits.LEAST_0_FILL`), a 6, 8 or 9 whose loop is open or does not go round
(`non_digits.MOST_LOOP_GAP`, `non_digits.LEAST_LOOP_ROUNDNESS`), with a second part taller than that
digit's (`non_digits.MOST_SECOND_HEIGHT`), going up and down more than that digit does
(`non_digits.MOST_TRAVEL`), or less like that digit than `non_digits.LEAST_LIKENESS`; a drawing is
named a digit when it reaches the threshold. Reported at the app's threshold
(`non_digits.NOT_A_DIGIT_BELOW`) and a few others, with AUROC (pen digits against doodles), the
doodles and letters still named a digit at the threshold that keeps 99% and 95% of the pen digits,
and the curve between the two as a figure; and, to compare, the top probability alone, without the
pen path. Each drawing is read as one digit there; last, the whole canvas is read as the app reads
it, split into digits first (a doodle can come out as a number): for how many the app shows a number
(one digit, or several most of which are digits). This only measures; nothing here trains the model.
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
from model import DEFAULT_MODEL_PATH, NUM_CLASSES, load_mnist, load_model, read_images  # noqa: E402
from play import BRUSH_RADIUS, CANVAS_SIZE, read_digits  # noqa: E402
from play import read_drawings as read_as_the_app  # noqa: E402

# Letters a person could read as a digit (O as 0, l as 1, S as 5, B as 8, g as 9, ...): left out.
DIGIT_LIKE_LETTERS = set("OoDQlIiJjSsZzBbGgq")
OTHER_THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.9, 0.99)
# The rules' flags: each tries another value of a non_digits constant, and says which value switches
# the rule off.
RULES = {
    "MOST_PARTS": (int, "at most this many parts for every digit", "99: without the rule"),
    "WIDEST": (float, "this widest for every digit", "2.5: one for all, the rule before"),
    "MOST_CORNERS": (int, "at most this many sharp corners for every digit", "1000: without the rule"),
    "MOST_TURNS": (float, "at most this many turns round the middle", "1000: without the rule"),
    "LEAST_INSIDE_A_0": (float, "this least share of a 0's second part inside its loop", "0: without the rule"),
    "LEAST_SLASH": (float, "this least size of a 0's second part over its loop's", "0: without the rule"),
    "LEAST_0_FILL": (float, "this least share of its box a 0's loop fills", "0: without the rule"),
    "MOST_LOOP_GAP": (float, "this most open loop of a 6, 8 or 9", "1: without the rule"),
    "LEAST_LOOP_ROUNDNESS": (float, "this least roundness of a loop", "0: any stroke that comes back to itself"),
    "MOST_SECOND_HEIGHT": (float, "this tallest second part for every digit", "2: without the rule"),
    "MOST_TRAVEL": (float, "this most up and down over the height for every digit", "1000: without the rule"),
    "LEAST_LIKENESS": (float, "this least likeness", "-1: without the rule"),
    "NOT_A_NUMBER_SHARE": (float, "this share of parts not digits that makes a canvas no number",
                           "1: only when none is"),
}


def named(score: np.ndarray, threshold: float | None = None) -> np.ndarray:
    """Whether each drawing with these scores is named a digit: at the app's threshold
    (`non_digits.NOT_A_DIGIT_BELOW`), or at another."""
    return score >= (non_digits.NOT_A_DIGIT_BELOW if threshold is None else threshold)


def draw_curve(curves: dict[str, tuple[np.ndarray, dict[str, np.ndarray]]], path: Path) -> None:
    """Real pen digits doubted against non-digits named a digit as the threshold moves, for each way of
    scoring (its pen digits' and non-digits' scores); dots: the app's threshold."""
    thresholds = np.concatenate([np.linspace(0.1, 0.99, 90), [0.995, 0.999]])
    fig, ax = plt.subplots(figsize=(7, 4.8))
    for (way, (pen_score, scores)), style in zip(curves.items(), ("-", "--", ":"), strict=False):
        for (name, s), color in zip(scores.items(), ("C0", "C1"), strict=False):
            ax.plot([(pen_score < t).mean() for t in thresholds], [(s >= t).mean() for t in thresholds], style,
                    color=color, label=f"{name} ({way})")
            ax.plot((~named(pen_score)).mean(), named(s).mean(), "o", color=color)
    ax.set(xscale="log", xlabel="real pen digits doubted (not a digit)", ylabel="named a digit",
           title=f"The score as the threshold; dots: the app's ({non_digits.NOT_A_DIGIT_BELOW})")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def read_drawings(model: torch.nn.Module, characters: list[dict],
                  seed: int) -> tuple[np.ndarray, list[non_digits.Drawn], np.ndarray]:
    """Each drawing replayed and read the app's way: its 10 probabilities, how it was drawn, and its 10
    likenesses."""
    drawings = replay_as_mouse(characters, CANVAS_SIZE, BRUSH_RADIUS, seed=seed)
    probs, likeness = read_as_the_app(model, drawings)
    return probs, [non_digits.how_drawn(d) for d in drawings], likeness


def shows_a_number(model: torch.nn.Module, characters: list[dict], seed: int) -> np.ndarray:
    """Whether the app, reading the whole canvas as it does (split into digits first, play.read_digits),
    shows a number for each drawing, replayed (non_digits.is_number: most of its parts are digits)."""
    drawings = replay_as_mouse(characters, CANVAS_SIZE, BRUSH_RADIUS, seed=seed)
    return np.array([non_digits.is_number([reading.digit for reading in read_digits(model, d)]) for d in drawings])


def auroc(positives: np.ndarray, negatives: np.ndarray) -> float:
    """The chance that a random positive scores above a random negative (ties count half)."""
    ranks = rankdata(np.concatenate([positives, negatives]))  # ties get their average rank
    rank_sum = ranks[: len(positives)].sum()
    return (rank_sum - len(positives) * (len(positives) + 1) / 2) / (len(positives) * len(negatives))


def report(scores: dict[str, np.ndarray], pen_score: np.ndarray, mnist_score: np.ndarray,
           mnist_right: np.ndarray) -> None:
    """The table of non-digits named a digit and digits doubted at each threshold, what keeping 99% and
    95% of the pen digits leaves named, and AUROC."""
    print("| threshold | " + " | ".join(f"{name} named a digit" for name in scores)
          + " | pen digits doubted | MNIST test doubted | MNIST test accuracy, digits named |")
    print("| ---: |" + " ---: |" * (len(scores) + 3))
    for threshold in [None, *(t for t in OTHER_THRESHOLDS if t != non_digits.NOT_A_DIGIT_BELOW)]:
        shares = [f"{named(s, threshold).mean():.1%}" for s in scores.values()]
        kept = named(mnist_score, threshold)
        name = f"**{non_digits.NOT_A_DIGIT_BELOW} (the app's)**" if threshold is None else threshold
        print(f"| {name} | " + " | ".join(shares) + f" | {(~named(pen_score, threshold)).mean():.2%}"
              f" | {(~kept).mean():.2%} | {mnist_right[kept].mean():.2%} |")
    for keep in (0.99, 0.95):
        threshold = np.quantile(pen_score, 1 - keep)
        still = ", ".join(f"{name} {(s >= threshold).mean():.1%}" for name, s in scores.items())
        print(f"keeping {keep:.0%} of pen digits (threshold {threshold:.4f}) still names a digit for: {still}")
    for name, s in scores.items():
        print(f"AUROC, pen digits against {name}: {auroc(pen_score, s):.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--doodles", required=True, help="Quick, Draw! sample (doodles-dev.json.gz)")
    parser.add_argument("--pen-digits", required=True, help="UNIPEN digits (digits-dev.json.gz)")
    parser.add_argument("--pen-nondigits", required=True, help="UNIPEN letters and symbols (nondigits-dev.json.gz)")
    parser.add_argument("--data-root", default="data", help="MNIST folder; downloaded there if missing")
    parser.add_argument("--model", default=DEFAULT_MODEL_PATH)
    parser.add_argument("--letters", type=int, default=5000, help="read this many letters, picked at random")
    parser.add_argument("--seed", type=int, default=0)
    for name, (kind, value, off) in RULES.items():
        parser.add_argument("--" + name.lower().replace("_", "-"), type=kind,
                            help=f"try {value} (the app: non_digits.{name}; {off})")
    parser.add_argument("--figure", type=Path, help="draw the curve into this PNG (README's: Assets/not_a_digit.png)")
    parser.add_argument("--before", help="another model (weights file) whose curve the figure shows dotted")
    args = parser.parse_args()
    for name in RULES:
        value = getattr(args, name.lower())
        if value is not None:  # one value for every digit where the app has one for each
            setattr(non_digits, name, (value,) * NUM_CLASSES if isinstance(getattr(non_digits, name), tuple) else value)

    model = load_model(args.model)
    doodles = [d for d in load_pen_digits(args.doodles) if not d["digit_like"]]
    letters = [c for c in load_pen_digits(args.pen_nondigits)
               if c["category"] in ("1b", "1c") and c["label"] not in DIGIT_LIKE_LETTERS]
    rng = np.random.default_rng(args.seed)
    letters = [letters[i] for i in sorted(rng.choice(len(letters), min(args.letters, len(letters)), replace=False))]
    pen = load_pen_digits(args.pen_digits)
    test_x, test_y = load_mnist(args.data_root, train=False)

    non_digit_sets = {"doodles, not digit-like": doodles, "pen letters, not digit-like": letters}
    read = {name: read_drawings(model, characters, args.seed) for name, characters in non_digit_sets.items()}
    pen_probs, pen_drawn, pen_likeness = read_drawings(model, pen, args.seed)
    mnist_probs, mnist_likeness = read_images(model, test_x)
    print(f"{len(doodles):,} doodles, {len(letters):,} letters, {len(pen):,} pen digits,"
          f" {len(test_y):,} MNIST test digits; pen digits read right:"
          f" {(pen_probs.argmax(1) == np.array([c['label'] for c in pen])).mean():.2%}")
    pen_score = non_digits.digit_score(pen_probs, pen_drawn, pen_likeness)
    scores = {name: non_digits.digit_score(*reading) for name, reading in read.items()}
    alone = {name: probs.max(1) for name, (probs, *_) in read.items()}
    mnist_right = mnist_probs.argmax(1) == test_y.numpy()
    report(scores, pen_score, non_digits.digit_score(mnist_probs, likeness=mnist_likeness), mnist_right)
    print("\nThe top probability alone, without the pen path (the rule before non_digits.how_drawn):")
    report(alone, pen_probs.max(1), mnist_probs.max(1), mnist_right)
    shown = ", ".join(f"{name} {shows_a_number(model, characters, args.seed).mean():.1%}"
                      for name, characters in non_digit_sets.items())
    print(f"\nThe canvas read as the app reads it (split into digits first), at the app's threshold: a number"
          f" shown for {shown}; none shown for {(~shows_a_number(model, pen, args.seed)).mean():.2%}"
          f" of the pen digits")
    if args.figure:
        curves = {f"{Path(args.model).name}, the app's rules": (pen_score, scores),
                  "top probability alone": (pen_probs.max(1), alone)}
        if args.before:
            before = load_model(args.before)
            curves[f"{Path(args.before).name}, the app's rules"] = (
                non_digits.digit_score(*read_drawings(before, pen, args.seed)),
                {name: non_digits.digit_score(*read_drawings(before, characters, args.seed))
                 for name, characters in non_digit_sets.items()})
        draw_curve(curves, args.figure)
        print(f"wrote {args.figure}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
