"""Startup time of the real app, and its CPU use while idle, on a virtual X screen.

    python benchmarks/startup.py        # needs Xvfb and xwininfo (apt-get install xvfb x11-utils)

Times `python play.py` from launch until its window exists (the model is loaded and warmed up
before the window opens, so it is ready for input then), next to `python -c "import torch"`
as the floor any PyTorch program pays. Then leaves the app idle and reads its CPU time from /proc.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DISPLAY = ":97"


def wait_for_window(env: dict) -> None:
    while True:
        tree = subprocess.run(["xwininfo", "-root", "-tree"], env=env, capture_output=True, text=True).stdout
        if '"Digit Recognizer' in tree:
            return
        time.sleep(0.01)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def launch_app(env: dict, idle_seconds: float) -> tuple[float, float]:
    """Seconds until the window shows, and the share of a core used while idle afterwards."""
    start = time.perf_counter()
    app = subprocess.Popen([sys.executable, "play.py"], cwd=ROOT, env=env)
    wait_for_window(env)
    startup = time.perf_counter() - start
    time.sleep(0.5)  # let the first frame settle
    before = cpu_seconds(app.pid)
    time.sleep(idle_seconds)
    idle = (cpu_seconds(app.pid) - before) / idle_seconds
    app.terminate()  # SDL turns SIGTERM into a quit event: the app closes as if the window was closed
    app.wait(timeout=30)
    return startup, idle


def time_import_torch() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import torch"], check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--idle", type=float, default=5.0, help="seconds of idling to measure")
    args = parser.parse_args()
    xvfb = subprocess.Popen(["Xvfb", DISPLAY, "-screen", "0", "1024x768x24"], stderr=subprocess.DEVNULL)
    env = {**os.environ, "DISPLAY": DISPLAY}
    env.pop("SDL_VIDEODRIVER", None)
    try:
        time.sleep(1)
        launch_app(env, 0.1)  # warm the file cache for both
        time_import_torch()
        startups, idles, floors = [], [], []
        for _ in range(args.runs):
            startup, idle = launch_app(env, args.idle)
            startups.append(startup)
            idles.append(idle)
            floors.append(time_import_torch())
    finally:
        xvfb.terminate()
    startup, floor = statistics.median(startups), statistics.median(floors)
    print(f"medians of {args.runs} runs:")
    print(f"  python play.py until its window is ready: {startup:.2f} s")
    print(f"  python -c 'import torch':                 {floor:.2f} s  (startup is {startup / floor:.1f}x that)")
    print(f"  CPU while idle: {statistics.median(idles):.1%} of one core")


if __name__ == "__main__":
    main()
