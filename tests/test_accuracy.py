"""The shipped weights on the official MNIST test set and on real pen digits read the app's way."""

import numpy as np
import pytest
import torch

from ink import load_pen_digits, replay_as_mouse
from model import evaluate
from play import BRUSH_RADIUS, CANVAS_SIZE, model_input

SHIPPED_BAR = 0.9960
PEN_BAR, PEN_CLASS_BAR, SLASHED_ZERO_BAR = 0.988, 0.97, 0.90


def test_shipped_model_reaches_the_bar(shipped_model, mnist_test):
    images, labels = mnist_test
    assert len(labels) == 10_000
    _, accuracy, _ = evaluate(shipped_model, images, labels)
    assert accuracy >= SHIPPED_BAR, f"{accuracy:.2%} < {SHIPPED_BAR:.2%}"


def test_shipped_model_reads_real_pen_digits(shipped_model, pen_digits):
    if not pen_digits:
        pytest.skip("set PEN_DIGITS to the UNIPEN sample's digits-dev.json.gz (CI does)")
    characters = load_pen_digits(pen_digits)
    drawings = replay_as_mouse(characters, CANVAS_SIZE, BRUSH_RADIUS, seed=0)  # as benchmarks/drawn_digits.py
    labels = torch.tensor([character["label"] for character in characters])
    _, accuracy, predicted = evaluate(shipped_model, torch.cat([model_input(s) for s in drawings]), labels)
    right = (predicted == labels).numpy()
    assert accuracy >= PEN_BAR, f"{accuracy:.2%} < {PEN_BAR:.2%}"
    for digit in range(10):
        assert right[labels.numpy() == digit].mean() >= PEN_CLASS_BAR, f"digit {digit}"
    two_stroke_zeros = (labels.numpy() == 0) & (np.array([len(c["strokes"]) for c in characters]) == 2)
    assert right[two_stroke_zeros].mean() >= SLASHED_ZERO_BAR
