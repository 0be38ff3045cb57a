"""Section 3, throughput: many runs of the workflow at once, against a hand-written ``httpx.AsyncClient`` script
sending the same requests at the same concurrency over reused connections.

Two subjects: the CLI itself, called in-process (``arazzo-runner run --inputs-file rows.jsonl --concurrency N
-q``: everything the command does, planning and the summary included), and the Python API
(``Runner.arun`` on one shared ``AsyncClient``, as many at once as the CLI would run). The baseline opens one
``AsyncClient`` and, ``N`` at a time, sends each row's three requests in order. All against the fast loopback
stub in its own process.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from bench_docs import FLOW, FLOW_ID, INPUTS, auth_environ, by_hand_requests, servers_for
from bench_report import Section, Table
from bench_stats import Sizes, alternate, ratio_text
from bench_stub import stub_server

__all__ = ["throughput"]


async def _gated(count: int, concurrency: int, one: Callable[[], Awaitable[None]]) -> None:
    gate = asyncio.Semaphore(concurrency)

    async def guarded() -> None:
        async with gate:
            await one()

    await asyncio.gather(*(guarded() for _ in range(count)))


def throughput(sizes: Sizes) -> Section:
    from arazzo_runner import Runner
    from arazzo_runner.cli import main as cli

    rows = sizes.throughput_rows
    section = Section("3. Throughput (`--inputs-file` rows at `--concurrency N`)", (
        f"Runs per second over {rows} rows (each a 3-step run), median (min–max) of {sizes.throughput_rounds} "
        "rounds; subjects and baseline alternate within each round. Server: the fast loopback stub "
        "(`benchmarks/bench_stub.py`, its own process), not the stand-in, whose SQLite store would be what is "
        "measured."))
    table = Table(["concurrency", "subject", "runs/s", "baseline: hand-written `httpx.AsyncClient`, runs/s",
                   "ratio (throughput) vs baseline"])
    with stub_server() as base, tempfile.TemporaryDirectory() as directory:
        rows_file = Path(directory) / "rows.jsonl"
        rows_file.write_text("".join(json.dumps(INPUTS) + "\n" for _ in range(rows)))
        requests = by_hand_requests(base)
        servers = servers_for(base)

        for concurrency in sizes.concurrencies:
            argv = ["run", str(FLOW), "--workflow", FLOW_ID, "--inputs-file", str(rows_file), "--concurrency",
                    str(concurrency), "-q", *[f"--server={name}={url}" for name, url in servers.items()]]

            def the_cli(argv: list[str] = argv) -> float:
                started = time.perf_counter()
                with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.redirect_stderr(io.StringIO()):
                    code = cli(argv)
                if code != 0:
                    raise RuntimeError(f"the CLI exited {code}:\n{out.getvalue()[-2000:]}")
                return rows / (time.perf_counter() - started)

            def api(concurrency: int = concurrency) -> float:
                async def main() -> float:
                    async with httpx.AsyncClient() as client:
                        runner = Runner(async_client=client, servers=servers, environ=auth_environ())
                        runner.prepare(FLOW, FLOW_ID)  # as the CLI does before its first run

                        async def one() -> None:
                            result = await runner.arun(FLOW, FLOW_ID, INPUTS)
                            if result.status != "succeeded":
                                raise RuntimeError(f"run failed: {result.error}")

                        started = time.perf_counter()
                        await _gated(rows, concurrency, one)
                        return rows / (time.perf_counter() - started)
                return asyncio.run(main())

            def by_hand(concurrency: int = concurrency) -> float:
                async def main() -> float:
                    async with httpx.AsyncClient() as client:
                        async def one() -> None:
                            for method, url, options in requests:
                                response = await client.request(method, url, **options)
                                response.raise_for_status()
                                response.json()

                        started = time.perf_counter()
                        await _gated(rows, concurrency, one)
                        return rows / (time.perf_counter() - started)
                return asyncio.run(main())

            actions: dict[str, Callable[[], float]] = {"cli": the_cli, "api": api, "hand": by_hand}
            for action in actions.values():  # imports, plans and the stub's sockets warm, outside the timing
                action()
            figures = alternate(actions, sizes.throughput_rounds)
            hand = figures["hand"]
            for name, label in (("cli", "`arazzo-runner run` in-process (what the command does)"),
                                ("api", "`Runner.arun`, one shared `AsyncClient`")):
                # A throughput ratio: higher is better, so the goal is a lower bound.
                table.add(str(concurrency), label, figures[name].text("runs/s"), hand.text("runs/s"),
                          ratio_text(figures[name], hand, "≥0.9x"))
    section.tables.append(table)
    return section
