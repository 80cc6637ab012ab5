"""The shipped weights on the official MNIST test set and on real pen digits read the app's way."""

import numpy as np
import pytest
import torch

from ink import load_pen_digits, replay_as_mouse
from model import evaluate, read_images
from non_digits import how_drawn, is_digit
from play import BRUSH_RADIUS, CANVAS_SIZE, read_drawings

SHIPPED_BAR = 0.9960
# Issue #9's targets on the pen sample (README, "Real pen digits"): the app reads 98.85%, every class at
# least 97.78%, and 93% of the zeros written in two strokes.
PEN_BAR, PEN_CLASS_BAR, SLASHED_ZERO_BAR = 0.988, 0.97, 0.90
# Not a digit (issue #10): what the shipped model does, which no release may do worse, and the targets.
DOODLES_NAMED_CEILING = 0.13  # the app names a digit for 11.4% of the doodles not flagged digit-like
PEN_DOUBTED_CEILING, MNIST_DOUBTED_CEILING = 0.01, 0.003  # issue #10's targets, reached
DOODLES_NAMED_TARGET = 0.05


def test_shipped_model_reaches_the_bar(shipped_model, mnist_test):
    images, labels = mnist_test
    assert len(labels) == 10_000
    _, accuracy, _ = evaluate(shipped_model, images, labels)
    assert accuracy >= SHIPPED_BAR, f"{accuracy:.2%} < {SHIPPED_BAR:.2%}"


@pytest.fixture(scope="module")
def pen_readings(shipped_model, pen_digits):
    """Real pen digits replayed as mouse strokes and read the app's way: labels, right or not, strokes."""
    if not pen_digits:
        pytest.skip("set PEN_DIGITS to the UNIPEN sample's digits-dev.json.gz (CI does)")
    characters = load_pen_digits(pen_digits)
    drawings = replay_as_mouse(characters, CANVAS_SIZE, BRUSH_RADIUS, seed=0)  # as benchmarks/drawn_digits.py
    labels = torch.tensor([character["label"] for character in characters])
    p, likeness = read_drawings(shipped_model, drawings)
    strokes = np.array([len(character["strokes"]) for character in characters])
    named = is_digit(p, [how_drawn(d) for d in drawings], likeness)
    return labels.numpy(), p.argmax(1) == labels.numpy(), strokes, named


def test_shipped_model_reads_real_pen_digits(pen_readings):
    _, right, _, _ = pen_readings  # 98.74% read as drawn only, before the app read each drawing three ways
    assert right.mean() >= PEN_BAR, f"{right.mean():.2%} < {PEN_BAR:.2%}"


def test_every_class_of_real_pen_digits_reaches_the_target(pen_readings):
    labels, right, _, _ = pen_readings
    for digit in range(10):  # zeros read 96.11% before wide drawings were read narrower
        assert right[labels == digit].mean() >= PEN_CLASS_BAR, f"digit {digit}: {right[labels == digit].mean():.2%}"


def test_zeros_written_in_two_strokes_reach_the_target(pen_readings):
    labels, right, strokes, _ = pen_readings  # mostly slashed zeros: 88% read as drawn only
    two_stroke_zeros = right[(labels == 0) & (strokes == 2)]
    assert two_stroke_zeros.mean() >= SLASHED_ZERO_BAR, f"{two_stroke_zeros.mean():.1%} of {len(two_stroke_zeros)}"


@pytest.fixture(scope="module")
def doodles_named(shipped_model, doodles):
    """Whether the app names a digit for each real doodle not flagged digit-like, replayed as mouse strokes."""
    if not doodles:
        pytest.skip("set DOODLES to the Quick, Draw! sample's doodles-dev.json.gz (CI does)")
    drawings = replay_as_mouse([d for d in load_pen_digits(doodles) if not d["digit_like"]], CANVAS_SIZE, BRUSH_RADIUS,
                               seed=0)
    p, likeness = read_drawings(shipped_model, drawings)
    return is_digit(p, [how_drawn(d) for d in drawings], likeness)


def test_real_pen_digits_are_seldom_taken_for_something_else(pen_readings):
    *_, named = pen_readings
    assert (~named).mean() <= PEN_DOUBTED_CEILING, f"{(~named).mean():.2%} of pen digits doubted"


def test_mnist_test_digits_are_seldom_taken_for_something_else(shipped_model, mnist_test):
    images, labels = mnist_test
    p, likeness = read_images(shipped_model, images)
    named = is_digit(p, likeness=likeness)
    assert (~named).mean() <= MNIST_DOUBTED_CEILING
    assert (p.argmax(1) == labels.numpy())[named].mean() >= SHIPPED_BAR  # right, counting the digits it names


def test_doodles_are_mostly_not_a_digit(doodles_named):
    assert doodles_named.mean() <= DOODLES_NAMED_CEILING, f"{doodles_named.mean():.1%} of doodles named a digit"


@pytest.mark.xfail(strict=True, reason="issue #10: the app names a digit for 11.4% of the doodles")
def test_doodles_reach_the_target(doodles_named):
    assert doodles_named.mean() <= DOODLES_NAMED_TARGET
