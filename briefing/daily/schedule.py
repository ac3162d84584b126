"""Scheduling with the tools a machine already has: a crontab line, or a systemd timer.

``briefing daily`` runs once and exits; cron or systemd decide when. The systemd timer has
``Persistent=true``, so a morning missed while the machine was off runs at the next boot, and
the service treats exit code 3 ("no new sources") as success.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from briefing.errors import ScheduleError
from briefing.files import write_atomic

DEFAULT_NAME = "briefing-daily"
NO_NEW_SOURCES_EXIT = 3


_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def check_value(what: str, value: str) -> str:
    """``value`` unchanged, or ScheduleError when it holds a newline or control character,
    which would end the crontab line or unit directive it lands in and start another."""
    if _UNSAFE.search(value):
        raise ScheduleError(
            f"{what} {value!r} contains a newline or control character; not scheduled"
        )
    return value


def parse_time(value: str) -> dt.time:
    """``HH:MM`` (24-hour) as a time, or ScheduleError."""
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", value.strip())
    if match is None:
        raise ScheduleError(f"--at must be HH:MM (24-hour), not {value!r}")
    return dt.time(int(match.group(1)), int(match.group(2)))


def briefing_executable() -> list[str]:
    """How to start briefing from a scheduler: the installed script, else this interpreter."""
    found = shutil.which("briefing")
    if found:
        return [str(Path(found).resolve())]
    return [str(Path(sys.executable).absolute()), "-m", "briefing"]


def daily_command(
    *,
    executable: Sequence[str] | None = None,
    config: Path | None = None,
    extra: Sequence[str] = (),
) -> list[str]:
    """The argv of the scheduled run: ``briefing daily --config /abs/briefing.toml``."""
    argv = list(executable) if executable else briefing_executable()
    argv.append("daily")
    if config is not None:
        argv += ["--config", str(Path(config).absolute())]
    argv += list(extra)
    return argv


def cron_line(
    at: dt.time, command: Sequence[str], *, workdir: Path, log: Path | None = None
) -> str:
    """A crontab line running ``command`` every day at ``at`` (in the cron daemon's time zone)."""
    check_value("--workdir", str(workdir))
    for arg in command:
        check_value("command argument", arg)
    if log is not None:
        check_value("--log", str(log))
    shell = f"cd {shlex.quote(str(workdir.absolute()))} && {shlex.join(command)}"
    if log is not None:
        shell += f" >> {shlex.quote(str(log.absolute()))} 2>&1"
    shell = shell.replace("%", "\\%")  # cron turns a bare % into a newline
    return f"{at.minute} {at.hour} * * * {shell}"


def _systemd_quote(arg: str) -> str:
    arg = arg.replace("%", "%%").replace("$", "$$")
    if arg and not re.search(r"[\s\"'\\;]", arg):
        return arg
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'


def systemd_units(
    at: dt.time,
    command: Sequence[str],
    *,
    workdir: Path,
    name: str = DEFAULT_NAME,
    environment_file: Path | None = None,
) -> tuple[str, str]:
    """(service, timer) unit texts. The timer is Persistent, so a missed run happens at boot."""
    check_value("--workdir", str(workdir))
    check_value("--name", name)
    for arg in command:
        check_value("command argument", arg)
    if environment_file is not None:
        check_value("environment file", str(environment_file))
    exec_start = " ".join(_systemd_quote(a) for a in command)
    env_line = (
        f"EnvironmentFile=-{_systemd_quote(str(environment_file.absolute()))}\n"
        if environment_file is not None
        else "# EnvironmentFile=-%h/.config/briefing/env   # OPENAI_API_KEY, BRIEFING_SMTP_*\n"
    )
    service = (
        "[Unit]\n"
        "Description=Daily situation brief (briefing daily)\n"
        "Wants=network-online.target\n"
        "After=network-online.target\n"
        "\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"WorkingDirectory={_systemd_quote(str(workdir.absolute()))}\n"
        f"ExecStart={exec_start}\n"
        f"# Exit code {NO_NEW_SOURCES_EXIT} means 'no new sources': not a failure.\n"
        f"SuccessExitStatus={NO_NEW_SOURCES_EXIT}\n"
        f"{env_line}"
    )
    timer = (
        "[Unit]\n"
        f"Description=Run {name}.service every day at {at.strftime('%H:%M')}\n"
        "\n"
        "[Timer]\n"
        f"OnCalendar=*-*-* {at.strftime('%H:%M')}:00\n"
        "# Run at the next boot when the machine was off at the scheduled time.\n"
        "Persistent=true\n"
        f"Unit={name}.service\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )
    return service, timer


def write_systemd_units(
    directory: Path, service: str, timer: str, *, name: str = DEFAULT_NAME
) -> tuple[Path, Path]:
    if not re.fullmatch(r"[A-Za-z0-9:_.\\-]+", name):
        raise ScheduleError(f"unit name {name!r} may use only letters, digits and :_.-")
    directory.mkdir(parents=True, exist_ok=True)
    service_path = directory / f"{name}.service"
    timer_path = directory / f"{name}.timer"
    write_atomic(service_path, service)
    write_atomic(timer_path, timer)
    return service_path, timer_path


def verify_units(paths: Sequence[Path]) -> bool:
    """Check the units with ``systemd-analyze verify``; False when that tool is not available.

    Raises ScheduleError with systemd's complaint when the units do not verify.
    """
    tool = shutil.which("systemd-analyze")
    if tool is None:
        return False
    try:
        proc = subprocess.run(
            [tool, "verify", "--man=no", *[str(p) for p in paths]],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ScheduleError(f"systemd-analyze verify could not run: {exc}") from None
    if proc.returncode != 0:
        detail = " ".join((proc.stderr or proc.stdout).split())[:500]
        raise ScheduleError(f"systemd-analyze verify rejected the units: {detail}")
    return True


def install_hint(service: Path, timer: Path) -> str:
    return (
        "install for your user with:\n"
        f"  mkdir -p ~/.config/systemd/user && cp {shlex.quote(str(service))} "
        f"{shlex.quote(str(timer))} ~/.config/systemd/user/\n"
        f"  systemctl --user daemon-reload && systemctl --user enable --now {timer.name}\n"
        '  loginctl enable-linger "$USER"   # run even when you are not logged in'
    )
