"""play.py driven headless with synthetic Pygame events, as a user would drive it with the mouse."""

import ast
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pygame
import pytest
from conftest import HOUSE, REPO, SQUARE_BEGUN_MID_SIDE, written

import non_digits
import play


def press(pos):
    return pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1)


def move(pos):
    return pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(1, 0, 0))


def release(pos):
    return pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1)


def key(k, mod=0):
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode="")


UNDO = key(pygame.K_z, pygame.KMOD_LCTRL)
REDOS = [key(pygame.K_y, pygame.KMOD_LCTRL), key(pygame.K_z, pygame.KMOD_LCTRL | pygame.KMOD_LSHIFT)]


def stroke(app, points):
    app.handle(press(points[0]))
    for point in points[1:]:
        app.handle(move(point))
    app.handle(release(points[-1]))


ONE = [(300, 80), (300, 520)]  # a single vertical stroke
SEVEN = [(180, 110), (420, 110), (380, 220), (330, 350), (290, 500)]


@pytest.fixture
def app(screen, shipped_model):
    return play.DigitApp(shipped_model)


def canvas_pixels(app):
    return pygame.surfarray.array_red(app.canvas).T


def test_starts_blank(app, screen):
    app.render(screen)
    assert app.prediction() is None
    assert pygame.display.get_caption()[0] == "Digit Recognizer"
    assert not canvas_pixels(app).any()
    assert screen.get_at((700, 30))[:3] == play.RED  # the Clear button, top of the grey panel
    assert screen.get_at((790, 590))[:3] == play.GREY


@pytest.mark.parametrize("points, digit", [(ONE, 1), (SEVEN, 7)])
def test_a_stroke_is_recognized(app, screen, points, digit):
    stroke(app, points)
    app.render(screen)
    best, confidence = app.prediction()
    assert best == digit and confidence > 0.5
    assert app.probs.sum() == pytest.approx(1, abs=1e-5)
    assert pygame.display.get_caption()[0] == f"Digit Recognizer - {digit} ({confidence:.1%})"


def test_top_digit_is_green_with_the_longest_bar(app, screen):
    stroke(app, ONE)
    app.render(screen)
    row_top = play.ROWS_TOP + 1 * play.ROW_HEIGHT
    row = [tuple(screen.get_at((x, row_top + 4))[:3]) for x in range(play.BAR_LEFT, play.BAR_LEFT + play.BAR_WIDTH)]
    assert row.count(play.BAR) > 0.4 * play.BAR_WIDTH  # the bar behind "1: ..%"
    text = pygame.surfarray.array3d(screen)[play.BAR_LEFT : play.BAR_LEFT + 100, row_top : row_top + play.ROW_HEIGHT]
    assert (text == play.GREEN).all(axis=-1).any()


def test_preview_shows_exactly_the_model_input(app, screen):
    stroke(app, SEVEN)
    app.render(screen)
    expected = play.model_input([SEVEN])[0, 0].numpy()  # the pen path the mouse took
    np.testing.assert_array_equal(app.preview, expected)
    x0, y0 = play.PREVIEW_POS
    s = play.PREVIEW_SCALE
    centre = [i * s + s // 2 for i in range(28)]  # the middle of each enlarged pixel
    shown = np.array([[screen.get_at((x0 + x, y0 + y))[0] for x in centre] for y in centre])
    np.testing.assert_array_equal(shown, (expected * 255).astype(np.uint8))


CLEARS = [key(pygame.K_c), key(pygame.K_BACKSPACE), key(pygame.K_DELETE), press(play.CLEAR_BUTTON.center)]


@pytest.mark.parametrize("clear", CLEARS, ids=["C", "Backspace", "Delete", "button"])
def test_clear_resets_canvas_readout_and_caption(app, screen, clear):
    stroke(app, SEVEN)
    app.handle(clear)
    app.render(screen)
    assert not canvas_pixels(app).any() and app.strokes == []
    assert app.prediction() is None and not app.preview.any()
    assert pygame.display.get_caption()[0] == "Digit Recognizer"


@pytest.mark.parametrize("clear", CLEARS, ids=["C", "Backspace", "Delete", "button"])
def test_clear_while_the_button_is_held_ends_the_stroke(app, clear):
    app.handle(press(SEVEN[0]))
    app.handle(move(SEVEN[1]))
    app.handle(clear)
    app.handle(move(SEVEN[2]))  # the button is still held: this used to raise IndexError
    app.handle(release(SEVEN[2]))
    assert app.strokes == [] and not canvas_pixels(app).any() and app.prediction() is None
    stroke(app, SEVEN)  # and the next stroke draws as usual
    assert app.strokes == [SEVEN] and app.prediction()[0] == 7


def test_no_event_order_raises(app, screen):
    rng = np.random.default_rng(0)
    def anywhere():
        return int(rng.integers(-50, 850)), int(rng.integers(-50, 650))
    makers = [lambda: press(anywhere()), lambda: move(anywhere()), lambda: release(anywhere()),
              lambda: press(play.CLEAR_BUTTON.center), lambda: key(pygame.K_c), lambda: key(pygame.K_DELETE),
              lambda: key(pygame.K_BACKSPACE), lambda: key(pygame.K_a), lambda: UNDO, lambda: REDOS[0],
              lambda: pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=anywhere(), button=3)]
    for step in range(10_000):
        assert app.handle(makers[rng.integers(len(makers))]()) is True
        if step % 100 == 0:
            app.render(screen)


def painted(strokes):
    canvas = pygame.Surface((play.CANVAS_SIZE, play.CANVAS_SIZE))
    for points in strokes:
        play.paint_stroke(canvas, points)
    return pygame.surfarray.array_red(canvas).T


@pytest.mark.parametrize("redo", REDOS, ids=["Ctrl+Y", "Ctrl+Shift+Z"])
def test_undo_takes_back_the_last_stroke_and_redo_brings_it_back(app, screen, redo):
    bar = [(250, 300), (400, 300)]
    stroke(app, SEVEN)
    stroke(app, bar)
    with_bar = app.probs.copy()
    app.handle(UNDO)
    assert app.strokes == [SEVEN]
    np.testing.assert_array_equal(canvas_pixels(app), painted([SEVEN]))  # the bar is gone from the canvas
    np.testing.assert_array_equal(app.preview, play.model_input([SEVEN])[0, 0].numpy())  # and from the input
    app.handle(redo)
    assert app.strokes == [SEVEN, bar]
    np.testing.assert_array_equal(canvas_pixels(app), painted([SEVEN, bar]))
    np.testing.assert_allclose(app.probs, with_bar)
    app.render(screen)
    assert pygame.display.get_caption()[0] == app.caption()


def test_undo_of_the_only_stroke_leaves_a_blank_readout_and_extra_undos_do_nothing(app, screen):
    stroke(app, SEVEN)
    for _ in range(3):
        app.handle(UNDO)
    app.render(screen)
    assert app.strokes == [] and not canvas_pixels(app).any() and app.prediction() is None
    assert pygame.display.get_caption()[0] == "Digit Recognizer"
    app.handle(REDOS[0])
    assert app.strokes == [SEVEN] and app.prediction()[0] == 7


def test_a_new_stroke_or_a_clear_forgets_what_was_undone(app):
    stroke(app, ONE)
    app.handle(UNDO)
    stroke(app, SEVEN)
    app.handle(REDOS[0])
    assert app.strokes == [SEVEN]
    app.handle(UNDO)
    app.handle(key(pygame.K_c))
    app.handle(REDOS[0])
    assert app.strokes == []


def test_undo_while_the_button_is_held_takes_back_the_stroke_under_way(app):
    stroke(app, ONE)
    app.handle(press(SEVEN[0]))
    app.handle(move(SEVEN[1]))
    app.handle(UNDO)
    app.handle(move(SEVEN[2]))  # the button still held: nothing more is drawn
    assert app.strokes == [ONE]
    np.testing.assert_array_equal(canvas_pixels(app), painted([ONE]))


SAVE = key(pygame.K_s, pygame.KMOD_LCTRL)


def test_ctrl_s_saves_the_canvas_the_pen_path_and_the_reading(screen, shipped_model, tmp_path):
    app = play.DigitApp(shipped_model, save_dir=tmp_path / "drawings")
    stroke(app, SEVEN)
    app.handle(SAVE)
    png, record = tmp_path / "drawings" / "drawing-1.png", tmp_path / "drawings" / "drawing-1.json"
    saved = json.loads(record.read_text())
    assert saved["strokes"] == [[list(p) for p in SEVEN]] and saved["digit"] == 7 and saved["number"] == "7"
    assert saved["probabilities"] == pytest.approx(app.probs.tolist(), abs=1e-5)
    np.testing.assert_array_equal(pygame.surfarray.array_red(pygame.image.load(str(png))).T, canvas_pixels(app))
    assert str(png) in app.status
    app.render(screen)  # the status line is drawn under the drawing


def test_a_save_never_overwrites_a_file(screen, shipped_model, tmp_path):
    (tmp_path / "drawing-1.png").write_bytes(b"someone's picture")
    (tmp_path / "drawing-2.json").write_text("{}")
    app = play.DigitApp(shipped_model, save_dir=tmp_path)
    stroke(app, ONE)
    app.handle(SAVE)
    app.handle(SAVE)
    assert (tmp_path / "drawing-1.png").read_bytes() == b"someone's picture"
    assert (tmp_path / "drawing-2.json").read_text() == "{}"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["drawing-1.png", "drawing-2.json", "drawing-3.png", "drawing-3.json", "drawing-4.png", "drawing-4.json"])


def test_saving_a_blank_canvas_or_to_a_folder_it_cannot_write_says_so(screen, shipped_model, tmp_path):
    (tmp_path / "a file").write_text("")
    app = play.DigitApp(shipped_model, save_dir=tmp_path / "a file" / "below")
    app.handle(SAVE)
    assert app.status.startswith("nothing to save")
    stroke(app, ONE)
    app.handle(SAVE)
    assert app.status.startswith("not saved") and "a file" in app.status


def digit_key(digit):
    return pygame.event.Event(pygame.KEYDOWN, key=pygame.K_0 + digit, mod=0, unicode=str(digit))


def test_a_digit_key_keeps_the_drawing_as_the_users_sample(app, screen):
    stroke(app, SEVEN)
    app.handle(digit_key(7))  # read right: confirmed
    assert "confirmed" in app.status
    app.handle(digit_key(1))  # as if it had been meant as a 1: corrected
    assert "corrected" in app.status
    samples = app.samples.read()
    assert [(s["label"], s["read_as"]) for s in samples] == [(7, 7), (1, 7)]
    assert samples[0]["strokes"] == [[list(p) for p in SEVEN]]
    assert app.samples.counts[7] == app.samples.counts[1] == 1
    app.render(screen)  # the panel shows the counts
    assert canvas_pixels(app).any()  # the drawing stays


def test_a_correction_is_read_as_taught_at_once_and_after_a_restart(app, screen, shipped_model):
    two = [(180, 110), (420, 110), (330, 350), (280, 500), (400, 500)]  # a 7 with a foot: this writer's 2
    stroke(app, two)
    assert app.prediction()[0] == 7
    app.handle(digit_key(2))
    assert app.prediction()[0] == 2
    restarted = play.DigitApp(shipped_model, samples=app.samples)
    for drawing, read in ((two, 2), (SEVEN, 7), (ONE, 1)):  # other digits read as before
        restarted.handle(CLEARS[0])
        stroke(restarted, drawing)
        assert restarted.prediction()[0] == read


def test_a_personal_model_is_reminded_only_of_digits_taught_after_it(screen, shipped_model, tmp_path):
    learnt = {"label": 2, "time": "2026-01-01T12:00:00+0000", "strokes": [SEVEN]}
    since = {"label": 4, "time": "2026-03-01T12:00:00+0000", "strokes": [ONE]}
    store = play.SampleStore(tmp_path)
    store.path.write_text(json.dumps(learnt) + "\n" + json.dumps(since) + "\n")
    personal = play.personal_model_path(tmp_path)
    personal.write_bytes(b"")  # only its time counts here
    made = time.mktime((2026, 2, 1, 12, 0, 0, 0, 0, -1))
    os.utime(personal, (made, made))
    app = play.DigitApp(shipped_model, samples=store, personal=True)
    assert app.model.digits.unique().tolist() == [4]  # the 2 is learnt; the 4 taught since is remembered
    stroke(app, SEVEN)
    assert app.prediction()[0] == 7


def test_the_app_starts_remembering_only_the_digits_taught_last(screen, shipped_model, tmp_path, monkeypatch):
    monkeypatch.setattr(play, "REMEMBER_AT_START", 2)
    store = play.SampleStore(tmp_path)
    for digit in (1, 2, 3):
        store.add([ONE], digit, 1)
    app = play.DigitApp(shipped_model, samples=store)
    assert sorted(app.model.digits.unique().tolist()) == [2, 3]


def test_a_click_on_a_digits_row_teaches_that_digit(app):
    stroke(app, ONE)
    row = play.ROWS_TOP + 4 * play.ROW_HEIGHT + play.ROW_HEIGHT // 2
    stroke(app, [(play.BAR_LEFT + 40, row)])
    assert [s["label"] for s in app.samples.read()] == [4]
    assert len(app.strokes) == 1  # the click drew nothing


def test_teaching_a_blank_canvas_or_into_a_folder_it_cannot_write_says_so(screen, shipped_model, tmp_path):
    (tmp_path / "a file").write_text("")
    app = play.DigitApp(shipped_model, samples=play.SampleStore(tmp_path / "a file"))
    app.handle(digit_key(3))
    assert app.status.startswith("nothing to teach")
    stroke(app, ONE)
    app.handle(digit_key(1))
    assert app.status.startswith("not kept") and "a file" in app.status
    assert app.prediction()[0] == 1  # nothing else lost


PHOTO = REPO / "Assets" / "photo_of_a_digit.jpg"  # an MNIST 4, printed and photographed


def drop(path):
    return pygame.event.Event(pygame.DROPFILE, file=str(path))


def test_a_picture_dropped_on_the_window_is_read(app, screen):
    stroke(app, SEVEN)
    app.handle(drop(PHOTO))
    app.render(screen)
    assert app.prediction()[0] == 4 and app.strokes == []
    assert app.preview.any() and canvas_pixels(app).any()  # the picture's ink fills the canvas
    assert "photo_of_a_digit.jpg" in app.status
    assert pygame.display.get_caption()[0].startswith("Digit Recognizer - 4 (")
    stroke(app, ONE)  # drawing starts afresh
    np.testing.assert_array_equal(canvas_pixels(app), painted([ONE]))
    assert app.strokes == [ONE] and app.prediction()[0] == 1


def test_a_file_that_is_not_a_picture_is_reported_and_nothing_is_lost(app, screen, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    stroke(app, SEVEN)
    app.handle(drop(tmp_path / "notes.txt"))
    app.render(screen)
    assert "notes.txt is not a picture" in app.status
    assert app.strokes == [SEVEN] and app.prediction()[0] == 7


def test_image_option_starts_with_the_picture_read(monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    captions = []

    def watch_then_quit():  # as a user would: look at the window, then press Esc
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not captions:
            caption = pygame.display.get_caption() if pygame.display.get_init() else ()
            if caption and caption[0].startswith("Digit Recognizer - "):  # a reading is shown
                captions.append(caption[0])
            time.sleep(0.01)
        pygame.event.post(key(pygame.K_ESCAPE))

    watcher = threading.Thread(target=watch_then_quit)
    watcher.start()
    assert play.main(["--image", str(PHOTO)]) == 0
    watcher.join()
    assert captions and captions[0].startswith("Digit Recognizer - 4 (")


@pytest.mark.parametrize("end", [(560, 300), (560, 560)], ids=["horizontal", "diagonal"])
def test_fast_motion_leaves_no_gaps(app, end):
    start = (40, 40) if end[1] == 560 else (40, 300)
    stroke(app, [start, end])  # one motion event across the whole canvas
    ink = canvas_pixels(app)
    for t in np.linspace(0, 1, 200):
        x, y = (round(start[i] + t * (end[i] - start[i])) for i in range(2))
        assert ink[y, x] == 255
    # The stroke is the brush's full width across its direction, also diagonally.
    nx, ny = (0, 1) if end[1] == 300 else (-0.7071, 0.7071)
    mid = (300, 300)
    assert ink[round(mid[1] + ny * 28), round(mid[0] + nx * 28)] == 255
    assert ink[round(mid[1] + ny * 33), round(mid[0] + nx * 33)] == 0


def test_every_stroke_is_kept_as_the_pen_path(app):
    stroke(app, ONE)
    stroke(app, SEVEN)
    stroke(app, [(300, 300)])
    assert app.strokes == [ONE, SEVEN, [(300, 300)]]


def test_the_pen_stops_at_the_canvas_edge(app):
    stroke(app, [(500, 300), (700, 320)])  # dragged out over the panel
    assert app.strokes == [[(500, 300), (599, 320)]]
    assert canvas_pixels(app)[320, 599] == 255


def test_a_digit_drawn_small_in_a_corner_reads_as_drawn_big(app):
    small = [(x // 4 + 10, y // 4 + 440) for x, y in SEVEN]  # 100 px tall: the brush's strokes merge
    stroke(app, small)
    assert app.prediction()[0] == 7


def ellipse(cx, cy, rx, ry, points=40):
    """An oval drawn counter-clockwise from its top, as most people draw a zero."""
    angles = np.linspace(0, 2 * np.pi, points)  # from the top, leftwards first (y grows downwards)
    return [(round(cx - rx * np.sin(a)), round(cy - ry * np.cos(a))) for a in angles]


def test_ellipse_draws_an_oval_from_its_top_leftwards():
    points = np.array(ellipse(300, 300, 100, 200))
    assert tuple(points[0]) == tuple(points[-1]) == (300, 100)
    assert points[len(points) // 4][0] < 300  # a quarter of the way round: on the left
    assert np.ptp(points, axis=0) == pytest.approx([200, 400], abs=1)
    assert abs(points[points[:, 0].argmin()][1] - 300) <= 10  # its leftmost point halfway down, not a diagonal line


STYLED = {
    "slashed zero": ([ellipse(300, 300, 110, 180), [(200, 470), (400, 130)]], 0),
    "slashed zero, one stroke": ([ellipse(300, 300, 110, 180) + [(210, 470), (400, 130)]], 0),
    "flagged one": ([[(230, 200), (320, 90), (320, 510)]], 1),
    "flagged one with a base": ([[(230, 200), (320, 90), (320, 510)], [(230, 510), (410, 510)]], 1),
    "crossed seven": ([[(180, 110), (420, 110), (290, 500)], [(250, 300), (400, 300)]], 7),
}


@pytest.mark.parametrize("strokes, digit", STYLED.values(), ids=STYLED.keys())
def test_styles_mnist_lacks_are_read(app, strokes, digit):
    for points in strokes:
        stroke(app, points)
    assert app.prediction()[0] == digit


def spiral(cx, cy, radius, turns=3.5, points=120):
    angles = np.linspace(0, turns * 2 * np.pi, points)
    r = radius * angles / angles[-1]
    return [(round(cx + a * np.cos(t)), round(cy + a * np.sin(t))) for a, t in zip(r, angles, strict=True)]


def mark_area(screen):
    """The colours around where the large ? of "not a digit" goes."""
    cx, cy = play.NOT_A_DIGIT_CENTRE
    return {screen.get_at((x, y))[:3] for x in range(cx - 30, cx + 30, 2) for y in range(cy - 60, cy + 60, 2)}


NOT_YET_REJECTED = pytest.mark.xfail(strict=True, reason="issue #10: read as a digit, by every rule")
NOT_DIGITS = {
    "spiral": [spiral(300, 300, 220)],  # a 0 to the network, winding round three and a half times
    "scribble": [[(120 + 40 * k, 150 if k % 2 else 450) for k in range(10)]],  # a 4 to the network, in 8 corners
    "triangle": [[(300, 120), (480, 450), (120, 450), (300, 120)]],  # a 0 to the network, filling half its box
    # read as a 0: three sharp corners, as many as a 0 may have, since the fourth is where the pen starts
    "square": pytest.param([[(150, 150), (450, 150), (450, 450), (150, 450), (150, 150)]], marks=NOT_YET_REJECTED),
    "letter A": pytest.param([[(150, 500), (300, 100), (450, 500)], [(200, 350), (400, 350)]], marks=NOT_YET_REJECTED),
}


def assert_shows_not_a_digit(app, screen):
    assert app.prediction()[0] is None and app.number() == play.NOT_A_DIGIT_MARK
    assert app.caption() == f"{play.TITLE} - not a digit"
    app.render(screen)
    assert play.RED in mark_area(screen)  # the large ?, where no bar reaches
    rows = [screen.get_at((x, y))[:3] for x in range(play.BAR_LEFT, play.BAR_LEFT + 90)
            for y in range(play.ROWS_TOP, play.ROWS_TOP + 10 * play.ROW_HEIGHT, 3)]
    assert play.GREEN not in rows  # and no digit is green


def test_a_reading_of_no_digit_in_particular_shows_a_large_question_mark(app, screen):
    stroke(app, ONE)
    app.show([play.Reading([0], app.preview, np.full(10, 0.1))])  # the ten equally likely
    assert_shows_not_a_digit(app, screen)
    one = np.eye(10)[1]
    unsure = play.Reading([1], app.preview, np.full(10, 0.1))
    app.show([play.Reading([0], app.preview, one), unsure, play.Reading([2], app.preview, one)])
    assert app.number() == "1?1" and app.caption() == f"{play.TITLE} - 1?1"  # in a number, that part is a ?
    app.show([play.Reading([0], app.preview, one), unsure])  # ... but half of them unread is no number
    assert_shows_not_a_digit(app, screen)
    app.clear()
    assert app.caption() == play.TITLE  # a blank canvas stays blank: no ?
    app.render(screen)
    assert play.RED not in mark_area(screen)


@pytest.mark.parametrize("strokes", NOT_DIGITS.values(), ids=NOT_DIGITS.keys())
def test_what_is_not_a_digit_reads_as_not_a_digit(app, screen, strokes):
    for points in strokes:
        stroke(app, points)
    assert_shows_not_a_digit(app, screen)


def test_a_drawing_in_more_parts_than_a_digit_reads_as_not_a_digit(app, screen):
    for points in HOUSE:
        stroke(app, points)
    assert len(app.readings) == 1  # one drawing, not a number
    assert_shows_not_a_digit(app, screen)


def test_a_drawing_that_comes_apart_into_a_digit_and_a_non_digit_reads_as_not_a_digit(app, screen):
    stroke(app, arc(150, 300, 100, 0, 2 * np.pi, 40))  # a 0 ...
    stroke(app, spiral(430, 300, 120))  # ... beside a spiral: a doodle, not the number 0
    assert [r.digit for r in app.readings] == [0, None]
    assert_shows_not_a_digit(app, screen)


def arc(x, y, radius, start, end, points=24):
    """Canvas points along a circle about (x, y), from angle `start` to `end` clockwise from the top."""
    return [(round(x + radius * np.sin(a)), round(y - radius * np.cos(a))) for a in np.linspace(start, end, points)]


def test_a_loop_with_a_handle_outside_it_reads_as_not_a_digit(app, screen):
    stroke(app, arc(300, 340, 170, 0, 2 * np.pi, 48))
    stroke(app, arc(300, 200, 90, -1.5, 1.5, 16))  # a purse: a 0 to the network, its handle outside the loop
    assert len(app.readings) == 1 and app.readings[0].probs.argmax() == 0
    assert_shows_not_a_digit(app, screen)


def test_an_outline_with_a_short_line_inside_it_reads_as_not_a_digit(app, screen):
    stroke(app, arc(300, 300, 170, 0, 2 * np.pi, 48))
    stroke(app, [(240, 360), (300, 380), (360, 360)])  # a face's mouth: a 0 to the network, too short for a slash
    assert len(app.readings) == 1 and app.readings[0].probs.argmax() == 0
    assert_shows_not_a_digit(app, screen)


def test_a_bow_tie_twice_as_wide_as_tall_reads_as_not_a_digit(app, screen):
    stroke(app, [(100, 200), (500, 400), (500, 200), (100, 400), (100, 200)])  # a 4 to the network; no 4 is that wide
    assert len(app.readings) == 1 and app.readings[0].probs.argmax() == 4
    assert_shows_not_a_digit(app, screen)


def test_a_c_reads_as_not_a_digit_though_the_network_sees_a_6(app, screen):
    stroke(app, arc(300, 300, 160, 7.0, 2.27, 40))  # from its top round to its foot: its loop never closes
    assert len(app.readings) == 1 and app.readings[0].probs.argmax() == 6
    assert_shows_not_a_digit(app, screen)


def test_an_r_reads_as_not_a_digit_though_the_network_sees_an_8(app, screen):
    stroke(app, [(200, 100), (200, 500)])  # its stem, then its bowl and leg: two parts each as tall as it
    stroke(app, [(165, 110), (330, 100), (380, 190), (340, 280), (200, 300), (400, 500)])  # begun over the stem
    assert len(app.readings) == 1 and app.readings[0].probs.argmax() == 8
    assert_shows_not_a_digit(app, screen)


# Read with certainty as a 0 and a 9, and each drawn in three parts: no 0 or 9 is written in more than two.
IN_MORE_PARTS_THAN_THEIR_DIGIT = {
    "face": [arc(300, 300, 180, 0, 2 * np.pi, 48), [(300, 250), (290, 330)], arc(300, 300, 110, 2.2, 4.1, 16)],
    "lollipop": [arc(300, 200, 120, 0, 2 * np.pi, 40), [(300, 320), (300, 560)], arc(300, 200, 60, 0, 2 * np.pi)],
}


@pytest.mark.parametrize("strokes", IN_MORE_PARTS_THAN_THEIR_DIGIT.values(), ids=IN_MORE_PARTS_THAN_THEIR_DIGIT.keys())
def test_a_drawing_in_more_parts_than_the_digit_it_looks_like_reads_as_not_a_digit(app, screen, strokes):
    for points in strokes:
        stroke(app, points)
    assert len(app.readings) == 1 and app.readings[0].drawn.parts == 3
    assert_shows_not_a_digit(app, screen)


DASH, WAVE = [(250, 300), (350, 305)], [(100 + 40 * k, 280 + 40 * (k % 2)) for k in range(11)]


@pytest.mark.parametrize("strokes", [[DASH], [WAVE]], ids=["dash", "wave"])
def test_a_drawing_much_wider_than_tall_reads_as_not_a_digit(app, screen, strokes):
    for points in strokes:  # the network reads either as a 2, surely
        stroke(app, points)
    assert_shows_not_a_digit(app, screen)


# Read as a 0 at 0.88, in one part, no wider than a digit: only its features tell that it is like no
# digit (non_digits.LEAST_LIKENESS). (An X, read as a 4 at 0.91, is told by its pen path as well: its
# two parts each span its height, see non_digits.MOST_SECOND_HEIGHT; an N, read as a 1 at 0.59, goes
# up and down more than a 1 does, see UP_AND_DOWN.)
UNLIKE_ANY_DIGIT = {
    "letter M": [[(120, 500), (150, 100), (300, 350), (450, 100), (480, 500)]],
}


@pytest.mark.parametrize("strokes", UNLIKE_ANY_DIGIT.values(), ids=UNLIKE_ANY_DIGIT.keys())
def test_a_drawing_unlike_the_digit_it_is_read_as_reads_as_not_a_digit(app, screen, strokes):
    for points in strokes:
        stroke(app, points)
    reading = app.readings[0]
    assert len(app.readings) == 1 and non_digits.read(reading.probs, reading.drawn) is not None  # sure of a digit
    assert_shows_not_a_digit(app, screen)


# Read as a 0 at 1.0 and 0.97, in one part, and like a 0 enough for the likeness: only their corners tell
# (four, and no 0 has more than three: non_digits.MOST_CORNERS).
CORNERED = {
    "square begun mid-side": SQUARE_BEGUN_MID_SIDE,
    "T-shirt": [[(250, 150), (150, 200), (100, 300), (180, 320), (200, 260), (200, 500), (400, 500), (400, 260),
                 (420, 320), (500, 300), (450, 200), (350, 150), (300, 200), (250, 150)]],
}


@pytest.mark.parametrize("strokes", CORNERED.values(), ids=CORNERED.keys())
def test_a_drawing_with_more_corners_than_the_digit_it_is_read_as_reads_as_not_a_digit(app, screen, strokes):
    for points in strokes:
        stroke(app, points)
    reading = app.readings[0]
    assert reading.drawn.corners > non_digits.MOST_CORNERS[0] and reading.probs.argmax() == 0
    assert_shows_not_a_digit(app, screen)


# Read as a 4 at 0.96 and 1.0 and a 1 at 0.59, in one part, no wider and with no more corners than the
# digit read: their pen goes up and down more than that digit's does (non_digits.MOST_TRAVEL).
UP_AND_DOWN = {
    "letter u": [[(170, 150), (170, 400), (220, 470), (300, 480), (380, 420), (400, 150), (400, 480)]],
    "letter w": [[(120, 150), (190, 470), (280, 220), (370, 470), (450, 150)]],
    "letter N": [[(150, 500), (150, 100), (450, 500), (450, 100)]],
}


@pytest.mark.parametrize("strokes", UP_AND_DOWN.values(), ids=UP_AND_DOWN.keys())
def test_a_drawing_going_up_and_down_more_than_the_digit_it_is_read_as_reads_as_not_a_digit(app, screen, strokes):
    for points in strokes:
        stroke(app, points)
    reading = app.readings[0]
    named = reading.probs.argmax()
    assert len(app.readings) == 1 and reading.probs.max() > non_digits.NOT_A_DIGIT_BELOW
    assert reading.drawn.travel > non_digits.MOST_TRAVEL[named]
    assert_shows_not_a_digit(app, screen)


def test_a_digit_gone_over_again_is_still_a_digit(app):
    for _ in range(max(non_digits.MOST_PARTS) + 1):
        stroke(app, SEVEN)
    assert app.prediction()[0] == 7


@pytest.mark.parametrize("strokes, digit", [([ONE], 1), ([SEVEN], 7), (STYLED["crossed seven"][0], 7),
                                            (written("0", 300, left=200, top=150), 0)],
                         ids=["one", "seven", "crossed seven", "slashed zero"])
def test_digits_are_not_taken_for_something_else(app, screen, strokes, digit):
    for points in strokes:
        stroke(app, [(round(x), round(y)) for x, y in points])
    assert app.prediction()[0] == digit and app.caption().startswith(f"{play.TITLE} - {digit} (")
    app.render(screen)
    assert play.RED not in mark_area(screen)


def test_a_click_draws_a_dot(app):
    stroke(app, [(300, 300)])
    ink = canvas_pixels(app)
    assert ink[300, 300 + play.BRUSH_RADIUS - 2] == 255 and ink[300, 300 + play.BRUSH_RADIUS + 2] == 0
    assert app.prediction() is not None


def test_readout_updates_live_while_drawing_and_is_throttled(app):
    app.handle(press(SEVEN[0]))
    app.last_classified = float("-inf")
    app.handle(move(SEVEN[1]))
    assert app.prediction() is not None  # before the button is released
    first = app.last_classified
    app.handle(move(SEVEN[2]))  # right after: within LIVE_INTERVAL, no new classification
    assert app.last_classified == first
    app.handle(release(SEVEN[2]))
    assert app.last_classified > first  # and always once more at the end of the stroke


def test_clicks_on_the_panel_do_not_draw(app):
    stroke(app, [(700, 300), (650, 400)])
    assert not canvas_pixels(app).any() and app.prediction() is None


def test_nothing_is_written_to_the_current_folder(app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    stroke(app, SEVEN)
    assert os.listdir(tmp_path) == []


def test_main_loop_draws_classifies_and_quits(app, screen):
    for event in [press(ONE[0]), move(ONE[1]), release(ONE[1]), key(pygame.K_ESCAPE)]:
        pygame.event.post(event)
    app.run(screen)  # returns on Esc
    assert app.prediction()[0] == 1
    assert app.caption().startswith("Digit Recognizer - 1 (")


WINDOW_EVENTS = {"exposed": pygame.WINDOWEXPOSED, "shown": pygame.WINDOWSHOWN, "restored": pygame.WINDOWRESTORED,
                 "video expose": pygame.VIDEOEXPOSE}


@pytest.mark.parametrize("kind", WINDOW_EVENTS.values(), ids=WINDOW_EVENTS.keys())
def test_the_window_is_repainted_when_uncovered_or_restored(app, screen, kind):
    stroke(app, SEVEN)
    app.render(screen)
    screen.fill((0, 0, 0))  # what a covering window or a minimize leaves without a compositor
    app.handle(pygame.event.Event(kind))
    assert app.needs_redraw
    pygame.event.post(pygame.event.Event(kind))
    pygame.time.set_timer(key(pygame.K_ESCAPE), 100, loops=1)  # quit a moment later, as a user would
    app.run(screen)
    assert screen.get_at(play.CLEAR_BUTTON.center)[:3] == play.RED  # painted again


def test_closing_the_window_quits(app):
    assert app.handle(pygame.event.Event(pygame.QUIT)) is False


def test_importing_play_opens_no_window():
    code = "import pygame, play; assert not pygame.display.get_init()"
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


@pytest.mark.parametrize("content", [None, b"not a model"], ids=["missing", "corrupt"])
def test_bad_model_file_exits_1_with_one_line(tmp_path, content):
    path = tmp_path / "missing.pt"
    if content is not None:
        path.write_bytes(content)
    result = subprocess.run([sys.executable, "play.py", "--model", str(path)], cwd=REPO,
                            capture_output=True, text=True, env={**os.environ, "SDL_VIDEODRIVER": "dummy"}, timeout=120)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "missing.pt" in lines[0] and "MNIST_TRAIN.ipynb" in lines[0]
    assert "Traceback" not in result.stderr


def run_play(env_changes, timeout=120):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    return subprocess.run([sys.executable, "play.py"], cwd=REPO, capture_output=True, text=True,
                          env={**env, **env_changes}, timeout=timeout)


@pytest.mark.parametrize("env, reason", [({}, "no display to open the window on"),
                                         ({"SDL_VIDEODRIVER": "x11"}, "cannot open a window (x11 not available)")],
                         ids=["no display", "missing driver"])
def test_without_a_display_it_exits_1_and_says_why(env, reason):
    result = run_play(env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert reason in result.stderr.strip().splitlines()[-1] and "DISPLAY" in result.stderr


# Known defect, under investigation: in 3 of about 10 full-suite runs of 2026-11-27 the app was still
# running 20 s after SIGINT; alone, and by hand, it quits every time. Not strict until the cause is found.
@pytest.mark.xfail(strict=False, raises=subprocess.TimeoutExpired, reason="sporadic hang after SIGINT in full runs")
def test_ctrl_c_in_the_terminal_quits_quietly():
    # started and waiting for events (if not, the interrupt must be quiet all the same)
    returncode, err = interrupt_play(wait_until_idle)
    assert returncode == 130 and "Traceback" not in err


@pytest.mark.parametrize("after", [0.2, 0.5, 1.0])
def test_ctrl_c_while_it_starts_quits_quietly(after):
    """Ctrl-C pressed just after `python play.py`, while torch is still loading, ends it without a traceback."""
    returncode, err = interrupt_play(lambda pid: time.sleep(after))
    assert returncode in (130, -signal.SIGINT) and "Traceback" not in err, err


def test_ctrl_c_is_handed_back_before_any_slow_import():
    """The Ctrl-C test above failed now and then at 0.2 s: numpy was imported before the handler was set."""
    statements = ast.parse((REPO / "play.py").read_text()).body
    handed_back = next(i for i, node in enumerate(statements)
                       if isinstance(node, ast.If) and "signal.SIG_DFL" in ast.unparse(node))
    modules = set()
    for node in statements[:handed_back]:
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            modules.add(node.module.split(".")[0])
    assert modules <= sys.stdlib_module_names, modules - sys.stdlib_module_names


def interrupt_play(wait):
    """Start `python play.py` as from a terminal, press Ctrl-C once `wait(pid)` returns: its exit code and stderr."""
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy"}
    app = subprocess.Popen([sys.executable, "play.py"], cwd=REPO, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, preexec_fn=as_from_a_terminal)
    wait(app.pid)
    app.send_signal(signal.SIGINT)
    try:
        _, err = app.communicate(timeout=20)
    finally:
        app.kill()  # a hung app must not outlive the test
    return app.returncode, err


def as_from_a_terminal():
    """SIGINT as a shell gives it to a program it starts: not blocked, default action (a child inherits
    both from its parent, whatever the test run did to them)."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_until_idle(pid, least=3.0, most=30.0):
    """Until the process has used (next to) no CPU for a second after `least` seconds, or `most` have passed."""
    def cpu_ticks():
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime

    if not Path(f"/proc/{pid}/stat").exists():  # not Linux: a generous fixed wait
        time.sleep(8)
        return
    deadline = time.monotonic() + most
    time.sleep(least)
    last = cpu_ticks()
    while time.monotonic() < deadline:
        time.sleep(1)
        ticks = cpu_ticks()
        if ticks - last <= 2:  # at most 2 ticks (20 ms) of CPU in the last second
            return
        last = ticks


def test_model_is_warmed_up_before_the_first_stroke(screen, shipped_model):
    inputs = []
    hook = shipped_model.conv1.register_forward_hook(lambda module, args, output: inputs.append(args[0]))
    try:
        app = play.DigitApp(shipped_model)
    finally:
        hook.remove()
    assert len(inputs) == 1 and inputs[0].any()  # the model ran once, on real ink
    assert app.prediction() is None and not app.preview.any()  # and the app starts blank


# --- numbers: several digits on the canvas ---------------------------------------------------------


def write_recorded(app, name):
    """Draw the strokes recorded in tests/`name` (a list of strokes, each a list of [x, y])."""
    for points in json.loads((Path(__file__).parent / name).read_text()):
        stroke(app, [tuple(point) for point in points])


def write(app, text, height=110, gap=0.3):
    """`text` written with the mouse, digit after digit, each stroke through the app's event path."""
    for points in written(text, height, gap, left=40, top=200):
        stroke(app, [(round(x), round(y)) for x, y in points])


@pytest.mark.parametrize("text, height", [("17", 110), ("345", 110), ("12457", 110), ("2o24", 80)])
def test_a_number_is_read_left_to_right(app, screen, text, height):
    write(app, text, height)
    number = text.replace("o", "0")
    assert app.number() == number and app.caption() == f"{play.TITLE} - {number}"
    assert app.prediction()[0] == int(text[-1])  # the rows show the digit last drawn
    app.render(screen)
    box = play.NUMBER_BOX
    number_row = [screen.get_at((x, box.top + 20))[:3] for x in range(box.left, box.right)]
    assert play.GREEN in number_row  # the number, large and green, where one digit's preview is


@pytest.mark.parametrize("text, gap", [("1o", 0.0), ("10", -0.25), ("71", -0.2), ("111", -0.25)])
def test_a_1_written_close_to_its_neighbour_stays_a_digit_of_its_own(app, text, gap):
    write(app, text, gap=gap)  # the pair reads as one 0 or 7 with more confidence than as two digits
    assert app.number() == text.replace("o", "0")


# Numbers recorded as benchmarks/written_numbers.py wrote them with slight overlaps (its number, and
# --seed), from one writer's real pen digits (the UNIPEN sample) or MNIST test digits traced along
# their skeletons; each was read wrong once, as said beside it.
RECORDED_NUMBERS = [
    # 139, --seed 1: the 8 and the 9, read as one, are an 8 that the rules of Not a digit doubt,
    # however sure the network is of it.
    pytest.param("pen_number_898317.json", "898317", id="digits_written_close_are_not_one_drawing_that_is_no_digit"),
    # MNIST 462: the 3's top, a flat piece, reaches a little past its body, which read without it is
    # a short 2; the 9 before it and the body were read as one doubted 8.
    pytest.param("mnist_number_8993.json", "8993", id="a_top_traced_apart_is_read_with_the_body_it_reaches_past"),
    # 695, --seed 1: the stem stands half the digit's height clear of the bar, which is too short to be
    # a digit on its own. Read apart, the bar is no digit and the stem a 1: the app answered ?.
    pytest.param("pen_number_4.json", "4", id="a_4_whose_stem_is_written_well_clear_of_its_bar_is_one_digit"),
    # 117, --seed 1: the first 5's bar, written after its body, lies clear of it and ends nearer the 8,
    # but is begun at the top of the 5's stem. Given to the 8, it read 5?15.
    pytest.param("pen_number_5815.json", "5815", id="a_bar_written_apart_goes_to_the_digit_it_is_begun_at"),
    # 448, --seed 1: the second 4's bar begins on the first's stem, and the network is as sure of 4
    # and 1 (the first 4 with that bar, then the second's stem) as of 4 and 4: 6414.
    pytest.param("pen_number_6444.json", "6444", id="a_4s_bar_reaching_back_over_the_stem_before_stays_with_its_stem"),
    # MNIST 809, --seed 1: a 0 traced in two halves, each as tall as the digit; the first begins and
    # ends on the second. Two strokes that tall are most often two digits: read apart, 6 and ?.
    pytest.param("mnist_number_0.json", "0", id="a_0_in_two_halves_that_close_its_loop_is_one_digit"),
]


@pytest.mark.parametrize("name, number", RECORDED_NUMBERS)
def test_a_recorded_number_is_read_as_written(app, name, number):
    write_recorded(app, name)
    assert app.number() == number


def test_a_5_whose_bar_is_written_apart_reads_as_one_digit(app):
    one, five_body, _ = written("15", 110, 0.3, left=40, top=200)
    right = max(x for x, _ in five_body)
    bar_apart = [(right + 44, 200), (right + 83, 202)]  # 0.4 of the height clear of the body
    for points in (one, five_body, bar_apart):
        stroke(app, [(round(x), round(y)) for x, y in points])
    assert app.number() == "15"


def test_digits_written_out_of_order_still_read_left_to_right(app):
    one, *seven = written("17", 110, 0.3, left=40, top=200)
    for points in seven + [one]:  # the 7 first, then the 1 to its left
        stroke(app, [(round(x), round(y)) for x, y in points])
    assert app.number() == "17"


def test_a_two_stroke_4_and_5_stay_whole(app):
    write(app, "45")
    assert [reading.strokes for reading in app.readings] == [[0, 1], [2, 3]] and app.number() == "45"


@pytest.mark.parametrize("digit", ["4", "5", "7"])
def test_a_single_digit_reads_exactly_as_before(app, digit, shipped_model):
    write(app, digit, height=300)
    whole = play.model_input(app.strokes)  # the whole drawing as one digit, the app's way before numbers
    np.testing.assert_array_equal(app.preview, whole[0, 0].numpy())
    np.testing.assert_allclose(app.probs, play.read_drawings(shipped_model, [app.strokes])[0][0], atol=1e-6)
    assert app.caption().startswith(f"{play.TITLE} - {digit} (")


def test_undo_and_clear_reset_the_number(app):
    write(app, "345")
    app.handle(UNDO)  # the 5's bar
    app.handle(UNDO)  # the 5
    assert app.number() == "34"
    app.handle(key(pygame.K_c))
    assert app.readings == [] and app.caption() == play.TITLE


def test_the_rows_show_the_digit_under_the_mouse(app):
    write(app, "17")
    app.handle(pygame.event.Event(pygame.MOUSEMOTION, pos=(70, 250), rel=(0, 0), buttons=(0, 0, 0)))
    assert app.prediction()[0] == 1
    app.handle(pygame.event.Event(pygame.MOUSEMOTION, pos=(180, 250), rel=(0, 0), buttons=(0, 0, 0)))
    assert app.prediction()[0] == 7


def test_ctrl_s_saves_the_number_read(screen, shipped_model, tmp_path):
    app = play.DigitApp(shipped_model, save_dir=tmp_path)
    write(app, "17")
    app.handle(SAVE)
    assert json.loads((tmp_path / "drawing-1.json").read_text())["number"] == "17"


def test_a_digit_key_teaches_only_the_digit_the_rows_show(app):
    write(app, "17")
    app.handle(digit_key(7))
    assert [sample["label"] for sample in app.samples.read()] == [7]
    assert app.samples.read()[0]["strokes"] == [[list(p) for p in s] for s in app.strokes[1:]]


def test_a_full_memo_is_emptied_before_reading_not_during(shipped_model):
    one, other = [[(100, 100), (100, 300)]], [[(300, 100), (300, 300)]]
    memo = {}
    play.read(shipped_model, [one], memo)  # one is read and kept
    memo.update({("filler", k): None for k in range(play.MEMO_SIZE)})
    images, probs, *_ = play.read(shipped_model, [one, other], memo)  # a KeyError when the memo was emptied midway
    assert len(images) == 2 and probs.shape == (2, 10) and probs[0].argmax() == probs[1].argmax() == 1
