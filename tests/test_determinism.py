"""A brief is a function of its inputs: the same documents give the same bytes in any process.

Python salts str hashes per process, so any output that follows set iteration order would differ
between runs; two interpreters with different hash seeds must agree on real clusters.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "shared" / "eval-data"

_SCRIPT = """
import datetime as dt, sys
from pathlib import Path
import briefing
from briefing.eval.loaders import load_neus
for cluster in load_neus(Path(sys.argv[1]), limit=20).items:
    brief = briefing.build_brief(
        list(cluster.documents), settings=briefing.Settings(), today=dt.date(2026, 1, 1)
    )
    sys.stdout.write(briefing.render_markdown(brief))
"""


def _briefs(seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(DATA)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return done.stdout


@pytest.mark.skipif(not (DATA / "neus_allsides").is_dir(), reason="needs ../shared/eval-data")
def test_briefs_do_not_depend_on_the_hash_seed() -> None:
    first = _briefs("1")
    assert first.count("# Situation brief") == 20
    assert _briefs("2") == first
