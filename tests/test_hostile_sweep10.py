"""Hostile inputs, tenth sweep: what the earlier sweeps' files did not reach.

Each test is a defect found by probing the CLI: a path a delivery command reads as an option,
an intranet allowance reached from a public feed or redirect, ...
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from daily_samples import FERRY_STRIKE

from briefing.cli import main
from briefing.daily.deliver import run_command

# ---------------------------------------------------------------------------- delivery


_ARGPARSE_COPY = (
    "import argparse, pathlib; p = argparse.ArgumentParser(); p.add_argument('brief'); "
    "a = p.parse_args(); pathlib.Path('got.txt').write_text(pathlib.Path(a.brief).read_text()[:40])"
)


def test_a_brief_path_starting_with_a_dash_is_no_option_to_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``out = "-briefs"`` (or a relative out folder whose name starts with '-') gave the
    delivery command ``-briefs/2026-11-20.md``, which it read as an option: ``ls`` and every
    argparse tool refused it, and a command with a matching flag would have acted on it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "ferry.txt").write_text(FERRY_STRIKE)
    (tmp_path / "briefing.toml").write_text(
        '[daily]\nsources = ["inbox/"]\nout = "-briefs"\n'
        f"command = [{sys.executable!r}, '-c', {_ARGPARSE_COPY!r}]\n"
    )
    code = main(["daily", "--date", "2026-11-20"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "delivery command" not in err
    assert (tmp_path / "got.txt").read_text() == (
        tmp_path / "-briefs" / "2026-11-20.md"
    ).read_text()[:40]

    # {path} inside an argument is the same path; an absolute path is left as it is
    target = tmp_path / "arg.txt"
    write_arg = f"import pathlib, sys; pathlib.Path({str(target)!r}).write_text(sys.argv[1])"
    run_command([sys.executable, "-c", write_arg, "{path}"], Path("-x.md"))
    assert target.read_text() == "./-x.md"
    run_command([sys.executable, "-c", write_arg, "--brief={path}"], Path("-x.md"))
    assert target.read_text() == "--brief=./-x.md"
    run_command([sys.executable, "-c", write_arg, "{path}"], tmp_path / "-x.md")
    assert target.read_text() == str(tmp_path / "-x.md")
