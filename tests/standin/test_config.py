"""``StandinConfig`` defaults and ``STANDIN_*`` environment parsing."""

from __future__ import annotations

import pytest
from mixpanel_standin import StandinConfig


def test_defaults_are_the_documented_demo_values() -> None:
    config = StandinConfig()
    assert config.service_account == ("demo-sa", "demo-secret")
    assert config.project_id == 123456
    assert config.project_token == "demo-token"
    assert config.database == ":memory:"
    assert (config.strict_token, config.require_uuid_anon_id) == (False, False)


def test_empty_environment_gives_the_defaults() -> None:
    assert StandinConfig.from_env({}) == StandinConfig()


def test_environment_overrides_everything() -> None:
    config = StandinConfig.from_env({
        "STANDIN_SERVICE_ACCOUNT": "robot:s3cret:with:colons",
        "STANDIN_PROJECT_ID": "42",
        "STANDIN_PROJECT_TOKEN": "tok",
        "STANDIN_DATABASE": "/tmp/x.sqlite",
        "STANDIN_STRICT_TOKEN": "yes",
        "STANDIN_REQUIRE_UUID_ANON_ID": "1",
    })
    assert config.service_account == ("robot", "s3cret:with:colons")
    assert (config.project_id, config.project_token, config.database) == (42, "tok", "/tmp/x.sqlite")
    assert (config.strict_token, config.require_uuid_anon_id) == (True, True)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"STANDIN_SERVICE_ACCOUNT": "no-colon"}, "STANDIN_SERVICE_ACCOUNT must look like 'username:secret'"),
        ({"STANDIN_SERVICE_ACCOUNT": "user:"}, "STANDIN_SERVICE_ACCOUNT must look like 'username:secret'"),
        ({"STANDIN_PROJECT_ID": "abc"}, "STANDIN_PROJECT_ID must be an integer, got 'abc'"),
        ({"STANDIN_STRICT_TOKEN": "maybe"}, "STANDIN_STRICT_TOKEN must be a boolean (1/0, true/false), got 'maybe'"),
    ],
)
def test_malformed_environment_names_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError) as caught:
        StandinConfig.from_env(env)
    assert str(caught.value) == message


def test_injected_clock_drives_now_ms() -> None:
    assert StandinConfig(clock=lambda: 1.5).now_ms() == 1500
