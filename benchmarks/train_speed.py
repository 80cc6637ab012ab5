"""Training throughput: the notebook's training step against the original project's pipeline.

    python benchmarks/train_speed.py --data-root data

Ours: the whole training set as one tensor, batch-wise affine augmentation on the training device,
batch 128, AdamW, channels-last. The original: per-sample PIL RandomAffine + ColorJitter in a
DataLoader over a ConcatDataset (plain + augmented copy of MNIST), batch 32, Adam. Both train the
same network; each timed step includes producing its batch. The two alternate in rounds so that
machine noise hits both alike; medians of images per second are compared.
"""

import argparse
import itertools
import statistics
import sys
import time
from pathlib import Path

import torch
from torch.utils.data import ConcatDataset, DataLoader
from torchvision import datasets, transforms

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from model import ImageClassifier, augment, load_mnist, train_step  # noqa: E402

OUR_BATCH, ORIGINAL_BATCH = 128, 32


def our_steps(data_root: str, augmented: bool = True):
    """Yields once per training step of the notebook's loop (see MNIST_TRAIN.ipynb).

    Without `augmented`, the same step on batches used as they are: the model's own ceiling.
    """
    images, labels = load_mnist(data_root, train=True)
    model = ImageClassifier().to(memory_format=torch.channels_last)
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.01)
    while True:
        for idx in torch.randperm(len(images)).split(OUR_BATCH):
            x = augment(images[idx], thicken=0.3) if augmented else images[idx]
            train_step(model, optimizer, x.contiguous(memory_format=torch.channels_last), labels[idx])
            yield len(idx)


def original_steps(data_root: str):
    """Yields once per training step of the original notebook's loop."""
    augmentation = transforms.Compose([
        transforms.RandomAffine(degrees=10, translate=(0.1, 0.1), scale=(0.9, 1.1)),
        transforms.ColorJitter(brightness=0.2, contrast=0.2),
        transforms.ToTensor(),
    ])
    plain = datasets.MNIST(data_root, train=True, download=True, transform=transforms.ToTensor())
    augmented = datasets.MNIST(data_root, train=True, download=True, transform=augmentation)
    loader = DataLoader(ConcatDataset([plain, augmented]), batch_size=ORIGINAL_BATCH, shuffle=True)
    model = ImageClassifier()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    while True:
        for x, y in loader:
            model.train()
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
            yield len(y)


def timed(steps, count: int) -> list[float]:
    """Images per second of each of `count` steps."""
    rates = []
    for _ in range(count):
        start = time.perf_counter()
        n = next(steps)
        rates.append(n / (time.perf_counter() - start))
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-root", default="data", help="MNIST folder; downloaded there if missing")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=20, help="timed steps per pipeline per round")
    args = parser.parse_args()
    torch.manual_seed(0)

    pipelines = {
        "ours": our_steps(args.data_root),
        "original": original_steps(args.data_root),
        "model only": our_steps(args.data_root, augmented=False),
    }
    rates = {name: [] for name in pipelines}
    for steps in pipelines.values():
        timed(steps, 5)  # warm-up: allocator, kernels, first batches
    for _, (name, steps) in itertools.product(range(args.rounds), pipelines.items()):
        rates[name] += timed(steps, args.steps)

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"{args.rounds} rounds x {args.steps} steps per pipeline")
    medians = {name: statistics.median(r) for name, r in rates.items()}
    for name, batch in [("ours", OUR_BATCH), ("original", ORIGINAL_BATCH), ("model only", OUR_BATCH)]:
        print(f"  {name:10} batch {batch:3}: {medians[name]:7.0f} images/s (median)")
    print(f"speed-up: {medians['ours'] / medians['original']:.1f}x")


if __name__ == "__main__":
    main()
