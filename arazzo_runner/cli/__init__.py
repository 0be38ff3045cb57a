"""The ``arazzo-runner`` command line: ``validate``, ``run``, ``list``, ``show`` and ``fix``.

Exit codes (documented in the README):

* ``validate``: 0 every file valid (warnings allowed), 1 a problem was found, 2 usage error or unreadable path;
* ``run``: 0 every run succeeded, 1 a run failed (or, among several, could not start), 2 nothing could be run
  (invalid document or inputs, usage);
* ``list`` and ``show``: 0 shown, 2 a document could not be read or planned;
* ``fix``: 0 nothing to change or rewritten, 1 with ``--check`` something would change, 2 unreadable or not
  faithfully rewritable.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from arazzo_runner.errors import UsageError

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse exits 2 on usage errors, as documented
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = _Parser(prog="arazzo-runner", description="Validate and run Arazzo 1.0.x and 1.1.x workflows.")
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
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

    listing = commands.add_parser("list", help="list the workflows of documents and their inputs")
    listing.add_argument("paths", nargs="+", metavar="PATH", help="Arazzo documents (paths or URLs)")
    listing.add_argument("--format", choices=("text", "json"), default="text")

    fix = commands.add_parser("fix", help="rewrite non-standard forms to their Arazzo 1.0.1 spelling, in place")
    fix.add_argument("paths", nargs="+", metavar="PATH", help="Arazzo documents (local files)")
    fix.add_argument("--check", action="store_true", help="change nothing; exit 1 when something would change")
    fix.add_argument("--diff", action="store_true", help="print a unified diff instead of writing")
    fix.add_argument("--to", choices=("1.1",), default=None,
                     help="upgrade a valid Arazzo 1.0 document to an equivalent 1.1 document as well")

    show = commands.add_parser("show", help="show the plan of a workflow: operations, URLs, criteria, actions")
    show.add_argument("path", metavar="PATH", help="Arazzo document (path or URL)")
    show.add_argument("--workflow", metavar="ID", help="workflowId (optional when there is only one)")
    show.add_argument("--server", action="append", default=[], metavar="SOURCE=URL",
                      help="base URL replacing the servers of a source description")
    show.add_argument("--format", choices=("text", "json"), default="text")
    return parser


class _Version(argparse.Action):
    # argparse's own "version" action needs the text up front; reading the installed version (importlib.metadata
    # scans the environment) costs more than the rest of the parser, so it is read only when asked for.
    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        print(f"{parser.prog} {_version()}")
        parser.exit()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("arazzo-runner")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "validate":
            from arazzo_runner.cli.validate import validate_command

            return validate_command(args.paths, args.format, args.schema_only, sys.stdout, args.strict)
        if args.command == "list":
            from arazzo_runner.cli.discover import list_command

            return list_command(args.paths, args.format == "json", sys.stdout, sys.stderr)
        if args.command == "show":
            return _show(args)
        if args.command == "fix":
            from arazzo_runner.cli.fix import fix_command

            return fix_command(args.paths, args.check, args.diff, sys.stdout, sys.stderr, args.to)
        from arazzo_runner.cli.run import run_command

        return run_command(args, sys.stdout, sys.stderr)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # output piped into a pager or head that stopped reading
        sys.stderr.close()
        return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    from arazzo_runner.cli.discover import show_command
    from arazzo_runner.cli.run import server_pairs
    from arazzo_runner.runner import Runner

    runner = Runner(servers=server_pairs(args.server, "--server"), unknown_servers="warning")
    return show_command(runner, args.path, args.workflow, args.format == "json", sys.stdout, sys.stderr)
