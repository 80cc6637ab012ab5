import math
import os
from pathlib import Path

import pygame
import pytest

from model import DEFAULT_MODEL_PATH, load_mnist, load_model
from play import WINDOW_SIZE

REPO = Path(__file__).resolve().parent.parent

# Digits in a box 1 tall, strokes in the order people write them.
DIGITS = {
    "1": [[(0.3, 0.0), (0.3, 1.0)]],
    "2": [[(0.05, 0.2), (0.2, 0.02), (0.45, 0.05), (0.55, 0.25), (0.45, 0.5), (0.0, 1.0), (0.6, 1.0)]],
    "3": [[(0.05, 0.1), (0.3, 0.0), (0.55, 0.15), (0.5, 0.4), (0.25, 0.5), (0.55, 0.65), (0.55, 0.9),
           (0.3, 1.0), (0.02, 0.9)]],
    "4": [[(0.1, 0.0), (0.0, 0.65), (0.6, 0.65)], [(0.45, 0.3), (0.45, 1.0)]],
    "5": [[(0.1, 0.0), (0.05, 0.45), (0.35, 0.4), (0.55, 0.6), (0.5, 0.9), (0.25, 1.0), (0.0, 0.9)],
          [(0.1, 0.0), (0.55, 0.0)]],
    "7": [[(0.0, 0.0), (0.6, 0.0), (0.2, 1.0)], [(0.1, 0.5), (0.45, 0.5)]],
    "0": [[(0.3, 0.0), (0.0, 0.5), (0.3, 1.0), (0.6, 0.5), (0.3, 0.0)], [(0.0, 1.1), (0.6, -0.1)]],  # slashed
    "o": [[(0.3 - 0.28 * math.sin(a / 10), 0.5 - 0.5 * math.cos(a / 10)) for a in range(64)]],  # a plain 0
}

# A doodle in canvas pixels: walls, roof, door and window, four parts.
HOUSE = [[(150, 250), (150, 500), (450, 500), (450, 250), (150, 250)], [(130, 260), (300, 100), (470, 260)],
         [(270, 500), (270, 400), (330, 400), (330, 500)], [(180, 300), (240, 300), (240, 350), (180, 350), (180, 300)]]
# Read as a 0 with certainty, and turning sharply four times: one corner more than any 0 (non_digits.MOST_CORNERS).
SQUARE_BEGUN_MID_SIDE = [[(300, 150), (450, 150), (450, 450), (150, 450), (150, 150), (300, 150)]]


def written(text, height=100.0, gap=0.25, left=20.0, top=200.0):
    """The strokes of `text` written left to right, `gap` * height between the digits' boxes."""
    strokes, x = [], left
    for char in text:
        strokes += [[(x + px * height, top + py * height) for px, py in stroke] for stroke in DIGITS[char]]
        x += (0.6 + gap) * height
    return strokes


@pytest.fixture(scope="session")
def mnist_root() -> str:
    """Where MNIST lives: $MNIST_ROOT (CI: ../shared/mnist), else the project's data folder."""
    return os.environ.get("MNIST_ROOT", str(REPO / "data"))


@pytest.fixture(scope="session")
def pen_digits() -> str | None:
    """Real pen digits to read (CI: the UNIPEN sample in ../shared/unipen), from $PEN_DIGITS; None if unset."""
    return os.environ.get("PEN_DIGITS")


@pytest.fixture(scope="session")
def doodles() -> str | None:
    """Real doodles that are not digits (CI: the Quick, Draw! sample in ../shared/quickdraw), from $DOODLES."""
    return os.environ.get("DOODLES")


@pytest.fixture(scope="session")
def mnist_test(mnist_root):
    return load_mnist(mnist_root, train=False)


@pytest.fixture(scope="session")
def shipped_model():
    return load_model(DEFAULT_MODEL_PATH)


@pytest.fixture
def screen(monkeypatch):
    """A real Pygame display on SDL's dummy driver: the app runs as it does on screen, headless."""
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    pygame.display.init()
    pygame.font.init()
    yield pygame.display.set_mode(WINDOW_SIZE)
    pygame.quit()


@pytest.fixture(autouse=True)
def user_data_home(tmp_path_factory, monkeypatch) -> Path:
    """The platform's user data folder, moved for every test: no test keeps samples in the real one."""
    home = tmp_path_factory.mktemp("user-data")
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home
