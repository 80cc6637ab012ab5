"""Your handwriting, learnt: fine-tune a copy of the model on the digits you taught the app.

    python personalize.py [--data-dir DIR] [--data-root data] [--model MNIST_CUDA_MODEL.pt]
    python personalize.py --forget    # delete the personal model: the app reads with the shipped one again

Teach the app first: in play.py, draw a digit and press its key (or click its row); user_samples.py
keeps the drawing, and from then on the app remembers it (`Remembering`): drawings much like it are
pulled towards its digit, at once and without training. This renders each kept drawing the way the
app reads it, in several pen widths, slants and widths, and fine-tunes the dense layers of a copy of
the model on them, mixed with three times as many MNIST training digits, each to be read as the
model read it before, so that it keeps reading everyone else's digits. The conv layers stay as
trained. It takes about half a minute on a 2-core CPU and writes personal_model.pt into your data
folder, beside your samples; from then on the app reads with it, says so in its panel, and
remembers only the digits taught since. The shipped MNIST_CUDA_MODEL.pt is never changed.
`benchmarks/personal_adaptation.py` measures how much it helps, writer by writer.
"""

import argparse
import copy
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ink import Strokes, preprocess, render_strokes
from model import (
    DEFAULT_MODEL_PATH,
    NUM_CLASSES,
    ModelLoadError,
    ModelSaveError,
    augment,
    check_can_save,
    load_mnist,
    load_model,
    save_model,
)
from user_samples import SampleStore, default_data_dir, taught_at

PERSONAL_MODEL_FILE = "personal_model.pt"
STEPS = 150
BATCH_SIZE = 128
YOURS_PER_BATCH = 32  # a quarter of each batch is yours; the rest are MNIST digits, so nothing is forgotten
LR, MOMENTUM = 0.01, 0.9  # plain SGD: weights your digits say nothing about stay as they were (Adam moves them all)
# Pull of each dense weight back to its shipped value (L2-SP). Off: it forgets less MNIST only by
# helping you less (README, "Your personal model": the trade-off, from benchmarks/personal_adaptation.py).
ANCHOR = 0.0
MNIST_DIGITS = 6000  # warped MNIST training digits mixed in, each read as the model read it before
RENDERINGS = 16  # of each of your drawings: pen widths, slants and widths vary as they do from day to day
SHEAR, ASPECT, PEN_RATIOS = 0.25, (0.8, 1.2), (0.08, 0.13)

# Remembered at once, before (or without) fine-tuning: a digit you taught pulls the reading of each
# drawing like it towards its digit, when the two are at least REMEMBER_FROM alike (the cosine of their
# fc1 features), adding REMEMBER_PULL times the excess to that digit's log-probability. A drawing you
# corrected is then read as you said, and so are others you write the same way; MNIST digits are
# rarely that alike (README, "Your personal model": chosen with benchmarks/personal_adaptation.py).
REMEMBER_FROM, REMEMBER_PULL = 0.7, 30.0
# The app starts remembering the samples taught last, at most this many: each takes about 10 ms to read
# (its three views drawn and passed through the network), and personalize.py learns them all.
REMEMBER_AT_START = 100

Examples = tuple[torch.Tensor, torch.Tensor]  # the conv features of some images, and the 10 probabilities to learn


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Torch's random numbers (warps, dropout) drawn from `seed` alone, and the caller's left as they
    were: the same samples always make the same personal model, whatever ran before."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


class Remembering(nn.Module):
    """A network that also remembers the drawings you taught it (see REMEMBER_FROM): called as the
    network is, it gives log-probabilities in place of logits, so softmax reads them the same way."""

    def __init__(self, network: nn.Module) -> None:
        super().__init__()
        self.network = network
        self.register_buffer("memory", torch.zeros(0, network.fc2.in_features))  # each taught view's features
        self.register_buffer("digits", torch.zeros(0, dtype=torch.long))  # ... and its digit

    @torch.no_grad()  # not inference_mode: the memory must stay usable wherever the network is
    def remember(self, views: torch.Tensor, digits: torch.Tensor) -> None:
        """Keep taught drawings: their (N, V, 1, 28, 28) views as the app reads them, and their N digits."""
        embedded = F.normalize(self.network.embed(views.flatten(0, 1)), dim=1)
        self.memory = torch.cat([self.memory, embedded])
        self.digits = torch.cat([self.digits, digits.repeat_interleave(views.shape[1])])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classify(self.network.features(x))

    def classify(self, features: torch.Tensor) -> torch.Tensor:
        """The 10 log-probabilities from the conv features, each digit pulled up by the taught drawing of
        it most alike (as ImageClassifier.classify, with one fc1 for both)."""
        return self._pulled(self.network.dense_features(features))[0]

    def read(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """As ImageClassifier.read: a drawing as alike a taught one as REMEMBER_FROM is as like its digit as any."""
        embedded = self.network.embed(x)
        log_p, nearest = self._pulled(embedded)
        return log_p, torch.where(nearest >= REMEMBER_FROM, 1.0, self.network.likeness(embedded))

    def _pulled(self, embedded: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The 10 log-probabilities from fc1 features, pulled; and how alike the taught drawing of each
        digit most alike is (-1: none taught)."""
        net = self.network
        log_p = F.log_softmax(net.fc2(net.dropout(embedded)), dim=1)
        nearest = self.alike(embedded)
        return log_p + REMEMBER_PULL * (nearest - REMEMBER_FROM).clamp(min=0), nearest

    def alike(self, embedded: torch.Tensor) -> torch.Tensor:
        """(N, 10) from fc1 features: how alike the taught drawing of each digit most alike is (-1: none taught)."""
        nearest = embedded.new_full((len(embedded), self.network.fc2.out_features), -1.0)
        if not len(self.digits):
            return nearest
        alike = F.normalize(embedded, dim=1) @ self.memory.T  # (N, taught views)
        return nearest.scatter_reduce(1, self.digits.expand(len(embedded), -1), alike, "amax")


def taught_since(samples: list[dict], model_file: Path | None) -> list[dict]:
    """The samples taught after `model_file` was written (all of them without one): those it has not learnt."""
    try:
        made = model_file.stat().st_mtime if model_file is not None else None
    except OSError:  # gone since it was loaded
        made = None
    return samples if made is None else [sample for sample in samples if taught_at(sample) > made]


def personal_model_path(data_dir: str | Path | None = None) -> Path:
    """Where the personal model lives: the user's data folder, beside the samples it learnt from."""
    return Path(data_dir if data_dir is not None else default_data_dir()) / PERSONAL_MODEL_FILE


def renderings(strokes: Strokes, count: int, rng: np.random.Generator) -> torch.Tensor:
    """`count` (1, 28, 28) model inputs of one drawing, each slanted, widened and penned a little differently."""
    points = [np.asarray(stroke, dtype=np.float64).reshape(-1, 2) for stroke in strokes]
    images = []
    for _ in range(count):
        shear, aspect = rng.uniform(-SHEAR, SHEAR), rng.uniform(*ASPECT)
        varied = [np.stack([(p[:, 0] + shear * p[:, 1]) * aspect, p[:, 1]], axis=1) for p in points]
        images.append(preprocess(render_strokes(varied, pen_ratio=rng.uniform(*PEN_RATIOS))))
    return torch.cat(images)


def conv_features(model: nn.Module, images: torch.Tensor) -> torch.Tensor:
    """The frozen conv layers' output for images, computed once: only the dense layers are trained."""
    model.eval()
    with torch.no_grad():  # not inference_mode: the dense layers' gradients are taken on these
        return torch.cat([model.features(batch) for batch in images.split(500)])


def your_examples(model: nn.Module, samples: list[dict], seed: int = 0) -> Examples:
    """Your samples, RENDERINGS times each, warped as training digits are."""
    rng = np.random.default_rng(seed)
    images = torch.cat([renderings(sample["strokes"], RENDERINGS, rng) for sample in samples])
    labels = torch.tensor([sample["label"] for sample in samples]).repeat_interleave(RENDERINGS)
    with seeded(seed):
        images = augment(images)
    return conv_features(model, images), F.one_hot(labels, NUM_CLASSES).float()


def mnist_examples(model: nn.Module, images: torch.Tensor, count: int = MNIST_DIGITS, seed: int = 0) -> Examples:
    """`count` MNIST training digits picked at random and warped, with the probabilities `model` gives them.

    Learning those, rather than the digits' labels, keeps the adapted model reading MNIST as the
    model did, doubtful digits included: it forgets less than relearning the labels would.
    """
    pick = torch.randperm(len(images), generator=torch.Generator().manual_seed(seed))[:count]
    with seeded(seed):
        warped = augment(images[pick])
    features = conv_features(model, warped)
    with torch.no_grad():
        return features, torch.cat([F.softmax(model.classify(batch), 1) for batch in features.split(500)])


def adapt(model: nn.Module, yours: Examples, mnist: Examples, steps: int = STEPS,
          anchor: float = ANCHOR, yours_per_batch: int = YOURS_PER_BATCH, seed: int = 0) -> nn.Module:
    """A copy of `model` whose dense layers are fine-tuned on your examples mixed with MNIST's.

    `anchor` weighs a penalty on the squared distance of those layers' weights from the model's
    own, so that they move only as far as your digits need; `yours_per_batch` of each batch of
    BATCH_SIZE are your examples, the rest MNIST's.
    """
    personal = copy.deepcopy(model).eval()
    trained = [*personal.fc1.parameters(), *personal.fc2.parameters()]
    shipped = [weight.detach().clone() for weight in trained] if anchor else []
    optimizer = torch.optim.SGD(trained, lr=LR, momentum=MOMENTUM)
    generator = torch.Generator().manual_seed(seed)
    personal.dropout.train()  # the dense layers train as they were trained; the conv layers stay as they are
    with seeded(seed):  # dropout's masks
        for _ in range(steps):
            mine = torch.randint(len(yours[1]), (yours_per_batch,), generator=generator)
            theirs = torch.randint(len(mnist[1]), (BATCH_SIZE - yours_per_batch,), generator=generator)
            features = torch.cat([yours[0][mine], mnist[0][theirs]])
            targets = torch.cat([yours[1][mine], mnist[1][theirs]])
            loss = F.cross_entropy(personal.classify(features), targets)
            if anchor:  # off by default: no work for it then
                loss = loss + anchor * sum(((w - w0) ** 2).sum() for w, w0 in zip(trained, shipped, strict=True))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
    return personal.eval()


def personalize(data_dir: Path | None, data_root: str, model_path: str | Path) -> int:
    """Learn the samples in `data_dir` and write the personal model beside them; 0 on success, 1 if not."""
    samples = SampleStore(data_dir).read()
    target = personal_model_path(data_dir)
    if not samples:
        print(f"error: no digits taught yet in {target.parent}: in play.py, draw a digit and press its key",
              file=sys.stderr)
        return 1
    try:
        check_can_save(target)
        model = load_model(model_path)
        started = time.perf_counter()
        images, _ = load_mnist(data_root, train=True)
    except (ModelLoadError, ModelSaveError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except RuntimeError as error:  # torchvision found no MNIST in data_root and could not download it
        print(f"error: MNIST is needed in {data_root} (--data-root) and could not be fetched: {error}",
              file=sys.stderr)
        return 1
    counts = np.bincount([sample["label"] for sample in samples], minlength=10)
    print(f"learning {len(samples)} of your digits ({', '.join(f'{d}: {n}' for d, n in enumerate(counts) if n)})")
    personal = adapt(model, your_examples(model, samples), mnist_examples(model, images))
    try:
        save_model(personal, target)
    except ModelSaveError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"done in {time.perf_counter() - started:.0f} s: the app now reads with {target}")
    print("back to the shipped model: python personalize.py --forget")
    return 0


def forget(data_dir: Path | None) -> int:
    target = personal_model_path(data_dir)
    if not target.exists():
        print(f"no personal model in {target.parent}: the app reads with the shipped model")
        return 0
    target.unlink()
    print(f"deleted {target}: the app reads with the shipped model again (your samples are kept)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fine-tune the model on the digits you taught the app.")
    parser.add_argument("--data-dir", type=Path, default=None, help=f"your samples (default: {default_data_dir()})")
    parser.add_argument("--data-root", default="data", help="MNIST folder; downloaded there if missing")
    parser.add_argument("--model", default=DEFAULT_MODEL_PATH, help="the model to start from (default: %(default)s)")
    parser.add_argument("--forget", action="store_true", help="delete the personal model")
    args = parser.parse_args(argv)
    if args.forget:
        return forget(args.data_dir)
    return personalize(args.data_dir, args.data_root, args.model)


if __name__ == "__main__":
    sys.exit(main())
