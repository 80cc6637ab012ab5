"""user_samples.py: the digits a user taught the app, kept safely in their data folder."""

import json
import time

import pytest
from conftest import REPO

from user_samples import SampleStore, default_data_dir, main, taught_at

SEVEN = [[(180, 110), (420, 110), (290, 500)]]


def test_samples_live_in_the_user_data_folder_never_in_the_repository(user_data_home):
    assert default_data_dir().is_relative_to(user_data_home)
    assert not default_data_dir().resolve().is_relative_to(REPO)


def test_a_sample_is_one_line_and_counted(tmp_path):
    store = SampleStore(tmp_path)
    store.add(SEVEN, 7, read_as=1)
    lines = store.path.read_text().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["label"] == 7 and record["read_as"] == 1 and record["strokes"] == [[list(p) for p in SEVEN[0]]]
    assert "time" in record
    assert SampleStore(tmp_path).counts == [0] * 7 + [1, 0, 0]


def test_a_record_torn_by_a_crash_is_skipped_and_the_next_starts_on_its_own_line(tmp_path):
    store = SampleStore(tmp_path)
    store.add(SEVEN, 7, read_as=7)
    whole = store.path.read_bytes()
    store.path.write_bytes(whole + whole[: len(whole) // 2])  # a second record cut off mid-write
    assert [s["label"] for s in SampleStore(tmp_path).read()] == [7]
    store.add(SEVEN, 1, read_as=7)
    assert [s["label"] for s in SampleStore(tmp_path).read()] == [7, 1]


def test_list_export_and_delete(tmp_path, capsys):
    store = SampleStore(tmp_path)
    store.add(SEVEN, 7, read_as=7)
    store.add(SEVEN, 7, read_as=1)
    assert main(["--data-dir", str(tmp_path), "list"]) == 0
    assert "2 samples" in capsys.readouterr().out
    assert main(["--data-dir", str(tmp_path), "export", str(tmp_path / "out.jsonl")]) == 0
    assert [json.loads(line)["read_as"] for line in (tmp_path / "out.jsonl").read_text().splitlines()] == [7, 1]
    assert main(["--data-dir", str(tmp_path), "delete"]) == 0
    assert "deleted 2 samples" in capsys.readouterr().out.splitlines()[-1]
    assert SampleStore(tmp_path).read() == [] and not store.path.exists()


def test_a_folder_that_cannot_take_samples_raises_oserror_and_reads_as_empty(tmp_path):
    (tmp_path / "a file").write_text("")
    store = SampleStore(tmp_path / "a file")
    assert store.read() == []
    with pytest.raises(OSError):
        store.add(SEVEN, 7, read_as=None)


def test_a_sample_says_when_it_was_taught_or_counts_as_long_ago(tmp_path):
    sample = SampleStore(tmp_path).add([[(1, 2), (3, 4)]], 5, None)
    assert abs(taught_at(sample) - time.time()) < 5
    assert taught_at({"label": 5, "strokes": []}) == taught_at({"time": "yesterday"}) == 0.0


def test_a_record_whose_pen_path_is_not_points_is_skipped(tmp_path):
    store = SampleStore(tmp_path)
    store.add(SEVEN, 7, None)
    broken = [[["a", "b"]], [[]], [[[1, 2, 3]]], [[[1, float("nan")]]], [[[True, 2]]], "strokes"]
    with open(store.path, "a") as file:
        file.writelines(json.dumps({"label": 1, "strokes": strokes}) + "\n" for strokes in broken)
    assert [sample["label"] for sample in store.read()] == [7]
