import os
from pathlib import Path

import pygame
import pytest

from model import DEFAULT_MODEL_PATH, load_mnist, load_model
from play import WINDOW_SIZE

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def mnist_root() -> str:
    """Where MNIST lives: $MNIST_ROOT (CI: ../shared/mnist), else the project's data folder."""
    return os.environ.get("MNIST_ROOT", str(REPO / "data"))


@pytest.fixture(scope="session")
def pen_digits() -> str | None:
    """Real pen digits to read (CI: the UNIPEN sample in ../shared/unipen), from $PEN_DIGITS; None if unset."""
    return os.environ.get("PEN_DIGITS")


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
