"""model.py: the network, its weights file, predicting and training steps."""

import os
import subprocess
import sys

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw
from torchsummary import summary

from model import (
    DEFAULT_MODEL_PATH,
    ImageClassifier,
    ModelLoadError,
    ModelSaveError,
    augment,
    check_can_save,
    ema_average,
    load_model,
    predict,
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
    real_save = torch.save

    def write_half_then_crash(obj, file, *args, **kwargs):  # as a save killed mid-write
        real_save(obj, file, *args, **kwargs)
        with open(file, "r+b") as written:
            written.truncate(len(before) // 2)
        raise KeyboardInterrupt

    monkeypatch.setattr(torch, "save", write_half_then_crash)
    with pytest.raises(KeyboardInterrupt):
        save_model(ImageClassifier(), path)
    assert path.read_bytes() == before  # a save straight to `path` would have left half a file
    assert os.listdir(tmp_path) == ["m.pt"]


def test_save_removes_temporary_files_that_killed_saves_left(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".m.pt.{int(dead.stdout)}.tmp"  # from a save whose process is gone
    stale.write_bytes(b"half a model")
    alive = tmp_path / f".m.pt.{os.getppid()}.tmp"  # a save still under way elsewhere is left alone
    alive.write_bytes(b"being written")
    save_model(ImageClassifier(), tmp_path / "m.pt")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["m.pt", alive.name])


def test_a_failed_save_names_the_model_path_not_the_temporary_file(tmp_path, monkeypatch):
    def disk_full(obj, file, *args, **kwargs):
        raise OSError(28, "No space left on device", str(file))

    monkeypatch.setattr(torch, "save", disk_full)
    with pytest.raises(ModelSaveError, match=r"^cannot write .*/m\.pt: No space left on device$"):
        save_model(ImageClassifier(), tmp_path / "m.pt")
    (tmp_path / "file").write_text("")
    with pytest.raises(ModelSaveError, match="is a file, not a folder"):
        save_model(ImageClassifier(), tmp_path / "file" / "m.pt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_check_can_save_names_why_a_path_cannot_take_the_model(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(ModelSaveError, match="cannot write .*file/m.pt: .*file is a file, not a folder"):
        check_can_save(tmp_path / "file" / "m.pt")
    with pytest.raises(ModelSaveError, match="it is a folder"):
        check_can_save(tmp_path)
    check_can_save(tmp_path / "new" / "m.pt")  # a folder still to be made is fine
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "new"]
    assert list((tmp_path / "new").iterdir()) == []  # the probe leaves nothing behind


def test_check_can_save_removes_temporary_files_that_killed_saves_left(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (tmp_path / f".m.pt.{int(dead.stdout)}.tmp").write_bytes(b"half a model")
    check_can_save(tmp_path / "m.pt")
    assert list(tmp_path.iterdir()) == []


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
    with pytest.raises(ModelLoadError, match="other.pt does not hold this network's weights.*missing conv1.weight"):
        load_model(tmp_path / "other.pt")


def test_load_model_names_a_layer_of_the_wrong_size(tmp_path):
    state = ImageClassifier().state_dict()
    state["fc2.weight"] = torch.zeros(5, 128)
    torch.save(state, tmp_path / "five.pt")
    with pytest.raises(ModelLoadError, match=r"fc2.weight has shape \(5, 128\), this network's \(10, 128\)"):
        load_model(tmp_path / "five.pt")


def test_load_model_names_a_directory(tmp_path):
    (tmp_path / "folder.pt").mkdir()
    with pytest.raises(ModelLoadError, match="folder.pt is a directory, not a weights file"):
        load_model(tmp_path / "folder.pt")


def test_load_model_names_a_file_it_may_not_read(tmp_path, monkeypatch):
    save_model(ImageClassifier(), tmp_path / "m.pt")

    def denied(*args, **kwargs):  # as for a file of another user's: root reads any file, so chmod cannot show it
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(torch, "load", denied)
    with pytest.raises(ModelLoadError, match="cannot read model file .*m.pt: permission denied") as error:
        load_model(tmp_path / "m.pt")
    assert "retrain" not in str(error.value)  # retraining would not help


def test_load_model_explains_a_whole_pickled_model(tmp_path):
    torch.save(ImageClassifier(), tmp_path / "whole.pt")
    with pytest.raises(ModelLoadError, match=r"whole.pt is a pickled Python object.*torch.save\(model.state_dict\(\)"):
        load_model(tmp_path / "whole.pt")


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_load_model_rejects_weights_that_are_not_finite(tmp_path, bad):
    state = ImageClassifier().state_dict()
    state["fc1.weight"][3, 7] = bad
    torch.save(state, tmp_path / "broken.pt")
    with pytest.raises(ModelLoadError, match="broken.pt holds NaN or infinite weights.*fc1.weight"):
        load_model(tmp_path / "broken.pt")


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


# --- predicting ----------------------------------------------------------------------------------


def canvas_with_box(top, left, height, width, size=600):
    canvas = np.zeros((size, size), dtype=np.uint8)
    canvas[top : top + height, left : left + width] = 255
    return canvas


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


def test_predict_command_prints_one_line_per_file(tmp_path):
    bar = np.zeros((300, 200), dtype=np.uint8)
    bar[40:260, 90:120] = 255
    Image.fromarray(bar).save(tmp_path / "one.png")
    (tmp_path / "notes.txt").write_text("not a picture")
    letter = Image.new("L", (600, 600))
    ImageDraw.Draw(letter).line([(120, 500), (150, 100), (300, 350), (450, 100), (480, 500)], fill=255, width=20)
    letter.save(tmp_path / "m.png")  # an M, read as 4 at 94%, but unlike any digit (non_digits.LEAST_LIKENESS)
    photo = DEFAULT_MODEL_PATH.parent / "Assets" / "photo_of_a_digit.jpg"
    files = [str(photo), str(tmp_path / "one.png"), str(tmp_path / "notes.txt"), str(tmp_path / "m.png")]
    result = subprocess.run([sys.executable, "model.py", "predict", *files], cwd=DEFAULT_MODEL_PATH.parent,
                            capture_output=True, text=True, timeout=120)
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 4 and "Traceback" not in result.stderr
    assert lines[0].startswith(f"{photo}: 4 (") and lines[1].startswith(f"{tmp_path / 'one.png'}: 1 (")
    assert lines[2] == f"{tmp_path / 'notes.txt'}: error: {tmp_path / 'notes.txt'} is not a picture that can be read " \
                       "(UnidentifiedImageError)"
    assert lines[3].startswith(f"{tmp_path / 'm.png'}: not a digit (likeliest 4, ")
    assert result.returncode == 1  # one file could not be read
