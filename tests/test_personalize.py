"""personalize.py: a copy of the model fine-tuned on the digits one user taught the app."""

import subprocess
import sys

import numpy as np
import pytest
import torch
from conftest import REPO

import non_digits
import personalize
import play
from ink import load_pen_digits, replay_as_mouse
from model import DEFAULT_MODEL_PATH, load_mnist, probabilities, save_model
from user_samples import SampleStore

WRITER = "uqb/ja_3828"  # a writer of the pen sample whose digits the shipped model misreads (6 of 118 held out)
TAUGHT_PER_DIGIT = 3


def test_adapting_on_a_writers_digits_reads_their_other_digits_better(shipped_model, mnist_root, pen_digits):
    if not pen_digits:
        pytest.skip("set PEN_DIGITS to the UNIPEN sample (CI does)")
    characters = [c for c in load_pen_digits(pen_digits) if c["writer"] == WRITER]
    drawings = replay_as_mouse(characters, play.CANVAS_SIZE, play.BRUSH_RADIUS, seed=0)
    taught, held_out, seen = [], [], [0] * 10
    for character, strokes in zip(characters, drawings, strict=True):
        label = character["label"]
        (taught if seen[label] < TAUGHT_PER_DIGIT else held_out).append((strokes, label))
        seen[label] += 1
    labels = torch.tensor([label for _, label in held_out])
    train_x, _ = load_mnist(mnist_root, train=True)

    yours = personalize.your_examples(shipped_model, [{"strokes": s, "label": d} for s, d in taught])
    mnist = personalize.mnist_examples(shipped_model, train_x, count=2000)
    personal = personalize.adapt(shipped_model, yours, mnist)

    drawings = [strokes for strokes, _ in held_out]
    errors_before = (play.read_drawings(shipped_model, drawings)[0].argmax(1) != labels.numpy()).sum()
    errors_after = (play.read_drawings(personal, drawings)[0].argmax(1) != labels.numpy()).sum()
    assert errors_before >= 4  # the writer the shipped model misreads ...
    assert errors_after <= errors_before / 2, (errors_before, errors_after)  # ... misread at most half as often
    assert torch.equal(personal.conv1.weight, shipped_model.conv1.weight)  # only the dense layers learn
    assert not torch.equal(personal.fc1.weight, shipped_model.fc1.weight)


def changed_copy(model, path):
    """A loadable model that reads differently from `model`."""
    copy = type(model)()
    copy.load_state_dict(model.state_dict())
    with torch.no_grad():
        copy.fc2.bias += torch.arange(10.0)
    save_model(copy, path)
    return copy


def test_the_app_reads_with_the_personal_model_unless_told_otherwise(shipped_model, tmp_path):
    assert play.pick_model(None, tmp_path)[1] is False  # none made yet: the shipped model
    personal = changed_copy(shipped_model, personalize.personal_model_path(tmp_path))
    model, is_personal = play.pick_model(None, tmp_path)
    assert is_personal and torch.equal(model.fc2.bias, personal.fc2.bias)
    model, is_personal = play.pick_model(DEFAULT_MODEL_PATH, tmp_path)  # --model overrides it
    assert not is_personal and torch.equal(model.fc2.bias, shipped_model.fc2.bias)


def test_a_broken_personal_model_warns_and_the_shipped_one_reads(shipped_model, tmp_path, capsys):
    personalize.personal_model_path(tmp_path).write_bytes(b"half a model")
    model, is_personal = play.pick_model(None, tmp_path)
    assert not is_personal and torch.equal(model.fc2.bias, shipped_model.fc2.bias)
    warning = capsys.readouterr().err.strip().splitlines()
    assert len(warning) == 1 and "personal_model.pt" in warning[0] and "python personalize.py" in warning[0]


def test_the_panel_says_which_model_reads(screen, shipped_model):
    labels = []
    for personal in (False, True):
        app = play.DigitApp(shipped_model, personal=personal)
        app.render(screen)
        side = 28 * play.PREVIEW_SCALE
        below = (play.PREVIEW_POS[0], play.PREVIEW_POS[1] + side + 2, side, 18)
        labels.append(screen.subsurface(below).copy())
    assert bytes(labels[0].get_buffer()) != bytes(labels[1].get_buffer())


def run_personalize(*args):
    return subprocess.run([sys.executable, "personalize.py", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=300)


def test_without_samples_it_says_how_to_teach_and_writes_nothing(tmp_path):
    result = run_personalize("--data-dir", str(tmp_path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "press its key" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_personalize_writes_the_personal_model_and_forget_removes_it(tmp_path, mnist_root):
    store = SampleStore(tmp_path)
    store.add([[(300, 100), (300, 500)], [(250, 300), (350, 300)]], 1, 4)  # a crossed stroke taught as a 1
    before = sorted(p.name for p in REPO.iterdir())
    result = run_personalize("--data-dir", str(tmp_path), "--data-root", mnist_root)
    assert result.returncode == 0, result.stderr
    target = personalize.personal_model_path(tmp_path)
    assert str(target) in result.stdout
    assert play.pick_model(None, tmp_path)[1]
    assert sorted(p.name for p in REPO.iterdir()) == before  # nothing written into the repository
    result = run_personalize("--data-dir", str(tmp_path), "--forget")
    assert result.returncode == 0 and not target.exists()
    assert store.read()  # the samples stay


def test_the_same_samples_make_the_same_personal_model_whatever_ran_before(shipped_model, mnist_test):
    # personalize.py and benchmarks/personal_adaptation.py (many writers in a row) must make one model
    samples = [{"strokes": [[(300, 100), (300, 500)], [(250, 300), (350, 300)]], "label": 1}]
    models = []
    for earlier in (0, 1):
        torch.manual_seed(earlier)  # what ran before drew other random numbers
        yours = personalize.your_examples(shipped_model, samples)
        mnist = personalize.mnist_examples(shipped_model, mnist_test[0], count=200)
        models.append(personalize.adapt(shipped_model, yours, mnist, steps=3))
    assert torch.equal(models[0].fc1.weight, models[1].fc1.weight)


def test_remembering_nothing_reads_as_the_network_and_a_taught_drawing_pulls_its_like(shipped_model, mnist_test):
    images = mnist_test[0][:200]
    remembering = personalize.Remembering(shipped_model)
    assert np.allclose(probabilities(remembering, images), probabilities(shipped_model, images), atol=1e-6)
    seven_with_a_foot = [[(180, 110), (420, 110), (330, 350), (280, 500), (400, 500)]]
    views = play.model_input(seven_with_a_foot)[None]
    remembering.remember(views, torch.tensor([2]))
    assert play.read_drawings(shipped_model, [seven_with_a_foot])[0][0].argmax() == 7
    probs, likeness = play.read_drawings(remembering, [seven_with_a_foot])
    assert probs[0].argmax() == 2
    assert likeness[0, 2] == 1 and non_digits.read(probs[0], likeness=likeness[0]) == 2  # what you taught is a digit
    assert (probabilities(remembering, images).argmax(1) == mnist_test[1][:200].numpy()).mean() >= 0.99


def test_what_is_remembered_can_be_read_where_gradients_are_taken(shipped_model):
    remembering = personalize.Remembering(shipped_model)
    remembering.remember(play.model_input([[(300, 80), (300, 520)]])[None], torch.tensor([1]))
    features = shipped_model.features(torch.rand(2, 1, 28, 28)).detach().requires_grad_()
    remembering.classify(features).sum().backward()  # inference tensors in the memory could not be
    assert features.grad is not None
