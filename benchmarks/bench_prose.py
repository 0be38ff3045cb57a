"""What BENCHMARKS.md explains besides its tables: what moved the numbers during development, and what a figure
includes. Kept here so every regeneration of the file keeps it; edit it when it stops being true."""

from __future__ import annotations

__all__ = ["INTRO", "PROSE"]

INTRO = """\
Speed is measured here, not in timed tests. The machines are noisy (2 shared cores), so every figure is the
median of repeated rounds with its spread (min–max), next to a baseline measured **in the same run** — rounds
of subject and baseline alternate — and the ratio is what to compare across runs. The whole file is written
by `make bench` (`benchmarks/suite.py`); `--tiny` runs every section at its smallest, for the test suite."""

PROSE = {
    "cold": """\
What a cold run includes, for each engine: ours validates the whole document (schema and semantic rules)
before the first request and checks every response against its OpenAPI operation; Jentic's runner does
neither; respect checks status code, content type and schema of each response.

What moved the start-up during development: libyaml (ruamel.yaml.clib) composes YAML ~20x faster than the pure
parser (the 1,000-line query description: 130 ms → 6 ms); the package's exports became lazy and the CLI no
longer imports the HTTP stack to validate; JSONPath/XPath engines load on first use; openapi-core is imported
only in contract mode (its import alone costs about three times what a run imports). Then (this suite measured
1.12x Jentic's cold run before these): jsonschema-rs decides whether a document is valid before the
pure-Python validator is imported, which it then is only to explain a refusal (cold validate 207 → 119 ms);
`validate A B` reads each shared description once instead of once per document; the TLS context is built at
the first https connection rather than for every run; asyncio, the regex engine, the report writers and the
installed version (importlib.metadata) are loaded only by what uses them. What a cold run still spends, by
profile: about two thirds of it importing (httpx ~45 ms; the engine's own modules, a third of whose time is
creating their frozen dataclasses), then parsing the four documents (~16 ms) and the run itself (~18 ms).""",
    "inprocess": """\
The per-step overhead was 84 µs before the plan was compiled. What brought it down, in the order it mattered:
response bodies checked by jsonschema-rs instead of the pure-Python validator (50 µs → 1 µs per check); no
text parsed at run time (every value, template and criterion compiled at plan time); the security requirement
and its headers decided once per runner instead of per request; one expression context per exchange instead of
three; fine-grained events (step started, request sent, ...) built only when a listener is attached; outputs
see `$outputs` only when they read it. Earlier still, one run went from 4.5 ms to 1.0 ms when the inputs
validator was compiled once per document instead of per run, and against a real server from 39 ms to 4 ms once
one TLS context was built per process instead of per client (httpx reads the CA bundle, ~50 ms, for each).""",
    "scale": """\
Per-run time and memory stay flat over thousands of runs of one `Runner` (plans, parsed expressions and
compiled validators are reused; a small early growth is interpreter free lists, not per-run retention).""",
    "micro": """\
openapi-core (and openapi-schema-validator, its schema layer, for OpenAPI 3.0 bodies) is used where its cost
is acceptable: in contract mode, opt-in, where every request and response goes through it. It is never
imported otherwise (a test pins that).""",
}
