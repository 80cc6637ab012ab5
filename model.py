"""The digit classifier shared by the training notebook, the app, the benchmarks and the tests.

    python model.py --data-root data     # accuracy of the shipped weights on the MNIST test set
    python model.py predict FILE...      # the digit in each picture: a scan, a photo, an MNIST-style image
"""

import argparse
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

import non_digits
from ink import DIGIT_BOX, IMAGE_SIZE, PictureError, preprocess, read_picture

DEFAULT_MODEL_PATH = Path(__file__).resolve().parent / "MNIST_CUDA_MODEL.pt"
NUM_CLASSES = 10


class ImageClassifier(nn.Module):
    """Three 3x3 conv layers at full resolution, then a dense classifier (6,480,010 parameters)."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, kernel_size=3, padding=1)
        self.bn1 = nn.BatchNorm2d(32)
        self.conv2 = nn.Conv2d(32, 64, kernel_size=3, padding=1)
        self.bn2 = nn.BatchNorm2d(64)
        self.conv3 = nn.Conv2d(64, 64, kernel_size=3, padding=1)
        self.bn3 = nn.BatchNorm2d(64)
        self.fc1 = nn.Linear(64 * IMAGE_SIZE * IMAGE_SIZE, 128)
        self.fc2 = nn.Linear(128, NUM_CLASSES)
        # One module per use, so that torchsummary lists every layer as the original README did.
        self.relu1, self.relu2, self.relu3, self.relu4 = (nn.ReLU() for _ in range(4))
        self.flatten = nn.Flatten()
        self.dropout = nn.Dropout(0.5)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """What the conv layers see in a batch of (N, 1, 28, 28) images, flattened: (N, 50176)."""
        x = self.relu1(self.bn1(self.conv1(x)))
        x = self.relu2(self.bn2(self.conv2(x)))
        x = self.relu3(self.bn3(self.conv3(x)))
        return self.flatten(x)

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """The 128-d fc1 features of a batch of (N, 1, 28, 28) images."""
        return self.dense_features(self.features(x))

    def dense_features(self, features: torch.Tensor) -> torch.Tensor:
        """The 128-d fc1 features from the conv features."""
        return self.relu4(self.fc1(features))

    def classify(self, features: torch.Tensor) -> torch.Tensor:
        """The 10 logits from the conv features: the dense layers alone."""
        return self.fc2(self.dropout(self.dense_features(features)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classify(self.features(x))

    def likeness(self, embedded: torch.Tensor) -> torch.Tensor:
        """(N, 10): how nearly 128-d fc1 features point the way of each digit's fc2 weights (their cosine).
        A logit grows with the features' length as well as with their direction, so a drawing unlike any
        digit can still come out sure of one; its features then point between the digits'."""
        return F.normalize(embedded, dim=1) @ F.normalize(self.fc2.weight, dim=1).T

    def read(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The 10 logits of a batch of (N, 1, 28, 28) images and their likeness to each digit, in one pass."""
        embedded = self.embed(x)
        return self.fc2(self.dropout(embedded)), self.likeness(embedded)


# --- weights -----------------------------------------------------------------------------------


class ModelLoadError(Exception):
    """The weights file is missing or is not a checkpoint of ImageClassifier."""


class ModelSaveError(Exception):
    """A model or figure cannot be written where asked; the message says why."""


RETRAIN_FIX = "retrain it with MNIST_TRAIN.ipynb or restore it with `git checkout MNIST_CUDA_MODEL.pt`"


def load_model(path: str | Path = DEFAULT_MODEL_PATH, device: str | torch.device = "cpu",
               fix: str = RETRAIN_FIX) -> ImageClassifier:
    """The classifier with the weights in `path`, in eval mode on `device`.

    Raises ModelLoadError with one line that names the cause, and `fix` where there is one.
    """
    path = Path(path)
    if path.is_dir():
        raise ModelLoadError(f"model file {path} is a directory, not a weights file")
    if not path.exists():
        raise ModelLoadError(f"model file {path} not found: {fix}")
    try:
        # weights_only: a checkpoint from the internet must never be able to run code.
        state_dict = torch.load(path, map_location=device, weights_only=True)
    except PermissionError:
        raise ModelLoadError(f"cannot read model file {path}: permission denied") from None
    except Exception as error:  # torch reports truncated, foreign and malicious files each differently
        if "Unsupported global" in str(error):  # a pickle of Python objects, e.g. torch.save(model)
            raise ModelLoadError(
                f"model file {path} is a pickled Python object, not a state_dict, and only plain weights are"
                " loaded (a pickle can run code): save it with torch.save(model.state_dict(), path)"
            ) from None
        kind = error.__class__.__name__
        raise ModelLoadError(f"model file {path} is not a PyTorch checkpoint ({kind}): {fix}") from None
    model = ImageClassifier()
    mismatch = _state_dict_mismatch(model, state_dict)
    if mismatch:
        raise ModelLoadError(f"model file {path} does not hold this network's weights ({mismatch}): {fix}")
    broken = [name for name, tensor in state_dict.items() if tensor.is_floating_point() and not tensor.isfinite().all()]
    if broken:
        raise ModelLoadError(f"model file {path} holds NaN or infinite weights ({', '.join(broken)}): {fix}")
    model.load_state_dict(state_dict)
    return model.to(device).eval()


def _state_dict_mismatch(model: nn.Module, state_dict: object) -> str:
    """What keeps `state_dict` from loading into `model`, in a few words; '' when it fits."""
    if not isinstance(state_dict, dict) or not all(isinstance(v, torch.Tensor) for v in state_dict.values()):
        return f"a {type(state_dict).__name__}, not a dict of tensors"
    expected = model.state_dict()
    missing = [key for key in expected if key not in state_dict]
    unexpected = [key for key in state_dict if key not in expected]
    if missing or unexpected:
        return "; ".join(f"{what} {', '.join(keys[:3])}{' ...' if len(keys) > 3 else ''}"
                         for what, keys in [("missing", missing), ("unexpected", unexpected)] if keys)
    for key, tensor in expected.items():
        if state_dict[key].shape != tensor.shape:
            return f"{key} has shape {tuple(state_dict[key].shape)}, this network's {tuple(tensor.shape)}"
    return ""


def save_model(model: nn.Module, path: str | Path) -> None:
    """Save the state_dict atomically: an interrupted save never leaves a truncated file at `path`.

    Temporary files that saves killed earlier left beside `path` are removed first. A save that
    fails raises ModelSaveError naming `path` and the cause, not the temporary file.
    """
    path = Path(path)
    check_can_save(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        torch.save({k: v.cpu() for k, v in model.state_dict().items()}, tmp)
        os.replace(tmp, path)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise ModelSaveError(f"cannot write {path}: {error.strerror or error}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def check_can_save(path: str | Path) -> None:
    """Fail now, with the real cause in one line, if `save_model` could not write `path` later.

    A training run calls this first, so that an unwritable path is not found only after the run.
    """
    path = Path(path)
    if path.is_dir():
        raise ModelSaveError(f"cannot write {path}: it is a folder; give a file name")
    existing = next(folder for folder in path.parents if folder.exists())
    if not existing.is_dir():
        raise ModelSaveError(f"cannot write {path}: {existing} is a file, not a folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        probe = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        probe.touch()
        probe.unlink()
    except OSError as error:
        raise ModelSaveError(f"cannot write {path}: {error.strerror or error}") from None
    _remove_stale_temporaries(path)


def _remove_stale_temporaries(path: Path) -> None:
    """Delete the temporary files that saves killed earlier left beside `path`."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        if not _process_alive(stale.suffixes[-2].lstrip(".")):
            stale.unlink(missing_ok=True)


def _process_alive(pid: str) -> bool:
    if not pid.isdigit():
        return True  # not a name save_model gives: leave the file alone
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


# --- inference ---------------------------------------------------------------------------------


@torch.inference_mode()
def read_images(model: nn.Module, images: torch.Tensor, batch_size: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """(N, 10) and (N, 10): the class probabilities of each image of a (N, 1, 28, 28) batch, each row
    summing to 1, and its likeness to each digit (`ImageClassifier.likeness`)."""
    device = next(model.parameters()).device
    logits, likeness = zip(*(model.read(batch.to(device)) for batch in images.split(batch_size)), strict=True)
    probs = torch.softmax(torch.cat(logits).float(), dim=1)  # softmax subtracts the max: stable
    return probs.cpu().numpy(), torch.cat(likeness).float().cpu().numpy()


def probabilities(model: nn.Module, images: torch.Tensor, batch_size: int = 1000) -> np.ndarray:
    """(N, 10): the class probabilities of each image of a (N, 1, 28, 28) batch, each row summing to 1."""
    return read_images(model, images, batch_size)[0]


def read_views(model: nn.Module, views: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """(N, 10) and (N, 10): the class probabilities of N drawings and their likeness to each digit, each
    the mean over the drawing's views, from a (N, V, 1, 28, 28) batch (see ink.READING_VIEWS)."""
    count, per_drawing = views.shape[:2]
    probs, likeness = read_images(model, views.flatten(0, 1))
    return tuple(each.reshape(count, per_drawing, -1).mean(axis=1) for each in (probs, likeness))


def predict(model: nn.Module, canvas: np.ndarray) -> np.ndarray:
    """The 10 class probabilities of a drawing (see `ink.preprocess` for the canvas format)."""
    return probabilities(model, preprocess(canvas))[0]


# --- training ----------------------------------------------------------------------------------


def pick_device(name: str = "auto") -> torch.device:
    """`auto` picks CUDA, then Apple MPS, then the CPU."""
    if name != "auto":
        return torch.device(name)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def load_mnist(root: str | Path, train: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """The MNIST training or test set as one (N, 1, 28, 28) float tensor in [0, 1] and its labels."""
    from torchvision import datasets  # imported here: the app never needs it

    dataset = datasets.MNIST(root, train=train, download=True)
    return dataset.data[:, None].float().div_(255), dataset.targets.clone()


def augment(
    images: torch.Tensor,
    degrees: float = 10.0,
    shift: float = 0.1,
    scale: tuple[float, float] = (0.9, 1.1),
    thicken: float = 0.0,
) -> torch.Tensor:
    """Random affine warp of every image in a batch (one grid_sample call for the whole batch).

    Rotation up to `degrees`, shift up to `shift` of the image size, zoom within `scale`, as the
    original's RandomAffine. With probability `thicken`, an image's strokes are first made 2 or 4 px
    bolder and the digit shrunk to fit, as a digit drawn small with a wide brush looks.
    """
    n, device = images.shape[0], images.device
    zoom = torch.empty(n, device=device).uniform_(*scale)
    if thicken > 0:
        extra = torch.randint(1, 3, (n,), device=device) * (torch.rand(n, device=device) < thicken)
        bold1 = F.max_pool2d(images, 3, stride=1, padding=1)
        bold2 = F.max_pool2d(bold1, 3, stride=1, padding=1)
        images = torch.stack([images, bold1, bold2])[extra, torch.arange(n, device=device)]
        zoom = zoom * DIGIT_BOX / (DIGIT_BOX + 2 * extra)
    angle = torch.empty(n, device=device).uniform_(-math.radians(degrees), math.radians(degrees))
    offset = torch.empty(n, 2, device=device).uniform_(-2 * shift, 2 * shift)  # grid spans [-1, 1]
    cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
    theta = torch.stack([torch.stack([cos, -sin, offset[:, 0]], 1), torch.stack([sin, cos, offset[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    return F.grid_sample(images, grid, align_corners=False)


NOT_A_DIGIT = -1  # the training label of a drawing that is not a digit (see non_digits.py)
NON_DIGIT_WEIGHT = 0.5  # the weight of their loss against the digits' (Hendrycks et al.'s)


def train_step(
    model: nn.Module, optimizer: torch.optim.Optimizer, images: torch.Tensor, labels: torch.Tensor
) -> tuple[float, int]:
    """One optimisation step on a batch; returns the summed loss and the number of digits read right.

    Digits are taught their label; drawings labelled NOT_A_DIGIT are taught to spread their
    probability evenly over the ten (the cross-entropy to the uniform distribution).
    """
    model.train()
    optimizer.zero_grad(set_to_none=True)
    with _autocast(images.device):
        logits = model(images)
    log_probs = F.log_softmax(logits.float(), dim=1)
    digits = labels != NOT_A_DIGIT
    digit_loss = F.nll_loss(log_probs[digits], labels[digits], reduction="sum")
    non_digit_loss = -log_probs[~digits].mean(dim=1).sum()
    loss = (digit_loss + NON_DIGIT_WEIGHT * non_digit_loss) / len(labels)
    loss.backward()
    optimizer.step()
    return loss.item() * len(labels), (logits[digits].argmax(1) == labels[digits]).sum().item()


def ema_average(decay: float) -> Callable:
    """`multi_avg_fn` for torch's AveragedModel: an exponential moving average of the weights.

    The decay ramps up from 0.1 to `decay` over the first steps, so even a short run averages
    trained weights rather than the random initial ones.
    """

    def update(averaged: list[torch.Tensor], current: list[torch.Tensor], steps: torch.Tensor) -> None:
        weight = 1 - min(decay, (1 + steps.item()) / (10 + steps.item()))
        if averaged[0].is_floating_point():
            torch._foreach_lerp_(averaged, current, weight)
        else:  # batch-norm's step counters
            torch._foreach_copy_(averaged, current)

    return update


@torch.inference_mode()
def evaluate(
    model: nn.Module, images: torch.Tensor, labels: torch.Tensor, batch_size: int = 1000
) -> tuple[float, float, torch.Tensor]:
    """Mean loss, accuracy and predicted labels over a dataset, in eval mode."""
    model.eval()
    device = next(model.parameters()).device
    total_loss, predictions = 0.0, []
    for start in range(0, len(images), batch_size):
        x = images[start : start + batch_size].to(device)
        y = labels[start : start + batch_size].to(device)
        with _autocast(device):
            logits = model(x).float()
        total_loss += F.cross_entropy(logits, y, reduction="sum").item()
        predictions.append(logits.argmax(1).cpu())
    predictions = torch.cat(predictions)
    return total_loss / len(images), (predictions == labels.cpu()).float().mean().item(), predictions


def _autocast(device: torch.device) -> torch.autocast:
    """bfloat16 mixed precision on CUDA GPUs that have it; full precision everywhere else."""
    enabled = device.type == "cuda" and torch.cuda.is_bf16_supported()
    return torch.autocast(device.type, dtype=torch.bfloat16, enabled=enabled)


def print_test_accuracy(model: nn.Module, data_root: str) -> int:
    images, labels = load_mnist(data_root, train=False)
    _, accuracy, predictions = evaluate(model, images, labels)
    print(f"test accuracy: {accuracy:.2%} ({(predictions == labels).sum()} / {len(labels)})")
    for digit in range(NUM_CLASSES):
        mask = labels == digit
        print(f"  {digit}: {(predictions[mask] == digit).float().mean():.2%} of {mask.sum()}")
    return 0


def print_predictions(model: nn.Module, paths: list[str]) -> int:
    """One line per picture: the digit and its probability, "not a digit" (non_digits.read), or why it
    could not be read."""
    failed = False
    for path in paths:
        try:
            (probs,), (likeness,) = read_images(model, preprocess(read_picture(path)))
        except PictureError as error:
            print(f"{path}: error: {error}")
            failed = True
            continue
        digit, likeliest = non_digits.read(probs, likeness=likeness), int(probs.argmax())
        print(f"{path}: {digit} ({probs[digit]:.1%})" if digit is not None
              else f"{path}: not a digit (likeliest {likeliest}, {probs[likeliest]:.1%})")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Accuracy of a trained model on the official MNIST test set, or the digits in pictures.",
        epilog="python model.py predict FILE...  reads each picture (scan, photo, or MNIST-style image)",
    )
    parser.add_argument("--model", default=DEFAULT_MODEL_PATH, help="weights file (default: the shipped model)")
    parser.add_argument("--data-root", default="data", help="MNIST folder; downloaded there if missing")
    commands = parser.add_subparsers(dest="command")
    reading = commands.add_parser("predict", help="the digit in each picture, one line per file")
    reading.add_argument("files", nargs="+", metavar="FILE")
    args = parser.parse_args(argv)
    try:
        model = load_model(args.model)
    except ModelLoadError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if args.command == "predict":
        return print_predictions(model, args.files)
    return print_test_accuracy(model, args.data_root)


if __name__ == "__main__":
    sys.exit(main())
