"""non_digits.py: the rule that says "not a digit", and the made-up drawings that teach it."""

import sys

import numpy as np
import pytest
import torch
from conftest import HOUSE, REPO, SQUARE_BEGUN_MID_SIDE

import non_digits
import play
from model import NOT_A_DIGIT, ImageClassifier, train_step
from non_digits import PICTURE, Drawn, how_drawn, is_digit, make_non_digits, read

sys.path.insert(0, str(REPO / "benchmarks"))
import not_a_digit as benchmark  # noqa: E402


def probabilities(top, digit=3):
    """Ten probabilities summing to 1, `top` on `digit` and the rest shared evenly."""
    p = np.full(10, (1 - top) / 9)
    p[digit] = top
    return p


def test_a_clear_winner_is_a_digit_and_an_even_spread_is_not():
    assert read(probabilities(0.9, digit=7)) == 7
    assert read(np.full(10, 0.1)) is None
    assert read(probabilities(non_digits.NOT_A_DIGIT_BELOW)) == 3  # the threshold itself is a digit
    assert is_digit(np.stack([probabilities(0.95), np.full(10, 0.1)])).tolist() == [True, False]


def test_the_app_and_the_benchmark_use_the_one_threshold(monkeypatch):
    for threshold, expected in ((0.6, [False, True]), (0.8, [False, False])):
        monkeypatch.setattr(non_digits, "NOT_A_DIGIT_BELOW", threshold)
        reading = play.Reading([0], np.zeros((28, 28)), probabilities(0.7))  # read as the app reads it now
        assert benchmark.named(np.array([0.3, 0.7])).tolist() == expected
        assert (reading.digit is not None) == expected[1]
    assert reading.shown == play.NOT_A_DIGIT_MARK


def test_parts_of_which_most_are_digits_are_a_number():
    assert not non_digits.is_number([]) and not non_digits.is_number([None])
    assert non_digits.is_number([7]) and non_digits.is_number([4, None, 2])
    assert not non_digits.is_number([0, None]) and not non_digits.is_number([None, 1, None])


# Drawings in canvas pixels, a list of strokes each.
FOUR = [[(200, 100), (140, 330), (330, 330)], [(280, 180), (280, 500)]]
CROSSED_SEVEN = [[(150, 100), (400, 100)], [(400, 100), (250, 500)], [(250, 300), (400, 300)]]


def parts_of(strokes):
    return how_drawn(strokes).parts


def test_a_digit_is_written_in_a_few_parts_and_a_house_in_more():
    assert parts_of(FOUR) == 2 and parts_of(CROSSED_SEVEN) == 3
    assert parts_of(HOUSE) == 4 > max(non_digits.MOST_PARTS)
    assert parts_of([]) == 0 and parts_of([[(5, 5)]]) == 0  # a dot alone is no part


def test_dots_and_retouches_are_not_parts():
    dot, tick = [(330, 90)], [(150, 480), (160, 470)]  # a click, and a slip of the pen much smaller than the 4
    retouch = [(205, 105), (146, 328)]  # the 4's first line drawn again, a few pixels off
    assert parts_of([*FOUR, [dot], tick, retouch]) == 2
    assert parts_of([FOUR[0], [(140, 330), (140, 500)], *FOUR]) == 3  # a stroke beside the ink is one


def in_parts(count):
    return Drawn(parts=count, width=1.0)


def test_a_drawing_in_too_many_parts_is_not_a_digit_however_sure_the_network_is():
    sure = probabilities(0.99, digit=4)
    assert read(sure, how_drawn(FOUR)) == 4 and read(sure, how_drawn(HOUSE)) is None
    assert is_digit(np.stack([sure, sure]), [in_parts(3), in_parts(4)]).tolist() == [True, False]
    assert read(sure) == 4  # a picture has no pen path: one part
    assert non_digits.digit_score(np.stack([sure, sure]), [in_parts(1), in_parts(4)]).tolist() == [0.99, 0.0]


def test_each_digit_has_its_own_most_parts():
    sure = {digit: probabilities(0.99, digit) for digit in range(10)}
    assert read(sure[7], in_parts(3)) == 7 and read(sure[1], in_parts(3)) == 1  # crossed, and with flag and foot
    assert read(sure[8], in_parts(2)) == 8 and read(sure[8], in_parts(3)) is None
    assert read(sure[0], in_parts(3)) is None


def test_a_drawing_much_wider_than_tall_is_not_a_digit_however_sure_the_network_is():
    dash, two = [[(150, 300), (450, 306)]], [[(150, 300), (300, 200), (330, 300), (150, 400), (350, 400)]]
    assert how_drawn(dash).width > non_digits.WIDEST[2] >= how_drawn(two).width
    assert read(probabilities(0.99, digit=2), how_drawn(dash)) is None
    assert read(probabilities(0.99, digit=2), how_drawn(two)) == 2
    assert how_drawn([]) == Drawn(parts=0, width=0.0)


def test_each_digit_has_its_own_widest():
    loaf = how_drawn([[(100, 400), (100, 250), (200, 180), (400, 180), (500, 250), (500, 400), (100, 400)]])
    assert 1.6 < loaf.width < 2  # wide for a 9 or an 8, as a 0 or a 2 may be
    assert read(probabilities(0.99, digit=9), loaf) is None and read(probabilities(0.99, digit=8), loaf) is None
    assert read(probabilities(0.99, digit=0), loaf) == 0 and read(probabilities(0.99, digit=2), loaf) == 2
    assert len(non_digits.WIDEST) == 10 and max(non_digits.WIDEST) <= 2.5


def corners_of(strokes):
    return how_drawn(strokes).corners


def test_sharp_turns_of_the_pen_path_are_corners_and_curves_are_not():
    circle = [[(300 + 150 * np.sin(a), 300 - 150 * np.cos(a)) for a in np.linspace(0, 2 * np.pi, 60)]]
    jittered = [[(x + (-2) ** (k % 2), y) for k, (x, y) in enumerate(circle[0])]]  # a shaky mouse
    assert corners_of(circle) == 0 and corners_of(jittered) == 0 and corners_of(SQUARE_BEGUN_MID_SIDE) == 4
    assert corners_of(FOUR) == 1  # the 4's first stroke turns once; its stem is straight
    assert corners_of([[(100 + 40 * k, 150 if k % 2 else 450) for k in range(10)]]) == 8  # a zigzag
    assert corners_of([[(5, 5)]]) == 0 and PICTURE.corners == 0


def test_a_spiral_winds_round_its_middle_more_often_than_any_digit():
    def circle(turns):
        return [(300 + 150 * np.sin(a), 300 - 150 * np.cos(a)) for a in np.linspace(0, turns * 2 * np.pi, 60 * turns)]

    spiral = [(300 + r * np.sin(a), 300 - r * np.cos(a)) for r, a in zip(np.linspace(5, 150, 200),
                                                                         np.linspace(0, 7 * np.pi, 200), strict=True)]
    assert how_drawn([circle(1)]).turns == pytest.approx(1, abs=0.05)
    assert how_drawn([spiral]).turns == pytest.approx(3.5, abs=0.1) and non_digits.MOST_TURNS < 3.5
    sure_zero = probabilities(0.99, digit=0)
    assert read(sure_zero, how_drawn([spiral])) is None
    assert read(sure_zero, how_drawn([circle(2)])) == 0  # a 0 gone over again in one stroke
    assert how_drawn([FOUR[1], [(200, 150)]]).turns < 0.5  # a line, and a dot beside it, go round nothing


def arc(start, end, radius=150, centre=(300, 300), points=40):
    return [(centre[0] + radius * np.sin(a), centre[1] - radius * np.cos(a)) for a in np.linspace(start, end, points)]


def test_a_0_is_a_loop_with_a_slash_through_it_not_a_loop_with_a_handle_outside():
    loop, handle = arc(0, 2 * np.pi), arc(-1.4, 1.4, radius=80, centre=(300, 150))  # a purse
    slashed = how_drawn([loop, [(150, 500), (450, 100)]])  # its slash reaching out beyond the loop
    assert slashed.inside > 0.5 and read(probabilities(0.99, digit=0), slashed) == 0
    assert how_drawn([loop, handle]).inside == 0 and how_drawn([handle, loop]).inside == 0
    assert how_drawn([arc(0, np.pi), arc(np.pi, 2 * np.pi)]).inside == 1  # a 0 in two halves: neither closes
    assert how_drawn([loop]).inside == 1 and PICTURE.inside == 1
    purse = how_drawn([loop, handle])
    assert read(probabilities(0.99, digit=0), purse) is None
    assert read(probabilities(0.99, digit=9), purse) == 9  # a 9 is a loop with its stem outside


def test_a_0_is_a_loop_with_a_slash_across_it_not_an_outline_with_a_short_line_inside():
    loop, sure_zero = arc(0, 2 * np.pi), probabilities(0.99, digit=0)
    slashed, pond = how_drawn([loop, [(150, 500), (450, 100)]]), how_drawn([loop, [(260, 320), (340, 300)]])
    assert slashed.reach > 1 and read(sure_zero, slashed) == 0
    assert pond.inside == 1 and pond.reach < non_digits.LEAST_SLASH  # a ripple on a pond
    assert read(sure_zero, pond) is None and read(probabilities(0.99, digit=6), pond) == 6
    assert how_drawn([loop]).reach == 1 and PICTURE.reach == 1


def test_a_0_is_an_oval_and_a_triangle_or_an_n_is_not():
    sure_zero = probabilities(0.99, digit=0)
    oval = how_drawn([[(300 + 100 * np.cos(a) - 60 * np.sin(a), 300 + 100 * np.cos(a) + 60 * np.sin(a))
                       for a in np.linspace(0, 2 * np.pi, 60)]])  # leaning right, as 0s do
    gone_over_twice = how_drawn([arc(0, 4 * np.pi, points=80)])
    triangle = how_drawn([[(300, 100), (480, 420), (120, 420), (300, 100)]])
    n = how_drawn([[(150, 200), (150, 450), (150, 260), (250, 200), (350, 230), (350, 450)]])  # begun at its top
    assert oval.fill == pytest.approx(np.pi / 4, abs=0.02)
    assert gone_over_twice.fill == pytest.approx(np.pi / 4, abs=0.02)  # its area counted once
    assert triangle.fill == pytest.approx(0.5, abs=0.05) and n.fill < non_digits.LEAST_0_FILL
    assert read(sure_zero, oval) == 0 and read(sure_zero, gone_over_twice) == 0
    assert read(sure_zero, triangle) is None and read(sure_zero, n) is None
    assert read(probabilities(0.99, digit=4), triangle) == 4  # the rule is a 0's alone
    assert how_drawn([arc(0, np.pi), arc(np.pi, 2 * np.pi)]).fill == pytest.approx(np.pi / 4, abs=0.02)  # in two halves
    assert PICTURE.fill == pytest.approx(np.pi / 4) and how_drawn([[(300, 300)]]).fill == 0  # a dot encloses nothing


def test_a_6_an_8_or_a_9_closes_its_loop_and_a_c_does_not():
    six = how_drawn([[(380, 100), (260, 200), (210, 350), (250, 480), (330, 500), (390, 420), (340, 330),
                      (250, 350)]])  # its stem curls round and comes back to itself
    c = how_drawn([arc(2.3, 7.0)])  # open on its right
    assert six.loop_gap < non_digits.MOST_LOOP_GAP < c.loop_gap
    for digit in non_digits.LOOPED:
        sure = probabilities(0.99, digit)
        assert read(sure, six) == digit and read(sure, c) is None
    assert read(probabilities(0.99, digit=0), c) == 0  # a 0 left open is still a 0
    assert how_drawn([arc(0, 2 * np.pi)]).loop_gap < 0.05 and PICTURE.loop_gap == 0
    assert how_drawn([[(300, 300)]]).loop_gap == 1  # a dot: no stroke long enough to come back to itself


def test_a_loop_goes_round_and_a_stroke_gone_back_along_itself_does_not():
    h = how_drawn([[(150, 100), (150, 450), (150, 300), (250, 250), (330, 300), (330, 450)]])  # back up its stem
    r = how_drawn([[(200, 250), (200, 450), (200, 330), (260, 260), (330, 250)]])
    small_loop_six = how_drawn([[(330, 100), (230, 250), (200, 400), (240, 450), (290, 420), (280, 360),
                                 (220, 380)]])  # its loop a fifth of its height
    assert small_loop_six.loop_gap < non_digits.MOST_LOOP_GAP < min(h.loop_gap, r.loop_gap)
    for digit in non_digits.LOOPED:
        sure = probabilities(0.99, digit)
        assert read(sure, h) is None and read(sure, r) is None and read(sure, small_loop_six) == digit


def test_a_digits_second_part_is_short_beside_it_and_an_rs_is_not():
    r = how_drawn([[(200, 100), (200, 500)], [(200, 100), (330, 110), (380, 190), (340, 280), (200, 300), (400, 500)]])
    four = how_drawn([[(220, 100), (180, 350), (400, 350)], [(350, 220), (350, 500)]])  # its arm stops at the bar
    assert r.second_height > 0.95 and 0.6 < four.second_height < 0.75
    assert how_drawn([[(200, 100), (200, 500)]]).second_height == 0 and PICTURE.second_height == 0  # one part
    sure_two, sure_four, sure_eight = (probabilities(0.99, digit) for digit in (2, 4, 8))
    assert read(sure_four, four) == 4 and read(sure_four, r) is None  # a 4's arm stops at its bar
    assert read(sure_eight, four) == 8 and read(sure_eight, r) is None  # an 8 in two: one loop, then the other
    assert read(sure_two, r) is None  # a 2 is written in one stroke


def test_a_digits_pen_goes_up_and_down_only_so_often_and_a_us_more():
    four = how_drawn([[(220, 100), (180, 350), (400, 350)], [(350, 220), (350, 500)]])  # down its arm, then its stem
    u = how_drawn([[(150, 150), (150, 450), (250, 500), (350, 450), (350, 150), (350, 500)]])  # its stem gone back down
    # in steps of a twentieth of the drawing's size, so a stroke's end may fall up to a step short
    assert four.travel == pytest.approx((250 + 280) / 400, abs=0.1) and u.travel == pytest.approx(3.0, abs=0.1)
    sure_four = probabilities(0.99, digit=4)
    assert read(sure_four, four) == 4 and read(sure_four, u) is None
    assert u.travel < non_digits.MOST_TRAVEL[0]  # a 0 may go round twice, 4 heights: more than a u
    assert PICTURE.travel == 0 and how_drawn([[(300, 300)]]).travel == 0


def test_a_drawing_with_more_corners_than_its_digit_is_not_a_digit_however_sure_the_network_is():
    sure_zero, sure_four = probabilities(0.99, digit=0), probabilities(0.99, digit=4)
    cornered = Drawn(parts=1, width=1.0, corners=non_digits.MOST_CORNERS[0] + 1)
    assert read(sure_zero, cornered) is None and read(sure_zero, in_parts(1)) == 0
    assert read(sure_four, cornered) == 4  # a 4 takes more corners than a 0


def test_a_drawing_unlike_the_digit_it_is_read_as_is_not_a_digit_however_sure_the_network_is():
    sure, like = probabilities(0.99, digit=5), np.full(10, 0.5)
    unlike = like.copy()
    unlike[5] = non_digits.LEAST_LIKENESS - 0.01  # ... though like other digits
    assert read(sure, likeness=like) == 5 and read(sure, likeness=unlike) is None
    assert is_digit(np.stack([sure, sure]), [in_parts(1)] * 2, np.stack([like, unlike])).tolist() == [True, False]
    assert read(sure) == 5  # no likeness known: the other rules alone


def test_likeness_is_the_cosine_of_the_features_and_each_digits_weights():
    model = ImageClassifier().eval()
    weights = model.fc2.weight.detach()
    with torch.no_grad():
        likeness = model.likeness(torch.stack([weights[3] * 7, -weights[3], weights[3] + weights[8]]))
        images = torch.rand(4, 1, 28, 28)
        torch.testing.assert_close(model.read(images)[0], model(images))  # one pass gives forward's logits
    assert likeness.shape == (3, 10)
    assert likeness[0, 3].item() == pytest.approx(1) and likeness[1, 3].item() == pytest.approx(-1)
    assert likeness[2].argmax() in (3, 8)


def test_made_up_non_digits_are_inputs_like_any_other_and_repeat_with_their_seed():
    drawings = make_non_digits(24, seed=1)
    assert drawings.shape == (24, 1, 28, 28) and drawings.dtype == torch.float32
    assert drawings.min() >= 0 and drawings.max() <= 1
    assert (drawings.flatten(1).amax(1) > 0.5).all()  # every one has ink
    assert torch.equal(drawings, make_non_digits(24, seed=1))
    assert not torch.equal(drawings, make_non_digits(24, seed=2))
    assert make_non_digits(0).shape == (0, 1, 28, 28)


def test_each_kind_draws_what_it_claims():
    rng = np.random.default_rng(0)
    spiral = non_digits.spiral(rng)[0]
    centre = spiral.mean(axis=0)
    turning = np.unwrap(np.arctan2(*(spiral - centre).T[::-1]))
    assert abs(turning[-1] - turning[0]) >= 2.4 * 2 * np.pi  # at least 2.5 turns, give or take the squash
    square = non_digits._rectangle(0, 0, 1, 1)
    assert len(square) == 5 and (square[0] == square[-1]).all()  # closed, with four corners
    star = non_digits._polygon(rng, 5, step=2)
    assert len(star) == 6 and np.allclose(star[0], star[-1])
    assert len(non_digits.doodle(rng)) >= 3
    assert not set(non_digits.LETTERS) & set("OoDlIiJjZzSsbGBgqyh")  # nothing a person reads as a digit


def test_training_on_non_digits_spreads_their_probability_evenly():
    torch.manual_seed(0)
    model = ImageClassifier()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    drawings = make_non_digits(32, seed=3)
    digits = torch.zeros(32, 1, 28, 28)
    digits[:, :, 4:24, 13:15] = 1  # the same bar, a 1, again and again
    images = torch.cat([drawings, digits])
    labels = torch.cat([torch.full((32,), NOT_A_DIGIT), torch.ones(32, dtype=torch.long)])
    for _ in range(30):
        loss, right = train_step(model, optimizer, images, labels)
    model.eval()
    with torch.no_grad():
        p = torch.softmax(model(images), 1)
    assert right == 32  # counts the digits only
    assert p[:32].amax(1).max() < 0.3  # no digit stands out for the non-digits
    assert p[32:, 1].min() > 0.9


@pytest.mark.parametrize("count", [1, 5])
def test_a_batch_of_only_digits_or_only_non_digits_trains(count):
    model = ImageClassifier()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    images = make_non_digits(count, seed=4)
    for labels in (torch.full((count,), NOT_A_DIGIT), torch.zeros(count, dtype=torch.long)):
        loss, _ = train_step(model, optimizer, images, labels)
        assert np.isfinite(loss)
