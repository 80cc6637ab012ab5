"""The shipped weights on the official MNIST test set and on real pen digits read the app's way."""

import numpy as np
import pytest
import torch

from ink import load_pen_digits, replay_as_mouse
from model import evaluate
from play import BRUSH_RADIUS, CANVAS_SIZE, model_input

SHIPPED_BAR = 0.9960
PEN_FLOOR = 0.985  # the shipped model reads 98.59% of the pen sample: no release may read fewer
# Issue #9's targets, not all reached yet (README, "Real pen digits").
PEN_BAR, PEN_CLASS_BAR, SLASHED_ZERO_BAR = 0.988, 0.97, 0.90
NOT_YET = "issue #9: the shipped model reads 98.59% of the pen sample, its zeros 96.11%, two-stroke zeros 85%"


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
    _, _, predicted = evaluate(shipped_model, torch.cat([model_input(s) for s in drawings]), labels)
    strokes = np.array([len(character["strokes"]) for character in characters])
    return labels.numpy(), (predicted == labels).numpy(), strokes


def test_shipped_model_reads_real_pen_digits(pen_readings):
    _, right, _ = pen_readings
    assert right.mean() >= PEN_FLOOR, f"{right.mean():.2%} < {PEN_FLOOR:.2%}"


@pytest.mark.xfail(strict=True, reason=NOT_YET)
def test_real_pen_digits_reach_the_targets(pen_readings):
    labels, right, strokes = pen_readings
    assert right.mean() >= PEN_BAR, f"{right.mean():.2%} < {PEN_BAR:.2%}"
    for digit in range(10):
        assert right[labels == digit].mean() >= PEN_CLASS_BAR, f"digit {digit}"
    assert right[(labels == 0) & (strokes == 2)].mean() >= SLASHED_ZERO_BAR  # mostly slashed zeros
