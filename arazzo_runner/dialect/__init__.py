"""Documents written in the dialects public Arazzo documents use: find each non-standard form, say its spec
spelling, and rewrite it — in a file (``arazzo-runner fix``) or in memory for a run (``--compat``).

:mod:`~arazzo_runner.dialect.forms` rewrites single strings; :mod:`~arazzo_runner.dialect.scan` finds them in
a document; :mod:`~arazzo_runner.dialect.rewrite` applies the fixes to plain or round-trip data.
"""

from __future__ import annotations

from arazzo_runner.dialect.rewrite import apply_fixes, compat_document
from arazzo_runner.dialect.scan import DIALECT_RULES, EXPLAINED, RESPONSE_IN_WORKFLOW_STEP, Finding, scan

__all__ = ["DIALECT_RULES", "EXPLAINED", "RESPONSE_IN_WORKFLOW_STEP", "Finding", "apply_fixes", "compat_document",
           "scan"]
