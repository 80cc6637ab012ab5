"""MNIST_TRAIN.ipynb runs top to bottom headless, in smoke mode, and produces a usable model."""

import papermill
from conftest import REPO

from model import load_model

FIGURES = ["pen_styles.png", "samples.png", "architecture.png", "training_curves.png",
           "confusion_matrix.png", "misclassified.png", "tsne.png"]


def test_notebook_smoke_run(tmp_path, mnist_root, pen_digits):
    model_path, assets = tmp_path / "smoke.pt", tmp_path / "assets"
    papermill.execute_notebook(
        REPO / "MNIST_TRAIN.ipynb",
        tmp_path / "out.ipynb",
        parameters={"TRAIN_LIMIT": 1000, "EPOCHS": 1, "TSNE_SAMPLES": 300, "DATA_ROOT": mnist_root,
                    "MODEL_PATH": str(model_path), "ASSETS_DIR": str(assets), "PEN_DIGITS": pen_digits},
        cwd=REPO,
        kernel_name="python3",
        progress_bar=False,
    )
    load_model(model_path)
    expected = FIGURES + ["pen_misread.png"] * bool(pen_digits)  # the gallery of misread pen digits
    assert sorted(p.name for p in assets.iterdir()) == sorted(expected)
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []
