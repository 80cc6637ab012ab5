"""How well the app reads whole numbers written on its canvas: segmentation, then each digit.

    python benchmarks/written_numbers.py --pen-data ../shared/unipen/digits-dev.json.gz --data-root data

Numbers of 1 to 6 digits are composed the way a person writes one across the 600x600 canvas: the
digits of one writer (real pen digits of the UNIPEN sample) or MNIST test digits drawn along their
skeletons, each 80-300 px tall (smaller when a long number must fit), on a wobbling baseline, all
slanted alike, with gaps between neighbours that are either clear (the digits do not touch) or
slight overlaps (a neighbour reaches up to a tenth of the height into the next one's extent).
Each number is replayed as mouse strokes in writing order and read the app's way: split into digits
(`segmentation.split_digits`), each digit prepared as a single digit is (`play.model_input`), all
read in one batch. Reported per source and gap: segmentation right (the right number of digits, each
with exactly its own strokes), whole numbers read right (the number read is the number written, as
the user sees it; a tick of the pen given to the wrong digit matters only if it changes a digit's
reading), of those segmented right too, what single-digit accuracy predicts for whole numbers (every
digit of the number read right when read alone, its own strokes only), and the digits
read right in the numbers segmented right, next to all the digits read right alone, and how the
others went wrong (two digits merged, one split, or strokes given to the wrong digit). A digit the
app takes for something else (`non_digits.read`: not a digit) counts as read wrong. Last, each
real pen digit is written alone, as `drawn_digits.py --digits pen` writes it: how many the app splits.
"""

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import non_digits  # noqa: E402
from ink import Strokes, as_mouse_points, load_pen_digits, pen_skeleton, replay_as_mouse  # noqa: E402
from model import DEFAULT_MODEL_PATH, load_mnist, load_model  # noqa: E402
from play import BRUSH_RADIUS, CANVAS_SIZE, read_digits, read_drawings  # noqa: E402

HEIGHTS = (80, 300)  # px: a digit's height, before a long number is shrunk to fit the canvas
GAPS = {"clear": (0.08, 0.6), "slight overlap": (-0.1, 0.08)}  # gap between neighbours / digit height
SLANT = (-0.1, 0.2)  # x shift per unit of height above the baseline, on top of the writer's own
WOBBLE = 0.04  # baseline's standard deviation / height
MAX_DIGITS = 6


WHISKER = 8  # px at pen_skeleton's scale (two MNIST pixels): a loose branch off a fork this short is no stroke


def skeleton_strokes(digit: np.ndarray) -> list[np.ndarray]:
    """An MNIST digit's skeleton traced into pen strokes of (x, y) points, as few as a pen could draw it in.

    Pixels are linked to their 4-neighbours, and diagonally only where no 4-neighbour links them already, so a
    stroke is one pixel wide; a square of four pixels (where two lines cross) is linked round three sides only,
    so it is no loop of its own; whiskers (loose branches of at most WHISKER pixels off a fork, which thinning
    leaves at a thick stroke's corners) are cut off. Each connected piece is then drawn in the fewest strokes
    that go along every link once (Euler): one if every pixel has an even number of links (a 0, an 8), else
    half as many as it has pixels with an odd number (loose ends and forks).
    """
    links = _skeleton_links(digit)
    _cut_whiskers(links)
    strokes, seen = [], set()
    for first in sorted(links):  # top to bottom: the first stroke starts highest
        if first not in seen:
            piece = _connected(links, first)
            seen.update(piece)
            strokes += [np.array(path, dtype=float)[:, ::-1] for path in _fewest_strokes(links, piece)]
    return strokes


def _skeleton_links(digit: np.ndarray) -> dict[tuple, set]:
    pixels = {tuple(p) for p in pen_skeleton(digit).tolist()}
    links = defaultdict(set)
    for r, c in pixels:
        for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
            diagonal = dr and dc
            square_top = (dr, dc) == (0, 1) and (r + 1, c) in pixels and (r + 1, c + 1) in pixels
            if (r + dr, c + dc) in pixels and not square_top and not (
                    diagonal and ((r + dr, c) in pixels or (r, c + dc) in pixels)):
                links[r, c].add((r + dr, c + dc))
                links[r + dr, c + dc].add((r, c))
    return links


def _cut_whiskers(links: dict[tuple, set]) -> None:
    for tip in [p for p in links if len(links[p]) == 1]:
        branch = [tip]
        while len(branch) <= WHISKER and len(links[branch[-1]]) <= 2:
            ahead = [q for q in links[branch[-1]] if q not in branch[-2:]]
            if not ahead:
                break
            branch.append(ahead[0])
        if len(links[branch[-1]]) >= 3 and len(branch) <= WHISKER + 1:  # it reached a fork: a whisker
            for a, b in zip(branch, branch[1:], strict=False):
                links[a].discard(b)
                links[b].discard(a)
            for a in branch[:-1]:
                del links[a]


def _connected(links: dict[tuple, set], first: tuple) -> list[tuple]:
    piece, todo, seen = [], [first], {first}
    while todo:
        p = todo.pop()
        piece.append(p)
        for q in links[p] - seen:
            seen.add(q)
            todo.append(q)
    return piece


def _fewest_strokes(links: dict[tuple, set], piece: list[tuple]) -> list[list[tuple]]:
    """Pixels with an odd number of links are joined in pairs by pen lifts; one walk along every link and
    lift (Hierholzer's) is then cut at the lifts."""
    odd = sorted(p for p in piece if len(links[p]) % 2)
    edges = [(p, q, False) for p in piece for q in links[p] if p < q]
    edges += [(odd[i], odd[i + 1], True) for i in range(0, len(odd), 2)]
    ways = defaultdict(list)
    for k, (p, q, _) in enumerate(edges):
        ways[p].append((q, k))
        ways[q].append((p, k))
    walked, stack, walk = set(), [(odd[0] if odd else min(piece), None)], []
    while stack:
        here = stack[-1][0]
        while ways[here] and ways[here][-1][1] in walked:
            ways[here].pop()
        if ways[here]:
            there, k = ways[here].pop()
            walked.add(k)
            stack.append((there, k))
        else:
            walk.append(stack.pop())
    walk.reverse()  # (pixel, the link or lift that led there): it ends where it began
    if odd:  # begin just after a lift, so that no stroke is cut where the walk began
        first = next(i for i, (_, k) in enumerate(walk) if k is not None and edges[k][2])
        walk = walk[first:] + walk[1:first + 1]
    strokes, path = [], [walk[0][0]]
    for pixel, k in walk[1:]:
        if edges[k][2]:  # a lift: the stroke ends
            strokes.append(path)
            path = [pixel]
        else:
            path.append(pixel)
    return [path for path in [*strokes, path] if len(path) > 1]


def normalized(strokes: list) -> list[np.ndarray]:
    """Strokes moved to start at (0, 0) and scaled to be 1 tall (and at most 1.5 wide)."""
    strokes = [np.asarray(s, dtype=float).reshape(-1, 2) for s in strokes]
    every = np.concatenate(strokes)
    low, span = every.min(axis=0), np.maximum(np.ptp(every, axis=0), 1e-9)
    scale = 1 / max(span[1], span[0] / 1.5)
    return [(s - low) * scale for s in strokes]


def compose_number(digits: list[list[np.ndarray]], gaps: tuple[float, float],
                   rng: np.random.Generator) -> list[list[tuple[int, int]]]:
    """Digits (normalized strokes) written as one number on the canvas: mouse strokes, in writing order,
    digit after digit."""
    height = rng.uniform(*HEIGHTS)
    slant = rng.uniform(*SLANT)
    placed, x = [], 0.0
    for strokes in digits:
        size = height * rng.uniform(0.9, 1.1)
        baseline = rng.normal(0, WOBBLE * height)
        shaped = []
        for s in strokes:
            y = s[:, 1] * size
            shaped.append(np.column_stack([s[:, 0] * size + slant * (size - y), y - size + baseline]))
        left = min(s[:, 0].min() for s in shaped)
        right = max(s[:, 0].max() for s in shaped)
        if placed:
            x += rng.uniform(*gaps) * height
        placed.append([s + [x - left, 0] for s in shaped])
        x += right - left
    every = np.concatenate([s for strokes in placed for s in strokes])
    low, span = every.min(axis=0), np.ptp(every, axis=0)
    room = CANVAS_SIZE - 2 * BRUSH_RADIUS
    scale = min(1.0, room / max(span[0], 1e-9), room / max(span[1], 1e-9))
    offset = BRUSH_RADIUS + rng.uniform(0, np.maximum(room - span * scale, 0))
    return [as_mouse_points((s - low) * scale + offset) for strokes in placed for s in strokes]


def pen_sources(path: str) -> dict[str, list]:
    """Real pen digits grouped by writer: {writer: [(label, normalized strokes)]}."""
    writers = defaultdict(list)
    for character in load_pen_digits(path):
        writers[character["writer"]].append((character["label"], normalized(character["strokes"])))
    return writers


def mnist_source(root: str, limit: int) -> dict[str, list]:
    """MNIST test digits traced along their skeletons, as one 'writer'."""
    images, labels = load_mnist(root, train=False)
    digits = []
    for image, label in zip(images[:limit], labels[:limit].tolist(), strict=True):
        strokes = skeleton_strokes((image[0] * 255).round().byte().numpy())
        if strokes:
            digits.append((label, normalized(strokes)))
    return {"mnist": digits}


def measure(model: torch.nn.Module, writers: dict[str, list], gaps: tuple[float, float], count: int,
            rng: np.random.Generator) -> dict[str, float]:
    names = sorted(writers)
    seg = number = whole = alone_all = merged = split = 0
    digits_right = digits_total = alone_right = alone_total = 0
    for _ in range(count):
        pool = writers[names[rng.integers(len(names))]]
        n = int(rng.integers(1, MAX_DIGITS, endpoint=True))
        picks = [pool[i] for i in rng.integers(len(pool), size=n)]
        labels = [label for label, _ in picks]
        strokes = compose_number([digit for _, digit in picks], gaps, rng)
        truth, first = [], 0
        for _, digit in picks:
            truth.append(list(range(first, first + len(digit))))
            first += len(digit)
        readings = read_digits(model, strokes)
        groups, read = [r.strokes for r in readings], [r.digit for r in readings]  # None: not a digit
        right_split = groups == truth
        alone = [read_as_one(model, [strokes[i] for i in group]) == label
                 for group, label in zip(truth, labels, strict=True)]
        seg += right_split
        merged, split = merged + (len(groups) < n), split + (len(groups) > n)
        number += read == labels
        whole += right_split and read == labels
        alone_all += all(alone)
        alone_right, alone_total = alone_right + sum(alone), alone_total + n
        if right_split:
            digits_right += sum(r == label for r, label in zip(read, labels, strict=True))
            digits_total += n
    return {"segmentation": seg / count, "number": number / count, "whole": whole / count,
            "predicted": alone_all / count,
            "digits": digits_right / max(digits_total, 1), "alone": alone_right / alone_total,
            "wrong": f"{count - seg}: {merged} merged, {split} split, {count - seg - merged - split} moved"}


def read_as_one(model: torch.nn.Module, strokes: Strokes) -> int | None:
    """The digit the app reads for a drawing taken as one digit, unsplit; None: not a digit."""
    probs, likeness = read_drawings(model, [strokes])
    return non_digits.read(probs[0], non_digits.how_drawn(strokes), likeness[0])


def single_pen_digits(model: torch.nn.Module, path: str, seed: int) -> str:
    """Each real pen digit written alone, as drawn_digits.py --digits pen replays it: how often the app
    splits it (by label, and the writers it splits most: one writer's drawings of several zeros under the
    label 0 are rightly split), and how often it reads it right, next to reading the whole drawing as one digit."""
    characters = load_pen_digits(path)
    split = right = whole_right = 0
    split_labels, split_writers = Counter(), Counter()
    for character, strokes in zip(characters, replay_as_mouse(characters, CANVAS_SIZE, BRUSH_RADIUS, seed),
                                  strict=True):
        readings = read_digits(model, strokes)
        split += len(readings) != 1
        split_labels[character["label"]] += len(readings) != 1
        split_writers[character["writer"]] += len(readings) != 1
        right += len(readings) == 1 and readings[0].digit == character["label"]
        whole_right += read_as_one(model, strokes) == character["label"]
    n = len(characters)
    by_label = ", ".join(f"{count} {label}s" for label, count in sorted(split_labels.items()) if count)
    by_writer = ", ".join(f"{writer} {count}" for writer, count in split_writers.most_common(3) if count > 1)
    return (f"{n:,} real pen digits written alone: {split} ({split / n:.2%}) split into several ({by_label};"
            f" most by writer: {by_writer or 'none more than one'}), {right / n:.2%} read right;"
            f" read whole, as one digit, {whole_right / n:.2%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=DEFAULT_MODEL_PATH)
    parser.add_argument("--pen-data", help="pen digits in the UNIPEN sample's format (digits-dev.json.gz)")
    parser.add_argument("--data-root", default="data", help="MNIST folder; downloaded there if missing")
    parser.add_argument("--numbers", type=int, default=1000, help="numbers per source and gap")
    parser.add_argument("--mnist-digits", type=int, default=3000, help="MNIST test digits to draw from")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    model = load_model(args.model)
    sources = {"MNIST skeletons": mnist_source(args.data_root, args.mnist_digits)}
    if args.pen_data:
        sources["real pen digits"] = pen_sources(args.pen_data)
    print(f"{args.numbers:,} numbers of 1-{MAX_DIGITS} digits per row, each {HEIGHTS[0]}-{HEIGHTS[1]} px tall")
    print("| digits from | gaps | segmentation right | whole numbers read right | and segmented right "
          "| single digits predict | digits right | digits alone right | segmented wrong |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for name, writers in sources.items():
        for gap_name, gaps in GAPS.items():
            r = measure(model, writers, gaps, args.numbers, np.random.default_rng(args.seed))
            print(f"| {name} | {gap_name} | {r['segmentation']:.1%} | {r['number']:.1%} | {r['whole']:.1%}"
                  f" | {r['predicted']:.1%}"
                  f" | {r['digits']:.2%} | {r['alone']:.2%} | {r['wrong']} |")
    if args.pen_data:
        print(single_pen_digits(model, args.pen_data, args.seed))


if __name__ == "__main__":
    main()
