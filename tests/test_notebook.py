"""MNIST_TRAIN.ipynb runs top to bottom headless, in smoke mode, and produces a usable model."""

import papermill
from conftest import REPO

from model import load_model

FIGURES = ["samples.png", "architecture.png", "training_curves.png",
           "confusion_matrix.png", "misclassified.png", "tsne.png"]


def test_notebook_smoke_run(tmp_path, mnist_root):
    model_path, assets = tmp_path / "smoke.pt", tmp_path / "assets"
    papermill.execute_notebook(
        REPO / "MNIST_TRAIN.ipynb",
        tmp_path / "out.ipynb",
        parameters={"TRAIN_LIMIT": 1000, "EPOCHS": 1, "TSNE_SAMPLES": 300, "DATA_ROOT": mnist_root,
                    "MODEL_PATH": str(model_path), "ASSETS_DIR": str(assets)},
        cwd=REPO,
        kernel_name="python3",
        progress_bar=False,
    )
    load_model(model_path)
    assert sorted(p.name for p in assets.iterdir()) == sorted(FIGURES)
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []
