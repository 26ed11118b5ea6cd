"""Kill `boletines index` and `update` with SIGKILL at random moments; count the runs it blocks.

    python -m bench.kill_builds --rounds 20 --files 600

Each round starts a real build (or an update after adding files), kills it while it reads or
writes, then checks that no worker outlives it, and that the next run is not refused and leaves
exactly one generation. The helpers are shared with tests/test_kill.py.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORDS = ("salud vacuna dengue hospital oaxaca brigada campaña influenza mosquito jurisdicción médico "
         "enfermera clínica comunidad prevención lluvias agua").split()


def write_corpus(root: Path, count: int, start: int = 0, seed: int = 7) -> None:
    """`count` distinct small bulletins (different words, dates and numbers: no duplicates)."""
    rnd = random.Random(seed + start)
    for i in range(start, start + count):
        folder = root / f"a{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        body = " ".join(rnd.choice(WORDS) + str(rnd.randrange(100000)) for _ in range(200))
        (folder / f"b{i}.txt").write_text(
            f"Servicios de Salud de Oaxaca\n\nBoletín No. {i}/2023\n\n"
            f"Oaxaca de Juárez, Oax. {1 + i % 28} de mayo de 2023.- {body}\n", encoding="utf-8")


def start(command: str, corpus: Path, index: Path, jobs: int = 2) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "indexer.cli", command, "--corpus", str(corpus),
                             "--index", str(index), "--jobs", str(jobs), "--json"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run(command: str, corpus: Path, index: Path, timeout: float = 300, jobs: int = 2):
    proc = start(command, corpus, index, jobs)
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def descendants(pid: int) -> set[int]:
    """Every live process below `pid` (its workers), from /proc."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry)] = int(fields[1])
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        for child, parent in parents.items():
            if parent == current and child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    """Running, not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _unfinished(index: Path) -> list[Path]:
    live = (index / "CURRENT").read_text().strip() if (index / "CURRENT").is_file() else None
    return [f for gen in index.glob("gen-*") if gen.name != live for f in gen.iterdir()]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


MOMENTS = {
    # name → test on the files of unfinished generations
    "reading": lambda files: any(f.name == "reading.spool" and _size(f) > 0 for f in files),  # the pool is busy
    "writing": lambda files: any(f.suffix in (".pst", ".trm") for f in files),  # segments being written
    "cloned": lambda files: bool(files),  # an update's copy of the live generation exists
    "started": lambda files: True,
}


def kill_at(proc: subprocess.Popen, index: Path, moment: str, delay: float = 0.0,
            limit: float = 120) -> tuple[bool, set[int]]:
    """SIGKILL `proc` `delay` seconds after `moment` is seen in the index folder.

    Returns (whether the moment was reached before the process ended, the workers it had then).
    """
    seen = MOMENTS[moment]
    deadline = time.monotonic() + limit
    reached = False
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            reached = seen(_unfinished(index))
        except OSError:  # a file went away while looking
            reached = False
        if reached:
            break
        time.sleep(0.01)
    time.sleep(delay)
    workers = descendants(proc.pid)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait()  # not communicate(): orphaned workers would hold its pipes open for ever
    proc.stdout.close()
    proc.stderr.close()
    return reached and proc.returncode == -signal.SIGKILL, workers


def wait_gone(pids: set[int], limit: float = 10) -> set[int]:
    """The pids still running after up to `limit` seconds."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        left = {p for p in pids if alive(p)}
        if not left:
            return left
        time.sleep(0.05)
    return {p for p in pids if alive(p)}


def main(argv=None) -> int:
    import argparse
    import json
    import shutil
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--files", type=int, default=600, help="bulletins in the generated corpus")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rnd = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="boletines-kill-"))
    corpus, index = work / "corpus", work / "index"
    write_corpus(corpus, args.files)
    code, _, err = run("index", corpus, index, jobs=args.jobs)
    assert code == 0, err
    tally = {"rounds": 0, "moment_reached": 0, "blocked": 0, "failed_next_run": 0, "orphan_workers": 0,
             "stray_generations": 0, "by_moment": {}}
    added = args.files
    try:
        for _ in range(args.rounds):
            command = rnd.choice(["index", "update"])
            moment = rnd.choice(["reading", "cloned", "started"] if command == "update"
                                else ["reading", "writing", "started"])
            if command == "update":
                write_corpus(corpus, 30, start=added)
                added += 30
            proc = start(command, corpus, index, jobs=args.jobs)
            reached, workers = kill_at(proc, index, moment, delay=rnd.uniform(0, 3 if moment == "started" else 1))
            orphans = wait_gone(workers)
            code, out, err = run("update", corpus, index, jobs=args.jobs, timeout=600)
            gens = [p.name for p in index.glob("gen-*")]
            for pid in orphans:  # counted; now end them so the next round starts clean
                os.kill(pid, signal.SIGKILL)
            tally["rounds"] += 1
            tally["moment_reached"] += reached
            tally["blocked"] += "Otro proceso" in err
            tally["failed_next_run"] += code != 0
            tally["orphan_workers"] += len(orphans)
            tally["stray_generations"] += len(gens) - 1
            key = f"{command}/{moment}"
            tally["by_moment"][key] = tally["by_moment"].get(key, 0) + 1
            print(f"{key:16} killed {'at the moment' if reached else 'after it ended'}; workers {len(workers)}, "
                  f"left alive {len(orphans)}; next run exit {code}; generations {len(gens)}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(tally, indent=2))
    return 0 if not (tally["blocked"] or tally["failed_next_run"] or tally["orphan_workers"]) else 1


if __name__ == "__main__":
    sys.exit(main())
