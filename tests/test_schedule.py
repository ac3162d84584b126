"""Scheduling: the crontab line and the systemd units, validated where systemd-analyze exists."""

from __future__ import annotations

import datetime as dt
import shlex
import shutil
import sys
from pathlib import Path

import pytest

from briefing.cli import main
from briefing.daily.schedule import (
    ScheduleError,
    cron_line,
    daily_command,
    parse_time,
    systemd_units,
    verify_units,
    write_systemd_units,
)

PYTHON = [sys.executable, "-m", "briefing"]
needs_systemd = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed"
)


def test_cron_line_runs_daily_at_the_given_time(tmp_path: Path) -> None:
    work = tmp_path / "my work"
    command = daily_command(executable=PYTHON, config=work / "briefing.toml")
    line = cron_line(dt.time(6, 30), command, workdir=work, log=work / "daily%d.log")
    minute, hour, dom, month, dow, shell = line.split(" ", 5)
    assert (minute, hour, dom, month, dow) == ("30", "6", "*", "*", "*")
    assert "%" not in shell.replace("\\%", "")  # a bare % would end the cron command
    words = shlex.split(shell.replace("\\%", "%"))
    assert words[:3] == ["cd", str(work), "&&"]
    assert words[3:9] == [*PYTHON, "daily", "--config", str(work / "briefing.toml")]
    assert words[-3:] == [">>", str(work / "daily%d.log"), "2>&1"]


def test_cli_prints_one_crontab_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "briefing.toml").write_text("[daily]\n")
    code = main(
        ["schedule", "--cron", "--at", "05:45", "--config", str(tmp_path / "briefing.toml")]
    )
    out = capsys.readouterr().out
    assert code == 0 and out.count("\n") == 1
    assert out.startswith("45 5 * * * ") and "daily --config" in out


@pytest.mark.parametrize("value", ["7", "24:00", "07:60", "seven"])
def test_bad_times_are_refused(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ScheduleError):
        parse_time(value)
    assert main(["schedule", "--cron", "--at", value]) == 2  # a wrong flag value, as --date
    assert "HH:MM" in capsys.readouterr().err


def test_a_cron_log_in_a_missing_folder_is_warned_about(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """cron's shell opens the log before briefing runs: in a missing folder the job never
    starts, and the README's own example (--log briefs/cron.log) does that on a fresh setup."""
    log = tmp_path / "briefs" / "cron.log"
    assert main(["schedule", "--cron", "--log", str(log)]) == 0
    out, err = capsys.readouterr()
    assert out.count("\n") == 1 and str(log) in out
    assert err.startswith(f"Warning: {log.parent}: no such folder;") and err.count("\n") == 1
    log.parent.mkdir()
    assert main(["schedule", "--cron", "--log", str(log)]) == 0
    assert capsys.readouterr().err == ""


def test_systemd_units_are_persistent_and_accept_no_new_sources(tmp_path: Path) -> None:
    service, timer = systemd_units(
        dt.time(7, 5), daily_command(executable=PYTHON), workdir=tmp_path / "with space"
    )
    assert "Persistent=true" in timer.splitlines()
    assert "OnCalendar=*-*-* 07:05:00" in timer.splitlines()
    assert "Type=oneshot" in service.splitlines()
    assert "SuccessExitStatus=3" in service.splitlines()
    assert f'WorkingDirectory="{tmp_path / "with space"}"' in service
    assert f"ExecStart={sys.executable} -m briefing daily" in service


@needs_systemd
def test_written_units_verify(tmp_path: Path) -> None:
    service, timer = systemd_units(
        dt.time(7, 0), daily_command(executable=PYTHON), workdir=tmp_path
    )
    paths = write_systemd_units(tmp_path, service, timer)
    assert [p.name for p in paths] == ["briefing-daily.service", "briefing-daily.timer"]
    assert verify_units(paths) is True


@needs_systemd
def test_verification_catches_a_broken_timer(tmp_path: Path) -> None:
    service, timer = systemd_units(
        dt.time(7, 0), daily_command(executable=PYTHON), workdir=tmp_path
    )
    broken = timer.replace("OnCalendar=*-*-* 07:00:00", "OnCalendar=every other blue moon")
    paths = write_systemd_units(tmp_path, service, broken)
    with pytest.raises(ScheduleError, match="systemd-analyze verify rejected"):
        verify_units(paths)


def test_verification_is_skipped_without_systemd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert verify_units([tmp_path / "x.timer"]) is False


def test_cli_writes_units(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["schedule", "--systemd", "--dir", str(tmp_path / "units"), "--at", "06:00"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    written = [Path(line) for line in captured.out.split()]
    assert [p.suffix for p in written] == [".service", ".timer"]
    assert all(p.is_file() for p in written)
    assert "systemctl --user enable --now briefing-daily.timer" in captured.err
    assert "OnCalendar=*-*-* 06:00:00" in written[1].read_text()


def test_bad_unit_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ScheduleError, match="unit name"):
        write_systemd_units(tmp_path, "", "", name="../evil")
