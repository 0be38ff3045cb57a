"""One attempt of an operation step: values, credentials, the request, the response and its check.

The missing-value rules for parameters live here: a parameter whose value is an expression without a value
is left out with a warning, and a *required* one fails the step before anything is sent. Credentials are
chosen first, the OAuth2 tokens they need are fetched through the driver, and only then is the request built,
once.
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Callable, Iterator
from types import MappingProxyType
from typing import Any

import httpx

from arazzo_runner import budget
from arazzo_runner.errors import ArazzoError, ExecutionError, Hint
from arazzo_runner.events import (
    EXPECTED_STATUS,
    MOCK_MARK,
    CredentialObtained,
    ExchangeRecorded,
    HttpMessage,
    RequestInfo,
    RequestSent,
    ResponseReceived,
)
from arazzo_runner.execute.commands import Execution, FetchToken, Send
from arazzo_runner.execute.request import BuiltRequest, build_request
from arazzo_runner.execute.state import Attempt, Frame, RunState
from arazzo_runner.expressions import MISSING, ExpressionContext, RequestData, ResponseData
from arazzo_runner.http import ParameterSpec, apply_auth, decode_body_with_note
from arazzo_runner.payload_targets import apply_replacements
from arazzo_runner.plan import RequestPlan, StepPlan
from arazzo_runner.redaction import MIN_SECRET_FIELD, secret_fields


def operation_attempt(state: RunState, frame: Frame, step: StepPlan, base: ExpressionContext,
                      number: int = 1) -> Execution:
    """Make attempt ``number`` of an operation step; returns the :class:`Attempt` (``yield from`` it)."""
    plan = step.request
    assert plan is not None
    attempt = Attempt(True, base)
    expired = state.step_timed_out() if state.step_deadlines else None
    if expired is not None:  # inside a step whose timeout has passed (a sub-workflow's): send nothing more
        attempt.fail(expired)
        return attempt
    try:
        parameters = _parameters(plan, base, attempt)
        body = _body(plan, base, attempt, state.options.limits.evaluation_timeout)
        built = yield from _build(state, frame, step, plan, parameters, body, attempt)
    except ArazzoError as exc:
        attempt.fail(describe(exc), exc.hint)
        return attempt
    except (ValueError, httpx.InvalidURL) as exc:  # what httpx itself refuses to put on the wire
        attempt.fail(f"cannot build the request: {exc}")
        return attempt
    request = built.request
    if built.body is not None:
        yield from _learn(state, frame, step, secret_fields(built.body))
    contract = state.contracts.get(plan.source.url) if state.options.contract else None
    if contract is not None:
        for problem in _guarded(lambda: contract.request_problems(
                plan, request, built.target, state.options.settings.server_variables), state):
            attempt.warn(f"contract: request {problem}")
    url = str(request.url)
    attempt.request = RequestInfo(request.method, url)
    if state.observed:
        yield RequestSent(frame.workflow_id, step.step_id, request.method, url)
    sent_at, sent_on = state.options.clock(), state.options.wall_clock()
    timeout, request.extensions["timeout"] = state.request_timeout()
    if state.options.mock:
        expected = expected_status(step)
        if expected is not None:
            request.extensions[EXPECTED_STATUS] = expected
    answer = yield Send(request, timeout, state.options.limits.max_response_bytes)
    # The built request's mappings are its own fresh dicts: read-only views suffice.
    request_data = RequestData(headers=MappingProxyType(built.headers), query=MappingProxyType(built.query),
                               path=MappingProxyType(built.path), body=MISSING if built.body is None else built.body)
    if not isinstance(answer, httpx.Response):
        attempt.context = _exchange(base, url, request.method, request_data)
        attempt.fail(f"{request.method} {url}: {transport_message(answer)}")
        if state.observed:
            yield _record(state, frame, step, number, request, None, sent_on, sent_at, attempt.error)
        return attempt
    if state.observed:
        yield ResponseReceived(frame.workflow_id, step.step_id, answer.status_code,
                               (state.options.clock() - sent_at) * 1000)
    body = _received(state, plan, answer, attempt, base, url, request.method, request_data)
    state.last_exchange = attempt.context
    attempt.mocked = answer.extensions.get(MOCK_MARK) is True
    yield from _learn(state, frame, step, [*secret_fields(body), *_cookie_values(answer)])
    if state.observed:
        yield _record(state, frame, step, number, request, answer, sent_on, sent_at, None)
    if contract is not None and attempt.success:
        problems = _guarded(lambda: contract.response_problems(
            plan, request, built.target, state.options.settings.server_variables, answer), state)
        if problems:
            attempt.fail("response does not match the OpenAPI contract: " + "; ".join(problems))
    return attempt


_STATUS_WANTED = re.compile(r"^\s*\$statusCode\s*==\s*(\d{3})\s*$|^\s*(\d{3})\s*==\s*\$statusCode\s*$")


def expected_status(step: StepPlan) -> int | None:
    """The status a step's criteria ask for when one compares ``$statusCode`` with a literal (``--mock``
    answers with it)."""
    for criterion in step.success_criteria:
        if criterion.type != "simple":
            continue
        for part in criterion.condition.split("&&"):
            match = _STATUS_WANTED.match(part)
            if match is not None:
                return int(match.group(1) or match.group(2))
    return None


def _learn(state: RunState, frame: Frame, step: StepPlan, secrets: list[str]) -> Iterator[CredentialObtained]:
    """Mask from now on the secrets a body or a cookie carried, and tell the listeners (reports, the CLI)."""
    for secret in secrets:
        if not state.redactor.knows(secret):
            state.redactor = state.redactor.adding(secret)
            yield CredentialObtained(frame.workflow_id, step.step_id, secret)


def _cookie_values(answer: httpx.Response) -> list[str]:
    if "set-cookie" not in answer.headers:
        return []
    values = []
    for header in answer.headers.get_list("set-cookie"):
        value = header.partition(";")[0].partition("=")[2].strip().strip('"')
        if len(value) >= MIN_SECRET_FIELD:
            values.append(value)
    return values


def _record(state: RunState, frame: Frame, step: StepPlan, number: int, request: httpx.Request,
            response: httpx.Response | None, started: float, sent_at: float, error: str | None) -> ExchangeRecorded:
    limit = state.options.record_bytes
    answer = None if response is None else _message(response.headers.multi_items(), response.content, limit,
                                                    response.headers.get("content-type"))
    return ExchangeRecorded(
        frame.workflow_id, step.step_id, number, request.method, str(request.url),
        _message(request.headers.multi_items(), request.content, limit, request.headers.get("content-type")),
        None if response is None else response.status_code, answer, started,
        (state.options.clock() - sent_at) * 1000, error,
        mocked=response is not None and response.extensions.get(MOCK_MARK) is True)


def _message(headers: list[tuple[str, str]], body: bytes, limit: int, content_type: str | None) -> HttpMessage:
    return HttpMessage(tuple(headers), body[:limit], len(body), content_type)


def _guarded(check: Callable[[], list[str]], state: RunState) -> list[str]:
    """openapi-core's findings; an error inside it is one more finding, never a crash of the run. Its schema
    patterns, all of one check together, may take ``evaluation_timeout``."""
    timeout = state.options.limits.evaluation_timeout
    try:
        with budget.time_budget(timeout, watch_calls=False):
            return check()
    except budget.OverBudget:
        return [f"could not be checked: a schema pattern took longer than {timeout:g} s (evaluation_timeout)"]
    except RecursionError:  # openapi-core parses and walks the body recursively: a server's nesting, not a bug
        return ["could not be checked: the message nests too deeply"]
    except Exception as exc:  # noqa: BLE001 - a library failure must not stop the run; say so instead
        return [f"could not be checked: {type(exc).__name__}: {str(exc)[:200]}"]


def _exchange(base: ExpressionContext, url: str, method: str, request: RequestData,
              status: Any = MISSING, response: ResponseData | None = None) -> ExpressionContext:
    """``base`` with the HTTP exchange of this attempt (built directly: this is on every step's path)."""
    return ExpressionContext(url=url, method=method, status_code=status, request=request, response=response,
                             inputs=base.inputs, outputs=base.outputs, steps=base.steps, workflows=base.workflows,
                             source_descriptions=base.source_descriptions, components=base.components,
                             self_uri=base.self_uri)


def _parameters(plan: RequestPlan, context: ExpressionContext, attempt: Attempt) -> list[tuple[ParameterSpec, Any]]:
    values: list[tuple[ParameterSpec, Any]] = []
    for parameter in plan.parameters:
        value = parameter.value.evaluate(context)
        if value is MISSING:
            if parameter.required:
                raise ExecutionError(f"required parameter '{parameter.name}' has no value: {parameter.written} is not "
                                     "set", parameter.at)
            attempt.warn(f"parameter '{parameter.name}' omitted: {parameter.written} has no value")
            continue
        if parameter.warning is not None:
            attempt.warn(parameter.warning)
        if parameter.spec is not None:
            values.append((parameter.spec, value))
    return values


def _body(plan: RequestPlan, context: ExpressionContext, attempt: Attempt, timeout: float) -> tuple[Any] | None:
    body = plan.body
    if body is None:
        return None

    def omitted(at: str, written: str) -> None:
        attempt.warn(f"payload member '{at}' omitted: {written} has no value")

    payload = body.payload.evaluate(context, omitted)
    if payload is MISSING:
        raise ExecutionError(f"runtime expression '{body.payload}' has no value")
    if body.replacements:
        payload = apply_replacements(payload, [(target, _present(value.evaluate(context), value))
                                               for target, value in body.replacements], timeout)
    return (payload,)


def _present(value: Any, written: object) -> Any:
    if value is MISSING:
        raise ExecutionError(f"runtime expression '{written}' has no value")
    return value


def _build(state: RunState, frame: Frame, step: StepPlan, plan: RequestPlan,
           parameters: list[tuple[ParameterSpec, Any]], body: tuple[Any] | None, attempt: Attempt) -> Execution:
    """Choose credentials, fetch the tokens they need (once per run), then build the request once."""
    signing = state.signing(plan)
    if signing.error is not None:
        raise signing.error
    auth = signing.ready
    if auth is None:
        choice = signing.choice
        assert choice is not None
        for request in choice.tokens:
            if request.key in state.tokens:
                continue
            token = yield FetchToken(request, state.request_timeout()[0], state.options.limits.max_response_bytes)
            if isinstance(token, BaseException):
                raise ExecutionError(f"cannot obtain an OAuth2 token from {request.token_url}: {token}")
            state.tokens[request.key] = str(token)
            state.redactor = state.redactor.adding(str(token))
            yield CredentialObtained(frame.workflow_id, step.step_id, str(token))
        auth = apply_auth(choice, plan.source.schemes, state.options.settings.credentials, state.tokens)
    for missing in auth.missing:
        attempt.warn(f"no credentials configured for {missing}: request sent without them", Hint("auth", missing))
    built: BuiltRequest = build_request(plan, parameters, body, state.options.settings, auth)
    return built


def _received(state: RunState, plan: RequestPlan, answer: httpx.Response, attempt: Attempt,
              base: ExpressionContext, url: str, method: str, request: RequestData) -> Any:
    """Read the response into the attempt's context and check it; returns the decoded body."""
    # httpx's headers already compare names case-insensitively and join repeated fields (RFC 9110 §5.3).
    headers = answer.headers
    content_type = headers.get("content-type")
    body, note = decode_body_with_note(answer.content, content_type)
    if note:
        attempt.warn(note)
    response = ResponseData(headers=headers, body=MISSING if not answer.content else body)
    attempt.context = _exchange(base, url, method, request, answer.status_code, response)
    attempt.status_code = answer.status_code
    attempt.retry_after = retry_after(headers.get("retry-after"), state.options.wall_clock)
    if state.options.contract:
        return body  # openapi-core checks the whole exchange instead
    with budget.time_budget(state.options.limits.evaluation_timeout, watch_calls=False):  # the schema patterns
        problems = plan.responses.check(answer.status_code, content_type, response.body)
    if problems and state.options.strict:
        attempt.fail("response does not match the OpenAPI description: " + "; ".join(problems))
    else:
        for problem in problems:
            attempt.warn(f"response check: {problem}")
    return body


def retry_after(value: str | None, now: Callable[[], float]) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP-date), if present and sane."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value[:12])  # beyond any sane wait; the caller caps it anyway
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return max(0.0, moment.timestamp() - now())


def transport_message(error: Any) -> str:
    """How a transport failure reads in a step's error."""
    if isinstance(error, httpx.TimeoutException):
        return f"timed out ({type(error).__name__})"
    if isinstance(error, httpx.ConnectError):
        return f"cannot connect: {error}"
    if isinstance(error, ArazzoError):  # a limit the driver enforced while reading
        return error.message
    return f"{type(error).__name__}: {error}"


def describe(error: ArazzoError) -> str:
    """An engine error as a step's error text."""
    return error.message if error.location is None else f"{error.message} (at {error.location})"
