"""The user's own labelled drawings: what they taught the app, kept in their data folder.

    python user_samples.py [--data-dir DIR] list
    python user_samples.py [--data-dir DIR] export FILE
    python user_samples.py [--data-dir DIR] delete

When the app reads a drawing wrong (or right), pressing the right digit key keeps the drawing as a
sample: its pen path, the digit, what the app had read and when. Samples live in the platform's
user data folder (e.g. ~/.local/share/digit-recognizer on Linux), never in the repository, one JSON
record a line in an append-only file. Each record is flushed and synced to disk before the app
says it is saved; a record torn by a crash mid-write is skipped when the file is read, and the next
record starts on a line of its own, as does a record whose pen path is not points. The app remembers
them (personalize.Remembering) and personalize.py learns them.
"""

import argparse
import json
import math
import os
import sys
import time
from datetime import datetime
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "digit-recognizer"
SAMPLES_FILE = "samples.jsonl"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S%z"  # a sample's "time": when it was taught, local time with its offset


def default_data_dir() -> Path:
    return user_data_path(APP_NAME, appauthor=False)


class SampleStore:
    """The samples file in one data folder, and how many samples of each digit it holds."""

    def __init__(self, folder: str | Path | None = None) -> None:
        self.path = Path(folder if folder is not None else default_data_dir()) / SAMPLES_FILE
        self.counts = [0] * 10
        for sample in self.read():
            self.counts[sample["label"]] += 1

    def add(self, strokes, label: int, read_as: int | None) -> dict:
        """Append one sample and sync it to disk; raises OSError if it could not be kept."""
        record = {"label": int(label), "read_as": read_as, "time": time.strftime(TIME_FORMAT),
                  "strokes": [[[int(x), int(y)] for x, y in stroke] for stroke in strokes]}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a+b") as file:
            file.seek(0, os.SEEK_END)
            torn = file.tell() > 0 and not _ends_with_newline(file)
            file.write((b"\n" if torn else b"") + json.dumps(record).encode() + b"\n")
            file.flush()
            os.fsync(file.fileno())
        self.counts[label] += 1
        return record

    def read(self) -> list[dict]:
        """Every whole, valid sample in the file, oldest first; torn or foreign lines are skipped."""
        try:
            lines = self.path.read_bytes().splitlines()
        except OSError:  # none yet, or unreadable: adding one will say why
            return []
        return [sample for sample in map(_parse, lines) if sample is not None]

    def delete(self) -> int:
        """Remove every sample; returns how many there were."""
        count = len(self.read())
        self.path.unlink(missing_ok=True)
        self.counts = [0] * 10
        return count


def taught_at(sample: dict) -> float:
    """When a sample was taught, in seconds since the epoch; 0 when its record does not say."""
    try:
        return datetime.strptime(sample["time"], TIME_FORMAT).timestamp()
    except (KeyError, TypeError, ValueError):
        return 0.0


def _ends_with_newline(file) -> bool:
    file.seek(-1, os.SEEK_END)
    return file.read(1) == b"\n"


def _parse(line: bytes) -> dict | None:
    try:
        sample = json.loads(line)
    except ValueError:
        return None
    valid = isinstance(sample, dict) and sample.get("label") in range(10) and _is_pen_path(sample.get("strokes"))
    return sample if valid else None


def _is_pen_path(strokes: object) -> bool:
    """Whether `strokes` is a list of strokes, each a non-empty list of [x, y] points."""
    return isinstance(strokes, list) and all(
        isinstance(stroke, list) and stroke and all(map(_is_point, stroke)) for stroke in strokes)


def _is_point(point: object) -> bool:
    return isinstance(point, list) and len(point) == 2 and all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in point)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="List, export or delete the digits you taught the app.")
    parser.add_argument("--data-dir", type=Path, default=None, help=f"default: {default_data_dir()}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="how many samples of each digit, and where they are")
    export = commands.add_parser("export", help="write every sample to FILE (JSON lines)")
    export.add_argument("file", type=Path)
    commands.add_parser("delete", help="delete every sample")
    args = parser.parse_args(argv)

    store = SampleStore(args.data_dir)
    if args.command == "list":
        print(f"{sum(store.counts)} samples in {store.path}")
        print("  ".join(f"{digit}: {count}" for digit, count in enumerate(store.counts)))
    elif args.command == "export":
        samples = store.read()
        try:
            args.file.write_text("".join(json.dumps(sample) + "\n" for sample in samples))
        except OSError as error:
            print(f"error: cannot write {args.file}: {error.strerror or error}", file=sys.stderr)
            return 1
        print(f"{len(samples)} samples written to {args.file}")
    else:
        print(f"deleted {store.delete()} samples from {store.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
