"""Whole-process speed and memory of `briefing build` (offline engine).

Corpora: the bundled examples; ~1,400 real articles (300 NeuS clusters split into their three
excerpts + the FNC-1 bodies, from ../shared/eval-data); and that corpus replicated to 10,000
documents (each copy varied by a line so that content-hash dedup keeps it). Each corpus is
written as .txt files to a temporary folder, then `briefing build FOLDER -o brief.json` runs as
a separate process under /usr/bin/time (wall seconds, peak RSS). Prints a Markdown table;
`--json FILE` also writes the figures. Each run is paired with the physical floor: a Python
process that only reads the same files and tokenises them with a regex ("x floor" = build /
floor, medians). The 1-minute load average is printed with the figures: the ratio, measured in
the same run, is what compares across runs on a shared machine.

    python bench/run.py [--data ../shared/eval-data] [--repeat 3] [--sizes 10000]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "eval-data"
TARGETS = {"examples": 1.0, "real-1400": 10.0, "replicated-10000": 60.0}
_PART = re.compile(r"\s*TITLE=>\s*(.*?)\s*ARTICLE=>\s*(.*)", re.S)


def real_corpus(data: Path, clusters: int = 300) -> list[str]:
    """~1,400 article texts: NeuS excerpts (title + body) and FNC-1 bodies."""
    texts: list[str] = []
    lines = (data / "neus_allsides" / "val.source").read_text(encoding="utf-8").splitlines()
    for line in lines[:clusters]:
        for part in line.split("[SEP]"):
            m = _PART.match(part)
            if m and m.group(2).strip():
                texts.append(f"{m.group(1).strip()}\n\n{m.group(2).strip()}\n")
    csv.field_size_limit(10**8)
    with (data / "fnc1_dev" / "bodies.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            texts.append(row["articleBody"].strip() + "\n")
    return texts


def write_corpus(texts: list[str], size: int, folder: Path) -> None:
    folder.mkdir(parents=True)
    for i in range(size):
        text = texts[i % len(texts)]
        if i >= len(texts):
            text = f"Copy {i // len(texts)} of a syndicated story.\n\n{text}"
        (folder / f"{i:05d}.txt").write_text(text, encoding="utf-8")


FLOOR_SCRIPT = r"""
import re, sys
from pathlib import Path
token = re.compile(r"\w+")
n = 0
for path in sorted(Path(sys.argv[1]).rglob("*")):
    if path.is_file():
        n += len(token.findall(path.read_text(encoding="utf-8", errors="replace")))
print(n)
"""


def floor_once(folder: Path) -> float:
    """Wall seconds of the physical floor: a Python process that only reads the same files and
    tokenises them with a regex."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", FLOOR_SCRIPT, str(folder)], check=True, capture_output=True
    )
    return time.perf_counter() - started


def run_once(folder: Path, out: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one whole `briefing build` process."""
    briefing = Path(sys.executable).parent / "briefing"
    cmd = [str(briefing), "build", str(folder), "-o", str(out), "-q"]
    timer = shutil.which("time") or "/usr/bin/time"
    started = time.perf_counter()
    if os.path.exists(timer):
        result = subprocess.run([timer, "-v", *cmd], capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
        rss = int(m.group(1)) / 1024 if m else float("nan")
    else:  # no GNU time: wall only
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
        rss = float("nan")
    if result.returncode != 0:
        raise SystemExit(f"briefing failed on {folder}: {result.stderr.strip()[-500:]}")
    return wall, rss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="*",
        default=[10_000],
        help="replicated corpus sizes to run (default: 10000)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    rows = []
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="briefing-bench-") as tmp:
        tmpdir = Path(tmp)
        corpora: list[tuple[str, Path, int]] = [("examples", REPO / "examples", 2)]
        if args.data.is_dir():
            texts = real_corpus(args.data)
            real = tmpdir / "real"
            write_corpus(texts, len(texts), real)
            corpora.append((f"real-{len(texts)}", real, len(texts)))
            for size in args.sizes:
                folder = tmpdir / f"rep{size}"
                write_corpus(texts, size, folder)
                corpora.append((f"replicated-{size}", folder, size))
        else:
            print(f"note: {args.data} not found; only the examples are timed", file=sys.stderr)
        for name, folder, docs in corpora:
            walls, rsss, floors = [], [], []
            for _ in range(args.repeat):
                floors.append(floor_once(folder))
                wall, rss = run_once(folder, tmpdir / "brief.json")
                walls.append(wall)
                rsss.append(rss)
            brief = json.loads((tmpdir / "brief.json").read_text(encoding="utf-8"))
            key = "real-1400" if name.startswith("real-") else name
            rows.append(
                {
                    "corpus": name,
                    "documents": docs,
                    "wall_s_median": round(statistics.median(walls), 2),
                    "wall_s_max": round(max(walls), 2),
                    "peak_rss_mb": round(max(rsss), 1),
                    "ms_per_doc": round(1000 * statistics.median(walls) / docs, 3),
                    "floor_s_median": round(statistics.median(floors), 2),
                    "x_floor": round(statistics.median(walls) / statistics.median(floors), 1),
                    "stories": len(brief.get("stories", [])),
                    "target_s": TARGETS.get(key),
                    "words": brief["stats"]["words"],
                    "facts_verified": brief["stats"]["facts_verified"],
                    "load_1min": round(os.getloadavg()[0], 2),
                }
            )
    load_after = os.getloadavg()
    print(
        f"briefing bench on {platform.node()} ({os.cpu_count()} cores), Python "
        f"{platform.python_version()}, {args.repeat} runs each, whole process; 1-minute load "
        f"average {load_before[0]:.2f} before, {load_after[0]:.2f} after\n"
    )
    print(
        "| corpus | documents | wall s (median) | wall s (max) | peak RSS MB | ms/doc | "
        "floor s | x floor | stories | target s | load |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        target = f"< {r['target_s']:g}" if r["target_s"] else "-"
        print(
            f"| {r['corpus']} | {r['documents']} | {r['wall_s_median']} | {r['wall_s_max']} | "
            f"{r['peak_rss_mb']} | {r['ms_per_doc']} | {r['floor_s_median']} | "
            f"{r['x_floor']} | {r['stories']} | {target} | {r['load_1min']} |"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
