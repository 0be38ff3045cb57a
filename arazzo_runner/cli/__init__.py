"""The ``arazzo-runner`` command line: ``validate`` and ``run``.

Exit codes (documented in the README):

* ``validate``: 0 every file valid (warnings allowed), 1 a problem was found, 2 usage error or unreadable path;
* ``run``: 0 the workflow succeeded, 1 it failed, 2 nothing could be run (invalid document or inputs, usage).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse exits 2 on usage errors, as documented
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = _Parser(prog="arazzo-runner", description="Validate and run Arazzo 1.0.x workflows.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = commands.add_parser("validate", help="validate Arazzo documents and their source descriptions")
    check.add_argument("paths", nargs="+", metavar="PATH", help="Arazzo documents (paths or URLs)")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--schema-only", action="store_true",
                       help="check structure, ids, expressions and local references without loading sources")
    check.add_argument("--strict", action="store_true",
                       help="errors, not warnings, for what the specification requires but the engine tolerates")

    from arazzo_runner.cli.run import add_run_parser

    add_run_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "validate":
            from arazzo_runner.cli.validate import validate_command

            return validate_command(args.paths, args.format, args.schema_only, sys.stdout, args.strict)
        from arazzo_runner.cli.run import run_command

        return run_command(args, sys.stdout, sys.stderr)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into a pager or head that stopped reading
        sys.stderr.close()
        return EXIT_OK
