"""Regenerate Assets/example_*.png: the real app, driven headless by mouse strokes, saved as shown.

    python Assets/screenshots.py
"""

import math
import os
import sys
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # no window needed: the surface is the screenshot
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import play  # noqa: E402
from model import load_model  # noqa: E402

pygame = play.pygame


def arc(cx: float, cy: float, r: float, start_deg: float, end_deg: float, n: int = 24) -> list[tuple[float, float]]:
    """Points along a circle arc, angles counter-clockwise from 3 o'clock as on paper (y grows down)."""
    angles = [math.radians(start_deg + (end_deg - start_deg) * i / n) for i in range(n + 1)]
    return [(cx + r * math.cos(a), cy - r * math.sin(a)) for a in angles]


def figure_eight(n: int = 60) -> list[tuple[float, float]]:
    t = [2 * math.pi * i / n for i in range(n + 1)]
    return [(300 + 95 * math.sin(2 * a), 300 - 190 * math.cos(a)) for a in t]


def shrunk(strokes: list[list[tuple[float, float]]], factor: float, left: float, top: float) -> list:
    """The same drawing made `factor` as big, its path's top-left corner moved to (left, top)."""
    x0 = min(x for stroke in strokes for x, _ in stroke)
    y0 = min(y for stroke in strokes for _, y in stroke)
    return [[(left + (x - x0) * factor, top + (y - y0) * factor) for x, y in stroke] for stroke in strokes]


# Each drawing is a list of strokes; each stroke is the path of the mouse with the button held.
FOUR = [[(330, 100), (170, 370), (430, 370)], [(350, 230), (350, 520)]]
DRAWINGS = {
    "3": [arc(290, 200, 95, 150, -90) + arc(290, 395, 105, 90, -150)],
    "4": FOUR,
    "8": [figure_eight()],
    "4_small": shrunk(FOUR, 0.3, 420, 60),  # the brush fills the 4's triangle; the model reads the path
}


def draw(app: play.DigitApp, strokes: list[list[tuple[float, float]]]) -> None:
    for points in strokes:
        points = [(round(x), round(y)) for x, y in points]
        app.handle(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=points[0], button=1))
        for point in points[1:]:
            app.handle(pygame.event.Event(pygame.MOUSEMOTION, pos=point, rel=(0, 0), buttons=(1, 0, 0)))
        app.handle(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=points[-1], button=1))


def main() -> None:
    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode(play.WINDOW_SIZE)
    app = play.DigitApp(load_model())
    for name, strokes in DRAWINGS.items():
        app.clear()
        draw(app, strokes)
        app.render(screen)
        path = ROOT / "Assets" / f"example_{name}.png"
        pygame.image.save(screen, str(path))
        print(f"{path.relative_to(ROOT)}: {app.caption()}")
    pygame.quit()


if __name__ == "__main__":
    main()
