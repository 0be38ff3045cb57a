"""The plugin's options: what the command line and the ini file say, read once into a frozen :class:`Suite`.

Every option exists on the command line; most also in the ini file (``[pytest]``, ``[tool.pytest.ini_options]``).
Credentials have no ini option on purpose: an ini file is committed, a secret must not be. They come from
``--arazzo-auth`` or from ``ARAZZO_AUTH_<SOURCE>_<SCHEME>`` in the environment.

Where both give a value the command line wins: its servers replace the ini file's for the same source, its
limits are applied after the ini file's, and its globs are collected as well as the ini file's.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import pytest

from arazzo_runner.http import CredentialStore
from arazzo_runner.limits import DEFAULT_LIMITS, Limits
from arazzo_runner.pytest_plugin.sidecar import SIDECAR_SUFFIXES
from arazzo_runner.runner import Runner

REPORTS = ("junit", "json", "har", "markdown")
"""The report formats, as in ``--arazzo-report-<format> FILE``."""



def add_options(parser: pytest.Parser) -> None:
    """Register the command-line and ini options."""
    group = parser.getgroup("arazzo-runner")
    group.addoption("--arazzo-files", action="append", default=[], metavar="GLOB",
                    help="collect the Arazzo documents matching GLOB (relative to the current directory) as tests, "
                         "one per workflow and input set")
    group.addoption("--arazzo-server", action="append", default=[], metavar="SOURCE=URL",
                    help="base URL for a source description in every Arazzo run")
    group.addoption("--arazzo-auth", action="append", default=[], metavar="SOURCE.SCHEME=VALUE",
                    help="credential for a security scheme in every Arazzo run")
    group.addoption("--arazzo-limit", action="append", default=[], metavar="NAME=VALUE",
                    help="an engine limit for every Arazzo run, e.g. request_timeout=5")
    group.addoption("--arazzo-strict", action="store_true", default=False,
                    help="fail a step whose response does not match its OpenAPI operation (else a warning)")
    group.addoption("--arazzo-compat", action="store_true", default=False,
                    help="run documents written in other engines' dialects as their authors meant (warnings say "
                         "what was read how)")
    group.addoption("--arazzo-mock", action="store_true", default=False,
                    help="answer every request of collected workflows in-process from the OpenAPI descriptions")
    for kind in REPORTS:
        group.addoption(f"--arazzo-report-{kind}", metavar="FILE", default=None,
                        help=f"write the {kind} report of every Arazzo run of the session to FILE")
    parser.addini("arazzo_files", "globs (relative to the rootdir) of Arazzo documents to collect as tests",
                  type="args", default=[])
    parser.addini("arazzo_servers", "SOURCE=URL lines: base URLs for source descriptions", type="linelist",
                  default=[])
    parser.addini("arazzo_limits", "NAME=VALUE lines: engine limits for every run", type="linelist", default=[])
    parser.addini("arazzo_strict", "fail steps whose responses do not match their OpenAPI operation",
                  type="bool", default=False)
    parser.addini("arazzo_compat", "run documents written in other engines' dialects as their authors meant",
                  type="bool", default=False)
    parser.addini("arazzo_mock", "answer every request of collected workflows from the OpenAPI descriptions",
                  type="bool", default=False)


@dataclass(frozen=True)
class Suite:
    """What every Arazzo run of the session shares: servers, credentials, limits, strictness, and which files
    are collected and which reports written."""

    documents: frozenset[Path]
    """The resolved paths of the files the globs matched."""
    servers: Mapping[str, str]
    auth: Mapping[str, str]
    """``--arazzo-auth`` credentials by ``SOURCE.SCHEME`` (the environment supplies the rest)."""
    limits: Limits
    strict: bool
    reports: Mapping[str, Path]
    """Report format (one of :data:`REPORTS`) to the file it is written to."""
    compat: bool = False
    mock: bool = False

    def collects(self, path: Path) -> bool:
        """Whether ``path`` is one of the documents to collect."""
        # A sidecar is never a document, whatever the globs say (``*.yaml`` matches it too).
        if not self.documents or path.name.lower().endswith(SIDECAR_SUFFIXES):
            return False
        return path.resolve() in self.documents

    @property
    def credentials(self) -> CredentialStore:
        """The credentials of ``--arazzo-auth``, then of ``ARAZZO_AUTH_*`` environment variables."""
        return CredentialStore(self.auth)

    def runner(self) -> Runner:
        """A runner for collected documents. One mapping of servers serves every document of the suite, so a
        source a document does not use is no mistake (``unknown_servers="ignore"``)."""
        return Runner(servers=self.servers, auth=self.credentials, limits=self.limits, strict=self.strict,
                      unknown_servers="ignore", compat=self.compat, mock=self.mock)


def read_suite(config: pytest.Config) -> Suite:
    """The suite's settings; a malformed option is a :class:`pytest.UsageError` (which never repeats a
    credential)."""
    invoked = config.invocation_params.dir
    globs = [(config.rootpath, pattern) for pattern in _strings(config.getini("arazzo_files"))]
    globs += [(invoked, pattern) for pattern in config.getoption("--arazzo-files")]
    servers = {**pairs(_strings(config.getini("arazzo_servers")), "arazzo_servers"),
               **pairs(config.getoption("--arazzo-server"), "--arazzo-server")}
    try:
        limits = DEFAULT_LIMITS.parsed([*_strings(config.getini("arazzo_limits")),
                                        *config.getoption("--arazzo-limit")])
    except ValueError as exc:
        raise pytest.UsageError(f"arazzo_limits / --arazzo-limit: {exc}") from None
    reports = {kind: invoked / path for kind in REPORTS
               if (path := config.getoption(f"--arazzo-report-{kind}")) is not None}
    return Suite(
        documents=frozenset(_matches(globs)),
        servers=MappingProxyType(servers),
        auth=MappingProxyType(credentials(config.getoption("--arazzo-auth"))),
        limits=limits,
        strict=bool(config.getini("arazzo_strict")) or bool(config.getoption("--arazzo-strict")),
        reports=MappingProxyType(reports),
        compat=bool(config.getini("arazzo_compat")) or bool(config.getoption("--arazzo-compat")),
        mock=bool(config.getini("arazzo_mock")) or bool(config.getoption("--arazzo-mock")),
    )


def pairs(values: Sequence[str], option: str) -> dict[str, str]:
    """``NAME=VALUE`` strings as a mapping; a string without ``=`` or a name is a usage error."""
    result = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key:
            raise pytest.UsageError(f"{option} expects NAME=VALUE")
        result[key.strip()] = rest.strip()
    return result


def credentials(arguments: Sequence[str]) -> dict[str, str]:
    """``--arazzo-auth`` arguments by ``SOURCE.SCHEME``. A malformed argument is named by its position only:
    its text may be a secret."""
    explicit = {}
    for position, argument in enumerate(arguments, start=1):
        key, sep, value = argument.partition("=")
        source, dot, scheme = key.partition(".")
        if not (sep and dot and source and scheme):
            raise pytest.UsageError(f"--arazzo-auth argument #{position} is not of the form SOURCE.SCHEME=VALUE")
        explicit[key] = value
    return explicit


def _strings(value: object) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


def _matches(globs: Sequence[tuple[Path, str]]) -> set[Path]:
    found = set()
    for base, pattern in globs:
        for match in glob.glob(pattern, root_dir=base, recursive=True):
            path = Path(os.path.join(base, match))
            if path.is_file():
                found.add(path.resolve())
    return found
