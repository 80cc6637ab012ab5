"""The shipped weights on the official 10,000-image MNIST test set."""

from model import evaluate

SHIPPED_BAR = 0.9960


def test_shipped_model_reaches_the_bar(shipped_model, mnist_test):
    images, labels = mnist_test
    assert len(labels) == 10_000
    _, accuracy, _ = evaluate(shipped_model, images, labels)
    assert accuracy >= SHIPPED_BAR, f"{accuracy:.2%} < {SHIPPED_BAR:.2%}"
