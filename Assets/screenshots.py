"""Regenerate Assets/example_*.png: the real app, driven headless by mouse strokes and keys, saved as shown.

    python Assets/screenshots.py --data-root data

Also makes Assets/photo_of_a_digit.jpg, a phone photo as it might be of an MNIST test digit printed on
paper (dark ink, uneven light, noise, blur), and the app reading it.
"""

import argparse
import math
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # no window needed: the surface is the screenshot
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import play  # noqa: E402
from model import load_mnist, load_model  # noqa: E402

pygame = play.pygame


def arc(cx: float, cy: float, r: float, start_deg: float, end_deg: float, n: int = 24) -> list[tuple[float, float]]:
    """Points along a circle arc, angles counter-clockwise from 3 o'clock as on paper (y grows down)."""
    angles = [math.radians(start_deg + (end_deg - start_deg) * i / n) for i in range(n + 1)]
    return [(cx + r * math.cos(a), cy - r * math.sin(a)) for a in angles]


def oval(cx: float, cy: float, rx: float, ry: float, n: int = 40) -> list[tuple[float, float]]:
    """A closed oval drawn counter-clockwise from its top, as most people write a zero."""
    angles = [math.pi / 2 + 2 * math.pi * i / n for i in range(n + 1)]
    return [(cx + rx * math.cos(a), cy - ry * math.sin(a)) for a in angles]


def figure_eight(n: int = 60) -> list[tuple[float, float]]:
    t = [2 * math.pi * i / n for i in range(n + 1)]
    return [(300 + 95 * math.sin(2 * a), 300 - 190 * math.cos(a)) for a in t]


def shrunk(strokes: list[list[tuple[float, float]]], factor: float, left: float, top: float) -> list:
    """The same drawing made `factor` as big, its path's top-left corner moved to (left, top)."""
    x0 = min(x for stroke in strokes for x, _ in stroke)
    y0 = min(y for stroke in strokes for _, y in stroke)
    return [[(left + (x - x0) * factor, top + (y - y0) * factor) for x, y in stroke] for stroke in strokes]


PHOTOGRAPHED = 4  # the index of the MNIST test digit in the photo (a 4)

# Each drawing is a list of strokes; each stroke is the path of the mouse with the button held.
FOUR = [[(330, 100), (170, 370), (430, 370)], [(350, 230), (350, 520)]]
DRAWINGS = {
    "3": [arc(290, 200, 95, 150, -90) + arc(290, 395, 105, 90, -150)],
    "4": FOUR,
    "8": [figure_eight()],
    "4_small": shrunk(FOUR, 0.3, 420, 60),  # the brush fills the 4's triangle; the model reads the path
    "0_slashed": [oval(300, 300, 110, 180), [(190, 470), (410, 130)]],  # a style MNIST's writers did not use
}
TWO = [arc(300, 210, 110, 160, -35) + [(170, 520), (430, 520)]]
ZERO = [oval(300, 310, 110, 210)]
# A 7 with a foot, as some write their 2s: read as 7 until its writer teaches the app it is a 2.
SEVEN_WITH_A_FOOT = [[(180, 110), (420, 110), (330, 350), (280, 500), (400, 500)]]
# A doodle of a house, in five parts (walls, roof, door, window, chimney): no digit takes so many.
DRAWINGS["not_a_digit"] = [[(140, 280), (140, 520), (460, 520), (460, 280), (140, 280)],
                           [(110, 290), (300, 110), (490, 290)], [(260, 520), (260, 410), (330, 410), (330, 520)],
                           [(180, 330), (240, 330), (240, 380), (180, 380), (180, 330)],
                           [(380, 190), (380, 120), (420, 120), (420, 230)]]
# A number written small enough to fit, digit after digit: the app reads it as one.
DRAWINGS["number"] = [stroke for digit, left in ((TWO, 30), (ZERO, 170), (TWO, 310), (FOUR, 450))
                      for stroke in shrunk(digit, 0.42, left, 200)]


def draw(app: play.DigitApp, strokes: list[list[tuple[float, float]]]) -> None:
    for points in strokes:
        points = [(round(x), round(y)) for x, y in points]
        app.handle(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=points[0], button=1))
        for point in points[1:]:
            app.handle(pygame.event.Event(pygame.MOUSEMOTION, pos=point, rel=(0, 0), buttons=(1, 0, 0)))
        app.handle(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=points[-1], button=1))


def photograph(digit: np.ndarray, seed: int = 0) -> Image.Image:
    """A 28x28 digit printed dark on paper and photographed: light falling off across the page, noise, blur."""
    rng = np.random.default_rng(seed)
    height, width = 480, 640
    ink = np.zeros((height, width), dtype=np.float32)
    ink[90:390, 200:500] = np.asarray(Image.fromarray(digit).resize((300, 300), Image.Resampling.BICUBIC)) / 255
    y, x = np.mgrid[0:height, 0:width] / max(height, width)
    light = 235 - 110 * (0.7 * x + 0.5 * y)  # a lamp at the top left
    paper = light * (1 - 0.8 * np.clip(ink, 0, 1)) + rng.normal(0, 9, (height, width))
    picture = Image.fromarray(np.clip(paper, 0, 255).astype(np.uint8))
    return picture.filter(ImageFilter.GaussianBlur(1.2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-root", default="data", help="MNIST folder, for the photographed test digit")
    args = parser.parse_args()
    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode(play.WINDOW_SIZE)
    with tempfile.TemporaryDirectory() as no_samples:  # the screenshots show no one's taught digits
        app = play.DigitApp(load_model(), samples=play.SampleStore(no_samples))
        shoot(app, screen, args.data_root)
    pygame.quit()


def shoot(app: play.DigitApp, screen: pygame.Surface, data_root: str) -> None:
    for name, strokes in DRAWINGS.items():
        app.clear()
        draw(app, strokes)
        save(app, screen, f"example_{name}.png")
    images, labels = load_mnist(data_root, train=False)
    photo = ROOT / "Assets" / "photo_of_a_digit.jpg"
    photograph((images[PHOTOGRAPHED, 0] * 255).byte().numpy()).save(photo, quality=85)
    print(f"{photo.relative_to(ROOT)}: MNIST test digit {PHOTOGRAPHED}, a {labels[PHOTOGRAPHED]}")
    app.show_picture(photo)
    save(app, screen, "example_photo.png")
    app.clear()  # last: what it is taught here stays for the rest of the session
    draw(app, SEVEN_WITH_A_FOOT)
    save(app, screen, "example_teach_before.png")
    app.handle(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_2, mod=0, unicode="2"))
    save(app, screen, "example_teach_after.png")


def save(app: play.DigitApp, screen: pygame.Surface, name: str) -> None:
    app.render(screen)
    path = ROOT / "Assets" / name
    pygame.image.save(screen, str(path))
    print(f"{path.relative_to(ROOT)}: {app.caption()}")


if __name__ == "__main__":
    main()
