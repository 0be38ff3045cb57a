"""Colour and the live progress line: only on a terminal, never with NO_COLOR or TERM=dumb."""

from __future__ import annotations

import io

import pytest

from arazzo_runner.cli.terminal import Paint, Progress, wants_color


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


COLOUR = [
    pytest.param(Tty(), {}, True, id="a-terminal"),
    pytest.param(Tty(), {"NO_COLOR": ""}, False, id="no-color-set-even-empty"),
    pytest.param(Tty(), {"TERM": "dumb"}, False, id="dumb-terminal"),
    pytest.param(io.StringIO(), {}, False, id="a-pipe-or-file"),
]


@pytest.mark.parametrize(("stream", "environ", "expected"), COLOUR)
def test_colour_is_used_only_where_it_is_wanted(stream: io.StringIO, environ: dict[str, str], expected: bool) -> None:
    assert wants_color(stream, environ) is expected


def test_paint_wraps_status_words_in_colour_only_when_enabled() -> None:
    assert Paint(True)("ok", "ok  ") == "\x1b[32mok  \x1b[0m"
    assert Paint(False)("ok", "ok  ") == "ok  "
    assert Paint(True)("unknown-kind", "x") == "x"


def test_progress_rewrites_one_line_and_clears_it() -> None:
    stream = Tty()
    progress = Progress(stream, True)

    progress.show("[1/3] 1 ok, 0 failed")
    progress.show("[2/3] 2 ok, 0 failed\x1b[31m")
    progress.clear()
    progress.clear()

    assert stream.getvalue() == ("\r\x1b[K[1/3] 1 ok, 0 failed" "\r\x1b[K[2/3] 2 ok, 0 failed\\x1b[31m" "\r\x1b[K")


def test_progress_off_writes_nothing() -> None:
    stream = io.StringIO()
    progress = Progress(stream, False)

    progress.show("[1/3]")
    progress.clear()

    assert stream.getvalue() == ""
