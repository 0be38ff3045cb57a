"""`--auth SOURCE.SCHEME=VALUE`: how the command line reads credentials, and refuses malformed ones safely."""

from __future__ import annotations

import pytest

from arazzo_runner.cli.run import credentials_from_arguments
from arazzo_runner.errors import UsageError

SECRET = "s3cr3t-Value"


def test_arguments_are_source_dot_scheme_assignments_split_at_the_first_equals() -> None:
    store = credentials_from_arguments(["shop.basic=u:p=q", "shop.oauth.v2=id:secret"])
    assert store.get("shop", "basic") == "u:p=q"
    assert store.get("shop", "oauth.v2") == "id:secret"


@pytest.mark.parametrize("argument", [SECRET, f"shop={SECRET}", f".basic={SECRET}", f"shop.={SECRET}"])
def test_a_malformed_argument_is_refused_by_position_without_echoing_it(argument: str) -> None:
    with pytest.raises(UsageError) as caught:
        credentials_from_arguments(["ok.scheme=v", argument])
    assert str(caught.value) == "--auth argument #2 is not of the form SOURCE.SCHEME=VALUE"
