from __future__ import annotations

from pathlib import Path

import pytest

from tests.reports.support import Api


@pytest.fixture
def api(tmp_path: Path) -> Api:
    """Documents in this test's directory, runs against a mock transport."""
    return Api(tmp_path)
