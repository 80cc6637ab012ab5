"""MNIST_TRAIN.ipynb runs top to bottom headless, in smoke mode, and produces a usable model."""

import papermill
import pytest
from conftest import REPO

from model import load_model

FIGURES = ["samples.png", "pen_styles.png", "architecture.png", "training_curves.png",
           "confusion_matrix.png", "misclassified.png", "tsne.png"]
PEN_FIGURES = ["pen_misread.png"]  # only when real pen digits are given


@pytest.mark.parametrize("non_digit_share", [0.0, 0.2], ids=["as-shipped", "with-non-digits"])
def test_notebook_smoke_run(tmp_path, mnist_root, pen_digits, non_digit_share):
    model_path, assets = tmp_path / "smoke.pt", tmp_path / "assets"
    papermill.execute_notebook(
        REPO / "MNIST_TRAIN.ipynb",
        tmp_path / "out.ipynb",
        parameters={"TRAIN_LIMIT": 1000, "EPOCHS": 1, "TSNE_SAMPLES": 300, "DATA_ROOT": mnist_root,
                    "MODEL_PATH": str(model_path), "ASSETS_DIR": str(assets), "PEN_DIGITS": pen_digits,
                    "NON_DIGIT_SHARE": non_digit_share},
        cwd=REPO,
        kernel_name="python3",
        progress_bar=False,
    )
    load_model(model_path)
    expected = FIGURES + (PEN_FIGURES if pen_digits else [])
    assert sorted(p.name for p in assets.iterdir()) == sorted(expected)
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


@pytest.mark.parametrize(
    "parameters, message",
    [
        ({"EPOCHS": 0, "TRAIN_LIMIT": 0}, "EPOCHS must be a whole number of at least 1, not 0\n"
                                          "TRAIN_LIMIT must be a whole number of at least 1, not 0"),
        ({"THICKEN": 2}, "THICKEN must be between 0 and 1, not 2"),
        ({"PEN_SHARE": -0.5}, "PEN_SHARE must be between 0 and 1, not -0.5"),
        ({"NON_DIGIT_SHARE": 1.5}, "NON_DIGIT_SHARE must be between 0 and 1, not 1.5"),
        ({"TRAIN_LIMIT": 100, "BATCH_SIZE": 128},
         "BATCH_SIZE 128 is larger than the 100 training images: nothing to train on"),
        ({"MODEL_PATH": "{tmp}/file/m.pt"}, "cannot write {tmp}/file/m.pt: {tmp}/file is a file, not a folder"),
        ({"ASSETS_DIR": "{tmp}/file"}, "cannot write {tmp}/file/samples.png: {tmp}/file is a file, not a folder"),
    ],
    ids=["epochs-and-limit", "thicken", "pen-share", "non-digit-share", "batch-larger-than-data", "model-path",
         "assets-dir"],
)
def test_notebook_stops_at_once_on_wrong_parameters(tmp_path, mnist_root, parameters, message):
    """Found before training, in one line each, not after a two-hour run."""
    (tmp_path / "file").write_text("a file where a folder should be")
    parameters = {name: value.format(tmp=tmp_path) if isinstance(value, str) else value
                  for name, value in parameters.items()}
    defaults = {"DATA_ROOT": mnist_root, "MODEL_PATH": str(tmp_path / "m.pt"), "ASSETS_DIR": str(tmp_path / "a")}
    with pytest.raises(papermill.PapermillExecutionError) as failure:
        papermill.execute_notebook(REPO / "MNIST_TRAIN.ipynb", tmp_path / "out.ipynb",
                                   parameters=defaults | parameters, cwd=REPO, kernel_name="python3",
                                   progress_bar=False)
    assert failure.value.evalue == message.format(tmp=tmp_path)
    written = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    assert written == ["file", "out.ipynb"]  # no model, no figure, no temporary file
