"""segmentation.split_digits on pen strokes: which strokes make each digit, and in what order."""

import numpy as np
import pytest
from conftest import DIGITS, written
from PIL import Image, ImageDraw

from segmentation import StrokePoints, split_digits


def read_as(digit, surely, doubted=lambda drawing: False):
    """A stand-in for the network: reads each drawing as `digit`, as surely as `surely(drawing)` says,
    and as no digit at all where `doubted(drawing)` says so."""
    def read(drawings):
        probs = np.zeros((len(drawings), 10))
        for row, drawing in zip(probs, drawings, strict=True):
            row[:], row[digit] = (1 - surely(drawing)) / 9, surely(drawing)
        return probs, np.array([not doubted(drawing) for drawing in drawings], bool)
    return read


def test_no_strokes_no_digits():
    assert split_digits([]) == []


@pytest.mark.parametrize("digit", ["4", "5", "7", "0"], ids=["4 in two", "5 with its bar", "crossed 7", "slashed 0"])
def test_the_strokes_of_one_digit_stay_together(digit):
    assert split_digits(written(digit)) == [[0, 1]]


def test_digits_are_split_and_ordered_left_to_right():
    assert split_digits(written("2415")) == [[0], [1, 2], [3], [4, 5]]


def test_a_number_written_right_to_left_still_reads_left_to_right():
    two, three = written("23")
    assert split_digits([three, two]) == [[1], [0]]


def test_digits_that_slightly_overlap_are_kept_apart():
    assert split_digits(written("123", gap=-0.05)) == [[0], [1], [2]]


def test_a_drawing_whose_parts_lie_one_over_another_is_one_drawing_not_a_number():
    bench = [[(150, 300), (150, 450)],  # a leg, then the other far off: two digits so far ...
             [(450, 300), (450, 450)],
             [(100, 300), (500, 300)]]  # ... but the seat, over the second leg, reaches over the first as well
    assert split_digits(bench) == [[0, 1, 2]]
    assert split_digits(bench[:2]) == [[0], [1]]


def test_a_dot_joins_the_digit_it_is_on():
    strokes = written("17") + [[(50.0, 240.0), (51.0, 241.0)]]  # a slip of the pen on the 1
    assert split_digits(strokes) == [[0, 3], [1, 2]]


def test_a_stroke_beside_a_digit_joins_it_only_if_the_two_read_more_surely_as_one():
    open_four = [[(0.1, 0.0), (0.0, 0.65), (0.4, 0.65)], [(0.45, 0.2), (0.45, 1.0)]]  # stem clear of the bar
    strokes = [[(20 + 100 * x, 200 + 100 * y) for x, y in stroke] for stroke in open_four]
    assert split_digits(strokes) == [[0], [1]]  # nothing to read with: beside is apart
    assert split_digits(strokes, read_as(4, lambda drawing: 0.99 if len(drawing) == 2 else 0.6)) == [[0, 1]]
    assert split_digits(strokes, read_as(4, lambda drawing: 0.6 if len(drawing) == 2 else 0.99)) == [[0], [1]]


def test_a_flat_piece_written_apart_joins_the_digit_its_ink_is_nearest():
    body = [(10 + 100 * x, 100 + 100 * y) for x, y in DIGITS["5"][0]]
    bar_apart = [(105.0, 100.0), (140.0, 102.0)]  # the 5's bar, written well clear of its body
    two = [(230 + 100 * x, 100 + 100 * y) for x, y in DIGITS["2"][0]]
    assert split_digits([body, bar_apart, two]) == [[0, 1], [2]]


def test_two_strokes_each_as_tall_as_the_line_are_two_digits_even_when_read_more_surely_as_one():
    ones = [[(100.0, 100.0), (100.0, 200.0)], [(125.0, 105.0), (125.0, 195.0)]]  # 11, written close
    one_sure = lambda drawing: 0.99 if len(drawing) == 2 else 0.9  # noqa: E731
    assert split_digits(ones, read_as(1, one_sure)) == [[0], [1]]
    stem_below_bar = [[(100.0, 100.0), (95.0, 165.0), (140.0, 165.0)], [(145.0, 130.0), (145.0, 200.0)]]
    assert split_digits(stem_below_bar, read_as(4, one_sure)) == [[0, 1]]  # its bar is shorter than the line


def test_a_digit_written_in_pieces_one_over_another_counts_as_tall_as_all_its_pieces():
    # 11, the second 1 written in two halves (the pen lifted halfway): each half is short, the 1 is not.
    ones = [[(100.0, 100.0), (100.0, 200.0)], [(125.0, 105.0), (125.0, 152.0)], [(125.0, 148.0), (125.0, 195.0)]]
    assert split_digits(ones, read_as(1, lambda drawing: 0.99 if len(drawing) == 3 else 0.9)) == [[0], [1, 2]]


def test_a_digit_beside_another_with_a_clear_gap_between_them_stays_apart_unless_the_two_read_as_a_four():
    one = [(100.0, 130.0), (100.0, 200.0)]  # a little shorter than the 6, as a 1 often is (see TALL)
    six = [(160.0, 100.0), (120.0, 160.0), (135.0, 200.0), (160.0, 170.0), (125.0, 155.0)]  # 20 px clear of the 1
    # As the network read MNIST's 1s beside 6s in the number benchmark: the pair as a 6 as surely as each alone.
    assert split_digits([one, six], read_as(6, lambda drawing: 0.999)) == [[0], [1]]
    assert split_digits([one, six], read_as(4, lambda drawing: 0.999)) == [[0, 1]]  # a 4's stem beside its bar


def test_a_one_written_into_the_edge_of_its_neighbour_is_still_read_apart():
    # 61 written close: the 1 stands under the 6's top, within its extent at its right edge.
    six = [(150.0, 100.0), (115.0, 130.0), (110.0, 170.0), (125.0, 200.0), (140.0, 180.0), (130.0, 160.0),
           (112.0, 165.0)]
    one = [(143.0, 110.0), (143.0, 200.0)]
    # As the network reads many such pairs: the two as one 6 as surely as each alone.
    assert split_digits([six, one], read_as(6, lambda drawing: 0.999)) == [[0], [1]]
    assert split_digits([one, six], read_as(6, lambda drawing: 0.999)) == [[1], [0]]  # the 1 written first


def test_a_digit_written_over_the_one_before_it_is_read_apart_when_the_network_reads_it_so():
    # 12 written close: the 1 first, then the 2 begun across its top, its base running over its foot.
    one = [(143.0, 100.0), (143.0, 200.0)]
    two = [(135.0, 115.0), (170.0, 100.0), (185.0, 125.0), (170.0, 160.0), (135.0, 200.0), (190.0, 200.0)]
    assert split_digits([one, two], read_as(2, lambda drawing: 0.9 if len(drawing) == 2 else 0.999)) == [[0], [1]]
    # An R, its stem then its bowl and leg: the network reads it as one (an 8) more surely than its bowl alone.
    assert split_digits([one, two], read_as(8, lambda drawing: 0.99 if len(drawing) == 2 else 0.6)) == [[0, 1]]


def test_strokes_that_read_as_one_drawing_but_not_as_a_digit_are_two_digits():
    stem, bar = [(120.0, 100.0), (120.0, 200.0)], [(50.0, 100.0), (50.0, 165.0), (100.0, 165.0)]
    def surely(drawing):
        return 0.99 if len(drawing) == 2 else 0.85

    assert split_digits([bar, stem], read_as(4, surely)) == [[0, 1]]
    # The same, but the two together are no digit (as an 8 and the 9 written into it may be).
    assert split_digits([bar, stem], read_as(4, surely, doubted=lambda drawing: len(drawing) == 2)) == [[0], [1]]


def test_a_digit_whose_top_came_apart_is_read_and_measured_with_its_top():
    # 12, as MNIST 2s come out traced: the 2's top hook apart (a flat piece, which never starts a digit),
    # then its body, short and wide alone. Read with its top, it is a 2 no wider than a 2: no reason to join the 1.
    one = [(100.0, 100.0), (100.0, 200.0)]
    top = [(112.0, 112.0), (135.0, 100.0), (165.0, 112.0)]
    body = [(167.0, 115.0), (150.0, 140.0), (102.0, 165.0), (200.0, 165.0)]
    two_sure = read_as(2, lambda drawing: 0.1 if one in drawing and body in drawing else 0.999)
    assert split_digits([one, top, body], two_sure) == [[0], [1, 2]]


def test_two_digits_squeezed_into_one_reading_stay_two_when_that_reading_is_too_wide():
    strokes = written("23", gap=0.0)  # touching: whether they are one digit is read
    assert split_digits(strokes, read_as(3, lambda drawing: 0.99)) == [[0], [1]]


def test_a_four_a_little_wider_than_tall_written_in_two_pieces_stays_one_digit():
    # As MNIST 4s come out traced in pieces: the top of the stem alone, half the line tall, then the
    # arm, the bar and the rest of the stem. A piece half the line tall is the likelier mistake.
    stem_top = [(160.0, 100.0), (160.0, 150.0)]
    arm_bar_stem = [(50.0, 100.0), (50.0, 155.0), (140.0, 155.0), (140.0, 200.0)]
    four_sure = read_as(4, lambda drawing: 0.99 if len(drawing) == 2 else 0.9)
    assert split_digits([stem_top, arm_bar_stem], four_sure) == [[0, 1]]


def test_a_four_as_wide_as_tall_traced_in_pieces_that_touch_stays_one_digit():
    # As MNIST 4s come out traced: the top of the stem alone, leaning, then the arm, the bar and the
    # rest of the stem, which the stem's top meets. The network reads the pieces as surely as the
    # whole (as a 1 and a 6), and the whole 4 is a little wider than WIDE: no matter, for a 4.
    stem_top = [(200.0, 100.0), (180.0, 160.0)]
    arm_bar_stem = [(105.0, 100.0), (100.0, 160.0), (180.0, 160.0), (180.0, 200.0)]
    assert split_digits([stem_top, arm_bar_stem], read_as(4, lambda drawing: 0.99)) == [[0, 1]]


def test_a_mark_joins_the_digit_written_just_before_it_rather_than_a_nearer_neighbour():
    seven = [(100.0, 100.0), (160.0, 100.0), (120.0, 200.0)]
    one = [(185.0, 100.0), (185.0, 200.0)]
    flag = [(166.0, 104.0), (170.0, 102.0)]  # the 1's flag, written apart, nearer the end of the 7's bar
    assert split_digits([seven, one, flag]) == [[0], [1, 2]]


def test_slanted_writing_is_split_as_if_upright():
    # Two 1s leaning far right, 40 px apart: each reaches 50 px over the other's extent.
    ones = [[(100 + 90 - 0.9 * y, 100 + y) for y in (0, 100)], [(140 + 90 - 0.9 * y, 100 + y) for y in (0, 100)]]
    assert split_digits(ones) == [[0], [1]]


def test_kept_stroke_points_follow_every_change_of_the_drawing():
    kept, strokes = StrokePoints(), []

    def check():
        xy, starts = kept.of(strokes)
        fresh = [np.asarray(stroke, dtype=float).reshape(-1, 2) for stroke in strokes]
        assert np.array_equal(xy, np.concatenate([np.zeros((0, 2)), *fresh]))
        assert starts.tolist() == np.cumsum([0, *map(len, fresh)])[:-1].tolist()

    a, b, c = written("4")[0], written("7", height=120)[0], written("1", height=80)[0]
    for stroke in (a, b):  # drawn point by point, as the app appends mouse points
        strokes.append([stroke[0]])
        for point in stroke[1:]:
            strokes[-1].append(point)
            check()
    taken_back = strokes.pop()  # undo
    check()
    strokes.append(taken_back)  # redo
    check()
    strokes[0] = list(c)  # a different stroke in the same place
    check()
    strokes.clear()
    check()


# Real pen numbers, as benchmarks/written_numbers.py writes them (README, "Numbers"): segmentation right.
# Reached: 99.3% and 97.7% (at --seed 1: 99.1% and 96.5%); 95% is issue #11's target.
PEN_NUMBERS_FLOOR = {"clear": 0.985, "slight overlap": 0.95}
PEN_NUMBERS_CLEAR_TARGET = 0.99


@pytest.fixture(scope="module")
def pen_numbers(shipped_model, pen_digits):
    """Segmentation right for 1,000 numbers of real pen digits per kind of gap, as the benchmark's seed 0."""
    if not pen_digits:
        pytest.skip("set PEN_DIGITS to the UNIPEN sample's digits-dev.json.gz (CI does)")
    from benchmarks.written_numbers import GAPS, measure, pen_sources

    writers = pen_sources(pen_digits)
    return {gap: measure(shipped_model, writers, GAPS[gap], 1000, np.random.default_rng(0))["segmentation"]
            for gap in PEN_NUMBERS_FLOOR}


@pytest.mark.parametrize("gap", PEN_NUMBERS_FLOOR)
def test_real_pen_numbers_are_segmented_right(pen_numbers, gap):
    assert pen_numbers[gap] >= PEN_NUMBERS_FLOOR[gap], f"{pen_numbers[gap]:.1%} < {PEN_NUMBERS_FLOOR[gap]:.1%}"


def test_real_pen_numbers_with_clear_gaps_reach_the_target(pen_numbers):
    assert pen_numbers["clear"] >= PEN_NUMBERS_CLEAR_TARGET


def picture(*shapes):
    """A 28x28 picture of white lines (x0, y0, x1, y1) and rings ((x0, y0, x1, y1), "ring"), 3 px wide."""
    image = Image.new("L", (28, 28))
    pen = ImageDraw.Draw(image)
    for shape in shapes:
        if shape[-1] == "ring":
            pen.ellipse(shape[0], outline=255, width=3)
        else:
            pen.line(shape, fill=255, width=3)
    return np.array(image)


@pytest.mark.parametrize("shapes, strokes", [
    (([(8, 4, 20, 24), "ring"],), 1),  # a 0
    (([(9, 3, 19, 13), "ring"], [(8, 13, 20, 25), "ring"]), 1),  # an 8: through the crossing, as a pen goes
    (((14, 4, 14, 24), (4, 14, 24, 14)), 2),  # a plus: four loose ends
], ids=["0", "8", "+"])
def test_the_number_benchmark_traces_a_skeleton_in_as_few_strokes_as_a_pen_would(shapes, strokes):
    from benchmarks.written_numbers import skeleton_strokes

    assert len(skeleton_strokes(picture(*shapes))) == strokes


def test_a_ones_flag_and_base_written_after_its_stem_are_not_a_digit_of_their_own():
    stem = [(100.0, 100.0), (100.0, 200.0)]
    flag, base = [(85.0, 112.0), (101.0, 103.0)], [(80.0, 200.0), (120.0, 200.0)]
    # As the network read one such 1 in the number benchmark: its flag and base together (a 2, say) as
    # surely as the whole 1; together the two flat strokes stand as tall as the stem.
    base_sure = read_as(1, lambda drawing: {1: 1.0, 2: 0.99, 3: 0.985}[len(drawing)])
    assert split_digits([stem, flag, base], base_sure) == [[0, 1, 2]]
