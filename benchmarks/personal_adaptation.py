"""How much learning a writer's digits helps that writer, and what it costs everyone else.

    python benchmarks/personal_adaptation.py --pen-data ../shared/unipen/digits-dev.json.gz --data-root data

Each writer in the pen sample is a simulated user. Their digits are replayed as mouse strokes on the
app's canvas (as benchmarks/drawn_digits.py does) and k = 1, 3 and 5 of each digit they wrote become
the digits they taught the app (a digit written fewer than k + 1 times gives all but one); the rest,
the same for every k, are read before and after the app learns the taught ones, both ways it does:
remembered (personalize.Remembering: what the app does at once when a digit is taught) and
fine-tuned (personalize.py). Reported for every writer with at least MIN_HELD_OUT digits held back,
and for the WORST writers the shipped model reads worst: accuracy before and after, the errors
left, writers made worse by more than a point, MNIST test accuracy after learning (forgetting) and
the time one fine-tuning takes. Each writer's fine-tuned model is the one
personalize.py would make from the same samples: the same pool of warped MNIST digits, the same
random numbers (personalize.seeded), whichever writers came before.

With --ceiling it learns nothing and measures how far learning from the taught digits could go: it
counts the drawings the shipped model misreads whose most alike taught digit (in fc1 features, as
personalize.Remembering compares them) is their own, the ones a rule that follows what was taught
would put right, and prints, per k, the errors cut if all of those were and nothing else changed.
"""

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from ink import load_pen_digits, replay_as_mouse  # noqa: E402
from model import DEFAULT_MODEL_PATH, load_mnist, load_model  # noqa: E402
from personalize import (  # noqa: E402
    ANCHOR,
    MNIST_DIGITS,
    YOURS_PER_BATCH,
    Remembering,
    adapt,
    conv_features,
    mnist_examples,
    your_examples,
)
from play import BRUSH_RADIUS, CANVAS_SIZE, model_input  # noqa: E402

MIN_HELD_OUT = 10
WORST = 20
FORGETTING_K = 3  # MNIST test accuracy is measured after adapting with this many samples per digit
WAYS = ("remembered", "fine-tuned")  # the app at once (personalize.Remembering), and after personalize.py


def split_writer(labels: list[int], k_most: int, rng: np.random.Generator) -> tuple[dict[int, list[int]], list[int]]:
    """Per k, the indices of the taught digits (the first k of each digit's shuffled indices) and the held-out rest."""
    by_digit = defaultdict(list)
    for i in rng.permutation(len(labels)):
        by_digit[labels[i]].append(int(i))
    taught_order = {d: idx[: min(k_most, len(idx) - 1)] for d, idx in by_digit.items()}
    held_out = sorted(i for d, idx in by_digit.items() for i in idx[len(taught_order[d]):])
    return taught_order, held_out


def readings(model, features: torch.Tensor) -> torch.Tensor:
    """The digit `model` reads for each drawing from the (N, V, D) conv features of its V views, the
    probabilities averaged over the views as the app averages them (ink.READING_VIEWS)."""
    with torch.no_grad():
        logits = torch.cat([model.classify(f) for f in features.flatten(0, 1).split(2000)])
    return logits.softmax(1).view(*features.shape[:2], -1).mean(1).argmax(1)


def accuracy(model, features: torch.Tensor, labels: torch.Tensor) -> float:
    """How many drawings `model` reads right from the (N, V, D) conv features of their V views."""
    return (readings(model, features) == labels).float().mean().item()


def most_alike(remembering: Remembering, features: torch.Tensor) -> torch.Tensor:
    """For each drawing, from the (N, V, D) conv features of its views, the taught digit most like it:
    the one whose nearest taught view is most alike, averaged over the drawing's views."""
    with torch.no_grad():
        embedded = remembering.network.dense_features(features.flatten(0, 1))
    return remembering.alike(embedded).view(*features.shape[:2], -1).mean(1).argmax(1)


def ceiling(rows: list[dict], ks: list[int], model, features: torch.Tensor, labels: torch.Tensor,
            views: torch.Tensor) -> None:
    """Per k, the errors of the WORST writers that learning from their taught digits could put right at
    most (see the module's docstring), and the mean cut if all of them were."""
    worst = sorted(rows, key=lambda r: r["before"])[:WORST]
    misread = [(row, readings(model, features[row["held"]]) != labels[row["held"]]) for row in worst]
    misread = [(row, wrong) for row, wrong in misread if wrong.any()]
    errors = sum(int(wrong.sum()) for _, wrong in misread)
    for k in ks:
        fixable = []
        for row, wrong in misread:
            remembering = Remembering(model)
            taught = [row["indices"][i] for idx in row["taught_order"].values() for i in idx[:k]]
            remembering.remember(views[taught], labels[taught])
            own = most_alike(remembering, features[row["held"]]) == labels[row["held"]]
            fixable.append(int((wrong & own).sum()))
        cut = statistics.mean(fixed / int(wrong.sum()) for fixed, (_, wrong) in zip(fixable, misread, strict=True))
        print(f"k={k}: of the worst {len(worst)} writers' {errors} errors, {sum(fixable)} are drawings whose most"
              f" alike taught digit is their own; putting right all of those and nothing else leaves"
              f" {errors - sum(fixable)}, errors cut {cut:.0%} on average over the {len(misread)} writers misread")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pen-data", required=True, help="pen digits in the UNIPEN sample's format")
    parser.add_argument("--data-root", default="data", help="MNIST folder; downloaded there if missing")
    parser.add_argument("--model", default=DEFAULT_MODEL_PATH)
    parser.add_argument("--k", type=int, nargs="+", default=[1, 3, 5])
    parser.add_argument("--only-worst", action="store_true", help=f"only the {WORST} writers read worst (quicker)")
    parser.add_argument("--anchor", type=float, default=ANCHOR, help="personalize.ANCHOR to try")
    parser.add_argument("--mnist-digits", type=int, default=MNIST_DIGITS, help="personalize.MNIST_DIGITS to try")
    parser.add_argument("--yours-per-batch", type=int, default=YOURS_PER_BATCH,
                        help="personalize.YOURS_PER_BATCH to try")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--ceiling", action="store_true",
                        help="learn nothing: how many errors learning from the taught digits could put right at most")
    args = parser.parse_args()

    model = load_model(args.model)
    characters = load_pen_digits(args.pen_data)
    drawings = replay_as_mouse(characters, CANVAS_SIZE, BRUSH_RADIUS, seed=args.seed)
    views = torch.stack([model_input(strokes) for strokes in drawings])
    features = conv_features(model, views.flatten(0, 1)).view(*views.shape[:2], -1)
    labels = torch.tensor([c["label"] for c in characters])
    writers = defaultdict(list)
    for i, character in enumerate(characters):
        writers[character["writer"]].append(i)
    rng = np.random.default_rng(args.seed)
    rows = []
    for writer, indices in sorted(writers.items()):
        taught_order, held_out = split_writer(labels[indices].tolist(), max(args.k), rng)
        if len(held_out) >= MIN_HELD_OUT and any(taught_order.values()):
            held = torch.tensor(indices)[held_out]
            rows.append({"writer": writer, "indices": indices, "taught_order": taught_order, "held": held,
                         "held_out": len(held), "before": accuracy(model, features[held], labels[held])})
    if args.ceiling:
        ceiling(rows, args.k, model, features, labels, views)
        return 0
    if args.only_worst:
        rows = sorted(rows, key=lambda r: r["before"])[:WORST]
    train_x, _ = load_mnist(args.data_root, train=True)
    mnist = mnist_examples(model, train_x, args.mnist_digits, seed=args.seed)
    test_x, test_y = load_mnist(args.data_root, train=False)
    test_features = conv_features(model, test_x)[:, None]  # a picture has one view
    print(f"shipped model: MNIST test {accuracy(model, test_features, test_y):.2%}")
    results, seconds = [], []
    for row in rows:
        writer, indices, taught_order, held = row["writer"], row["indices"], row["taught_order"], row["held"]
        for k in args.k:
            taught = [indices[i] for idx in taught_order.values() for i in idx[:k]]
            remembering = Remembering(model)
            remembering.remember(views[taught], labels[taught])
            samples = [{"strokes": drawings[i], "label": int(labels[i])} for i in taught]
            started = time.perf_counter()
            yours = your_examples(model, samples, seed=args.seed)
            personal = adapt(model, yours, mnist, anchor=args.anchor, yours_per_batch=args.yours_per_batch,
                             seed=args.seed)
            seconds.append(time.perf_counter() - started)
            for way, adapted in zip(WAYS, (remembering, personal), strict=True):
                row[way, k] = accuracy(adapted, features[held], labels[held])
                if k == FORGETTING_K:
                    row[way, "mnist"] = accuracy(adapted, test_features, test_y)
        results.append(row)
        print(f"  {writer:>24}  {len(held):4d} held out  {row['before']:.1%} -> "
              + "  ".join(f"{way} k={k}: {row[way, k]:.1%}" for way in WAYS for k in args.k)
              + "".join(f"  MNIST {way} {row[way, 'mnist']:.2%}" for way in WAYS if (way, "mnist") in row),
              flush=True)

    report(results, args.k, seconds)
    return 0


def report(results: list[dict], ks: list[int], seconds: list[float]) -> None:
    worst = sorted(results, key=lambda r: r["before"])[:WORST]
    print(f"\n{len(results)} writers, {sum(r['held_out'] for r in results):,} held-out digits;"
          f" one fine-tuning takes {statistics.median(seconds):.1f} s (median) on this machine")
    print("| writers | how | k | accuracy before | after | errors before | after | errors cut | worse by >1 pt |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, group in [("all", results), (f"worst {len(worst)}", worst)]:
        held = sum(r["held_out"] for r in group)
        errors_before = sum((1 - r["before"]) * r["held_out"] for r in group)
        for way in WAYS:
            for k in ks:
                errors_after = sum((1 - r[way, k]) * r["held_out"] for r in group)
                cut = statistics.mean(1 - (1 - r[way, k]) / (1 - r["before"]) for r in group if r["before"] < 1)
                worse = sum(r[way, k] < r["before"] - 0.01 for r in group)
                print(f"| {name} | {way} | {k} | {1 - errors_before / held:.2%} | {1 - errors_after / held:.2%} "
                      f"| {errors_before:.0f} | {errors_after:.0f} | {cut:.0%} on average | {worse} |")
    for way in WAYS:
        if (way, "mnist") in results[0]:
            mnist = [r[way, "mnist"] for r in results]
            print(f"MNIST test after {way} with k={FORGETTING_K}: median {statistics.median(mnist):.2%},"
                  f" lowest {min(mnist):.2%}")


if __name__ == "__main__":
    sys.exit(main())
