"""model.py: the network, its weights file, and turning a drawing into the model's input."""

import os

import numpy as np
import pytest
import torch
from PIL import Image
from torchsummary import summary

from model import (
    DEFAULT_MODEL_PATH,
    PEN_PATH_SIZE,
    PEN_RATIO,
    ImageClassifier,
    ModelLoadError,
    augment,
    ema_average,
    load_model,
    predict,
    preprocess,
    probabilities,
    render_strokes,
    save_model,
)

ORIGINAL_KEYS = [
    f"{layer}.{name}"
    for layer, names in [
        ("conv1", ["weight", "bias"]),
        ("bn1", ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]),
        ("conv2", ["weight", "bias"]),
        ("bn2", ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]),
        ("conv3", ["weight", "bias"]),
        ("bn3", ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]),
        ("fc1", ["weight", "bias"]),
        ("fc2", ["weight", "bias"]),
    ]
    for name in names
]


# --- the network -------------------------------------------------------------------------------


def test_architecture_matches_the_original():
    model = ImageClassifier()
    assert sum(p.numel() for p in model.parameters()) == 6_480_010
    assert list(model.state_dict()) == ORIGINAL_KEYS
    assert model(torch.zeros(2, 1, 28, 28)).shape == (2, 10)
    assert model.embed(torch.zeros(2, 1, 28, 28)).shape == (2, 128)


def test_torchsummary_prints_the_original_table(capsys):
    summary(ImageClassifier(), (1, 28, 28), device="cpu")
    table = capsys.readouterr().out
    for row in ["Conv2d-1 [-1, 32, 28, 28] 320", "BatchNorm2d-2 [-1, 32, 28, 28] 64",
                "Conv2d-4 [-1, 64, 28, 28] 18,496", "Conv2d-7 [-1, 64, 28, 28] 36,928",
                "Flatten-10 [-1, 50176] 0", "Linear-11 [-1, 128] 6,422,656", "Dropout-13 [-1, 128] 0",
                "Linear-14 [-1, 10] 1,290", "Total params: 6,480,010"]:
        assert row in " ".join(table.split()), row


# --- the weights file --------------------------------------------------------------------------


def test_save_then_load_round_trips(tmp_path):
    model = ImageClassifier().eval()
    save_model(model, tmp_path / "m.pt")
    loaded = load_model(tmp_path / "m.pt")
    assert not loaded.training
    x = torch.rand(3, 1, 28, 28)
    torch.testing.assert_close(loaded(x), model(x))
    assert os.listdir(tmp_path) == ["m.pt"]  # no temporary file left beside it


def test_checkpoint_is_a_plain_state_dict_the_original_loader_accepts(tmp_path):
    save_model(ImageClassifier(), tmp_path / "m.pt")
    ImageClassifier().load_state_dict(torch.load(tmp_path / "m.pt"))


def test_interrupted_save_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "m.pt"
    save_model(ImageClassifier(), path)
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(torch, "save", crash)
    with pytest.raises(KeyboardInterrupt):
        save_model(ImageClassifier(), path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.pt"]


@pytest.mark.parametrize(
    "content",
    [b"", b"hello, I am a text file\n", os.urandom(4096), "truncated"],
    ids=["empty", "text", "random", "truncated"],
)
def test_load_model_rejects_files_that_are_not_checkpoints(tmp_path, content):
    path = tmp_path / "bad.pt"
    if content == "truncated":
        save_model(ImageClassifier(), path)
        content = path.read_bytes()[:100_000]
    path.write_bytes(content)
    with pytest.raises(ModelLoadError, match="bad.pt.*MNIST_TRAIN.ipynb"):
        load_model(path)


def test_load_model_rejects_a_missing_file(tmp_path):
    with pytest.raises(ModelLoadError, match="nothing.pt not found.*MNIST_TRAIN.ipynb"):
        load_model(tmp_path / "nothing.pt")


def test_load_model_rejects_weights_of_another_network(tmp_path):
    torch.save(torch.nn.Linear(784, 10).state_dict(), tmp_path / "other.pt")
    with pytest.raises(ModelLoadError, match="other.pt does not hold this network's weights"):
        load_model(tmp_path / "other.pt")


def test_load_model_refuses_to_run_code_from_a_pickle(tmp_path):
    class Exploit:
        def __reduce__(self):
            return os.system, (f"touch {tmp_path / 'pwned'}",)

    torch.save({"conv1.weight": Exploit()}, tmp_path / "evil.pt")
    with pytest.raises(ModelLoadError):
        load_model(tmp_path / "evil.pt")
    assert not (tmp_path / "pwned").exists()


def test_default_model_path_is_next_to_model_py():
    assert DEFAULT_MODEL_PATH.name == "MNIST_CUDA_MODEL.pt"
    assert (DEFAULT_MODEL_PATH.parent / "model.py").is_file()


# --- preprocessing -----------------------------------------------------------------------------


def canvas_with_box(top, left, height, width, size=600):
    canvas = np.zeros((size, size), dtype=np.uint8)
    canvas[top : top + height, left : left + width] = 255
    return canvas


def test_preprocess_contract():
    image = preprocess(canvas_with_box(100, 250, 300, 60))
    assert image.shape == (1, 1, 28, 28) and image.dtype == torch.float32
    assert 0 <= image.min() and image.max() <= 1


def test_blank_canvas_gives_zeros():
    assert not preprocess(np.zeros((600, 600), dtype=np.uint8)).any()


@pytest.mark.parametrize("shape", [(1, 1), (1, 400), (400, 1), (3, 3)])
def test_a_dot_or_a_hairline_does_not_crash(shape):
    image = preprocess(canvas_with_box(300, 300, *shape))
    assert image.isfinite().all() and image.sum() > 0


def test_digit_is_scaled_to_20px_and_centred_by_mass():
    image = preprocess(canvas_with_box(10, 30, 300, 150))[0, 0].numpy()  # a 2:1 block in a corner
    rows, cols = np.flatnonzero(image.any(1)), np.flatnonzero(image.any(0))
    assert len(rows) == 20 and len(cols) == 10
    mass = image.sum()
    assert abs(image.sum(1) @ np.arange(28) / mass - 14) <= 0.5
    assert abs(image.sum(0) @ np.arange(28) / mass - 14) <= 0.5


def test_downsampling_averages_areas_instead_of_skipping_pixels():
    # A 1-px line on a 600-px canvas must survive as a faint line, not vanish between samples.
    canvas = np.zeros((600, 600), dtype=np.uint8)
    canvas[100:500, 300] = 255
    canvas[100, 100:500] = 255
    image = preprocess(canvas)[0, 0]
    assert image.sum() == pytest.approx(799 / 400, rel=0.05)  # ink is conserved at 1/20 scale ...
    assert image.max() < 0.2  # ... as a faint line, where point sampling gives full-white or nothing


@pytest.mark.parametrize(
    "bad, message",
    [
        (np.zeros((10, 10, 3), dtype=np.uint8), "2-D"),
        (np.zeros((0, 10), dtype=np.uint8), "empty"),
        (np.zeros((10, 10), dtype=np.float32), "uint8"),
        ([[0, 255]], "numpy array"),
    ],
)
def test_preprocess_rejects_bad_input(bad, message):
    with pytest.raises(ValueError, match=message):
        preprocess(bad)


def test_predict_returns_probabilities_and_writes_nothing(shipped_model, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    probs = predict(shipped_model, canvas_with_box(100, 280, 400, 40))
    assert probs.shape == (10,) and probs.dtype == np.float32
    assert probs.sum() == pytest.approx(1, abs=1e-5) and (probs >= 0).all()
    assert probs.argmax() == 1  # a tall bar is a one
    assert os.listdir(tmp_path) == []


def place(digit: np.ndarray, height: int, top: int, left: int) -> np.ndarray:
    """A 28x28 MNIST digit enlarged to `height` px and put at (top, left) on a 600x600 canvas."""
    big = Image.fromarray(digit).resize((height, height), Image.Resampling.BILINEAR)
    canvas = np.zeros((600, 600), dtype=np.uint8)
    canvas[top : top + height, left : left + height] = np.asarray(big)
    return canvas


def test_label_does_not_depend_on_where_or_how_big_a_digit_is_drawn(shipped_model, mnist_test):
    images, labels = mnist_test
    placements = [(140, 0, 0), (140, 460, 460), (300, 150, 0), (300, 0, 300), (560, 20, 20)]
    agree = total = 0
    for image, label in zip(images[:200], labels[:200], strict=True):
        digit = (image[0] * 255).byte().numpy()
        digits = {int(predict(shipped_model, place(digit, *where)).argmax()) for where in placements}
        agree += digits == {int(label)}
        total += 1
    assert agree / total >= 0.98


# --- the pen path ------------------------------------------------------------------------------

FOUR = [[(150, 100), (100, 300), (260, 300)], [(220, 180), (220, 420)]]  # two strokes, like a hand-drawn 4


def moved_and_scaled(strokes, factor, dx, dy):
    return [[(x * factor + dx, y * factor + dy) for x, y in stroke] for stroke in strokes]


def test_no_strokes_give_a_blank_input():
    assert not preprocess(render_strokes([])).any()
    assert not preprocess(render_strokes([[], []])).any()


@pytest.mark.parametrize("strokes", [[[(300, 300)]], [[(300, 300), (300, 300)]], [[(5, 5)], [(5, 6)]]],
                         ids=["click", "no motion", "two clicks"])
def test_a_click_is_a_dot_not_a_crash(strokes):
    image = render_strokes(strokes)
    assert image.dtype == np.uint8 and image.ndim == 2 and image.max() == 255
    assert preprocess(image).isfinite().all()


def test_the_pen_path_reads_the_same_at_any_size_and_place():
    big = render_strokes(FOUR)
    for factor, dx, dy in [(0.3, 0, 0), (0.3, 400, 380), (2.0, -150, 10), (1.0, 37.5, -12.25)]:
        image = render_strokes(moved_and_scaled(FOUR, factor, dx, dy))
        assert image.shape == big.shape
        assert np.mean(image != big) < 0.01  # the same drawing, up to a few pixels of rounding


def test_the_redrawn_pen_is_a_tenth_of_the_ink_size():
    image = render_strokes([[(0, 50), (400, 50)]])  # a horizontal line
    ink = image > 127
    columns = np.flatnonzero(ink.any(axis=0))
    thickness = ink[:, ink.shape[1] // 2].sum()
    assert thickness / len(columns) == pytest.approx(PEN_RATIO, abs=0.01)


def test_a_sharp_turn_is_round_not_notched():
    image = render_strokes([[(0, 0), (100, 100), (200, 0)]])  # a V, its tip at the bottom
    scale = PEN_PATH_SIZE / 200
    radius = PEN_RATIO / (1 - PEN_RATIO) * PEN_PATH_SIZE / 2
    tip_x, tip_y = 100 * scale + radius + 1, 100 * scale + radius + 1
    below_tip = np.flatnonzero(image[:, round(tip_x)] > 127).max() - tip_y
    # Square segment ends would stop at the tip and leave a notch under it; a round pen reaches on.
    assert below_tip >= 0.75 * radius


def test_a_small_fat_drawing_is_read_from_its_path(shipped_model):
    # Drawn 90 px tall with the app's 60 px brush the 4's strokes merge into a blob; its path does not.
    small = moved_and_scaled(FOUR, 0.3, 250, 250)
    assert probabilities(shipped_model, preprocess(render_strokes(small))).argmax() == 4


def test_augment_keeps_shape_and_range():
    images = torch.rand(16, 1, 28, 28)
    out = augment(images, thicken=0.5)
    assert out.shape == images.shape and out.min() >= 0 and out.max() <= 1
    assert not torch.equal(out, images)


def test_weight_average_ramps_up_its_decay():
    model = torch.nn.Linear(3, 1)
    average = torch.optim.swa_utils.AveragedModel(model, multi_avg_fn=ema_average(0.999), use_buffers=True)
    average.update_parameters(model)  # the first update copies
    start = model.weight.detach().clone()
    with torch.no_grad():
        model.weight.fill_(1.0)
    average.update_parameters(model)
    # The second step averages with decay 2/11, not 0.999: short runs still average trained weights.
    torch.testing.assert_close(average.module.weight, start * 2 / 11 + 9 / 11)
