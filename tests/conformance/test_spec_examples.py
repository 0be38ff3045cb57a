"""The Arazzo 1.0.0 specification examples, run end-to-end against the loopback stub server.

Every source description's servers are replaced by the stub (``servers={name: stub.url}``) and remote source
URLs are served from local copies by an offline retriever, so nothing leaves 127.0.0.1. Examples that cannot
run as written are first pinned by the diagnostic we give (rule and line, the spec erratum named alongside);
then a copy with exactly those errata fixed (each fix must match the text once) is run to its outputs.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from stub_server import RecordedRequest, Reply, StubServer

from arazzo_runner.errors import DocumentError, LoadError
from arazzo_runner.events import RunResult
from arazzo_runner.loader import default_retriever
from arazzo_runner.runner import Runner
from tests.reference import reference_path

EXAMPLES = reference_path("arazzo", "examples", "1.0.0")
PETSTORE_COPY = reference_path("arazzo", "conformance", "runner", "packages", "runner", "test", "fixtures",
                               "petstore.openapi.json")
SWAGGER_PETSTORE = ("https://raw.githubusercontent.com/swagger-api/swagger-petstore/master/src/main/resources/"
                    "openapi.yaml")
BNPL_OPENAPI = "https://raw.githubusercontent.com/OAI/Arazzo-Specification/main/examples/1.0.0/bnpl-openapi.yaml"
Fix = tuple[str, str]


class OfflineRetriever:
    """Reads ``file:`` URLs; answers known remote URLs from local copies; refuses every other URL."""

    copies: Mapping[str, Path] = {SWAGGER_PETSTORE: PETSTORE_COPY, BNPL_OPENAPI: EXAMPLES / "bnpl-openapi.yaml"}

    def __init__(self) -> None:
        self._local = default_retriever()
        self.remote: list[str] = []

    def __call__(self, url: str) -> bytes:
        if url.startswith("file:"):
            return self._local(url)
        self.remote.append(url)
        if url in self.copies:
            return self.copies[url].read_bytes()
        raise LoadError(f"the tests never fetch from the network: {url}")


@pytest.fixture
def retriever() -> OfflineRetriever:
    return OfflineRetriever()


def corrected(tmp_path: Path, name: str, fixes: tuple[Fix, ...], companions: tuple[str, ...] = ()) -> Path:
    """A copy of example ``name`` in ``tmp_path`` with each ``(old, new)`` fix applied to its one occurrence."""
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    for old, new in fixes:
        assert text.count(old) == 1, f"fix target must occur exactly once in {name}: {old!r}"
        text = text.replace(old, new)
    (tmp_path / name).write_text(text, encoding="utf-8")
    for companion in companions:
        shutil.copy(EXAMPLES / companion, tmp_path / companion)
    return tmp_path / name


def run(path: Path, workflow: str, inputs: Mapping[str, Any], stub: StubServer, source: str,
        retriever: OfflineRetriever | None = None) -> RunResult:
    return Runner(servers={source: stub.url}, retriever=retriever, sleep=_never_sleep).run(path, workflow, inputs)


def _never_sleep(seconds: float) -> None:
    raise AssertionError(f"no example retries, yet a sleep of {seconds}s was requested")


def refusal(path: Path, workflow: str, retriever: OfflineRetriever | None = None) -> set[tuple[str, int | None]]:
    """The (rule, line) of every error that makes ``prepare`` refuse the workflow."""
    with pytest.raises(DocumentError) as caught:
        Runner(retriever=retriever).prepare(path, workflow)
    return {(d.rule, d.location.line) for d in caught.value.diagnostics if d.severity == "error"}


def routes(table: Mapping[str, Reply | Callable[[RecordedRequest], Reply]]) -> Callable[[RecordedRequest], Reply]:
    """A stub script answering by ``METHOD /path``; anything unexpected gets a 404 the run will notice."""
    def answer(request: RecordedRequest) -> Reply:
        found = table.get(f"{request.method} {request.path}")
        if found is None:
            return Reply(404, {"unexpected": f"{request.method} {request.path}"})
        return found(request) if callable(found) else found

    return answer


def form(request: RecordedRequest) -> dict[str, list[str]]:
    return parse_qs(request.text, keep_blank_values=True)


def calls(stub: StubServer) -> list[str]:
    return [f"{r.method} {r.path}" + (f"?{r.raw_query}" if r.raw_query else "") for r in stub.requests]


# --- pet-coupons ---------------------------------------------------------------------------------------------

PET_COUPONS = EXAMPLES / "pet-coupons.arazzo.yaml"
PET_ROUTES: dict[str, Reply | Callable[[RecordedRequest], Reply]] = {
    "GET /pet/findByTags": Reply(200, [{"id": 42, "name": "Pongo", "tags": [{"name": "dalmatian"}]}]),
    "GET /pet/findByStatus": Reply(200, [{"id": 42, "name": "Pongo", "status": "available"}]),
    "GET /pet/42/coupons": Reply(200, {"couponCode": "SPOTS10", "discount": 10}),
    "POST /store/order": Reply(200, {"id": 1001, "petId": 42, "status": "placed", "complete": False}),
}
# Errata: the parameter names do not match the OpenAPI ones (tags, petId); a workflowId step has no response,
# so `$statusCode == 200` can never hold there; `$outputs.x` is the calling workflow's own output, not the
# sub-workflow's (that is `$workflows.place-order.outputs.x`).
PET_COUPON_FIXES: tuple[Fix, ...] = (
    ("- name: pet_tags\n", "- name: tags\n"),
    ("- name: pet_id\n            in: path", "- name: petId\n            in: path"),
    ("value: $steps.find-coupons.outputs.my_coupon_code\n        successCriteria:\n"
     "          - condition: $statusCode == 200",
     "value: $steps.find-coupons.outputs.my_coupon_code\n        successCriteria:\n"
     "          - condition: $workflows.place-order.outputs.workflow_order_id != null"),
    ("- name: pet_id\n            value: $steps.find-pet.outputs.my_pet_id\n        successCriteria:\n"
     "          - condition: $statusCode == 200",
     "- name: pet_id\n            value: $steps.find-pet.outputs.my_pet_id\n        successCriteria:\n"
     "          - condition: $workflows.place-order.outputs.workflow_order_id != null"),
    ("my_order_id: $outputs.workflow_order_id\n    outputs:\n      apply_coupon",
     "my_order_id: $workflows.place-order.outputs.workflow_order_id\n    outputs:\n      apply_coupon"),
    ("my_order_id: $outputs.workflow_order_id\n    outputs:\n      buy_pet",
     "my_order_id: $workflows.place-order.outputs.workflow_order_id\n    outputs:\n      buy_pet"),
)


def test_pet_coupons_place_order_posts_the_order_and_outputs_its_id(stub: StubServer) -> None:
    stub.script(routes(PET_ROUTES))
    result = run(PET_COUPONS, "place-order", {"pet_id": 42, "quantity": 1, "coupon_code": "SPOTS10"}, stub,
                 "pet-coupons")
    assert (result.status, dict(result.outputs)) == ("succeeded", {"workflow_order_id": 1001})
    (order,) = stub.requests
    assert (order.method, order.path, order.headers["content-type"]) == ("POST", "/store/order", "application/json")
    assert order.json() == {"petId": 42, "quantity": 1, "couponCode": "SPOTS10", "status": "placed",
                            "complete": False}


def test_pet_coupons_apply_coupon_as_written_fails_on_the_misnamed_path_parameter(stub: StubServer) -> None:
    stub.script(routes(PET_ROUTES))
    result = run(PET_COUPONS, "apply-coupon", {"my_pet_tags": ["puppy", "dalmatian"]}, stub, "pet-coupons")
    assert (result.status, result.failed_step) == ("failed", "find-coupons")
    assert result.error == ("step 'find-coupons' failed: path '/pet/{petId}/coupons' needs a value for path "
                            "parameter 'petId'")
    assert calls(stub) == ["GET /pet/findByTags?pet_tags=puppy&pet_tags=dalmatian"]


def test_pet_coupons_buy_available_pet_as_written_fails_the_status_code_criterion_of_a_sub_workflow_step(
        stub: StubServer) -> None:
    stub.script(routes(PET_ROUTES))
    result = run(PET_COUPONS, "buy-available-pet", {"store_id": "pets.example.com"}, stub, "pet-coupons")
    assert (result.status, result.failed_step) == ("failed", "place-order")
    assert result.error == "step 'place-order' failed: success criterion not met: $statusCode == 200"
    assert calls(stub) == ["GET /pet/findByStatus?status=available&page=1&pageSize=10", "POST /store/order"]


@pytest.mark.parametrize(("workflow", "inputs", "outputs", "sent"), [
    pytest.param("apply-coupon", {"my_pet_tags": ["puppy", "dalmatian"], "store_id": "pets.example.com"},
                 {"apply_coupon_pet_order_id": 1001},
                 ["GET /pet/findByTags?tags=puppy&tags=dalmatian", "GET /pet/42/coupons", "POST /store/order"],
                 id="apply-coupon"),
    pytest.param("buy-available-pet", {"store_id": "pets.example.com"}, {"buy_pet_order_id": 1001},
                 ["GET /pet/findByStatus?status=available&page=1&pageSize=10", "POST /store/order"],
                 id="buy-available-pet"),
])
def test_pet_coupons_corrected_workflows_order_the_found_pet(
        workflow: str, inputs: dict[str, Any], outputs: dict[str, Any], sent: list[str], stub: StubServer,
        tmp_path: Path) -> None:
    path = corrected(tmp_path, "pet-coupons.arazzo.yaml", PET_COUPON_FIXES, ("pet-coupons.openapi.yaml",))
    stub.script(routes(PET_ROUTES))
    result = run(path, workflow, inputs, stub, "pet-coupons")
    assert (result.status, dict(result.outputs)) == ("succeeded", outputs), result.error
    assert calls(stub) == sent
    order = stub.requests[-1].json()
    assert order["petId"] == 42 and order.get("couponCode") == ("SPOTS10" if workflow == "apply-coupon" else None)


# --- oauth ---------------------------------------------------------------------------------------------------

OAUTH = EXAMPLES / "oauth.arazzo.yaml"


def token_endpoint(request: RecordedRequest) -> Reply:
    grant = form(request)["grant_type"][0]
    issued = {"client_credentials": "cc-token", "authorization_code": "code-token", "refresh_token": "fresh-token"}
    return Reply(200, {"access_token": issued[grant], "refresh_token": f"{grant}-refresh", "expires_in": 3600,
                       "token_type": "Bearer"})


OAUTH_ROUTES: dict[str, Reply | Callable[[RecordedRequest], Reply]] = {
    # The example's own criteria want an access_token (and read the code) from the authorize response body.
    "GET /authorize": Reply(200, {"code": "auth-code-1", "access_token": "pre-authorized"}),
    "POST /oauth/token": token_endpoint,
}
CLIENT = {"client_id": "shop", "client_secret": "s3cret"}


def test_oauth_client_credentials_flow_posts_a_form_and_outputs_the_access_token(stub: StubServer) -> None:
    stub.script(routes(OAUTH_ROUTES))
    result = run(OAUTH, "client-credentials-flow", CLIENT, stub, "apim-auth")
    assert (result.status, dict(result.outputs)) == ("succeeded", {"access_token": "cc-token"})
    (request,) = stub.requests
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert form(request) == {"client_id": ["shop"], "client_secret": ["s3cret"], "grant_type": ["client_credentials"]}


def test_oauth_authorization_code_flow_exchanges_the_code_for_tokens(stub: StubServer) -> None:
    stub.script(routes(OAUTH_ROUTES))
    result = run(OAUTH, "authorization-code-flow", {**CLIENT, "redirect_uri": "https://shop.example/cb"}, stub,
                 "apim-auth")
    assert result.status == "succeeded", result.error
    assert dict(result.outputs) == {"access_token": "code-token", "refresh_token": "authorization_code-refresh",
                                    "expires_in": 3600}
    authorize, exchange = stub.requests
    assert authorize.query == {"client_id": ["shop"], "redirect_uri": ["https://shop.example/cb"],
                               "response_type": ["code"], "scope": ["read"], "state": ["12345"]}
    assert form(exchange) == {"grant_type": ["authorization_code"], "code": ["auth-code-1"],
                              "redirect_uri": ["https://shop.example/cb"], "client_id": ["shop"],
                              "client_secret": ["s3cret"]}


def test_oauth_refresh_token_flow_runs_the_code_flow_then_refreshes(stub: StubServer) -> None:
    stub.script(routes(OAUTH_ROUTES))
    inputs = {"my_client_id": "shop", "my_client_secret": "s3cret", "my_redirect_uri": "https://shop.example/cb"}
    result = run(OAUTH, "refresh-token-flow", inputs, stub, "apim-auth")
    assert result.status == "succeeded", result.error
    assert dict(result.outputs) == {"access_token": "fresh-token", "refresh_token": "refresh_token-refresh",
                                    "expires_in": 3600}
    assert calls(stub)[0].startswith("GET /authorize?client_id=shop&redirect_uri=")
    assert [r.path for r in stub.requests] == ["/authorize", "/oauth/token", "/oauth/token"]
    # Erratum: `my_refresh_token: $outputs.refresh_token` reads this workflow's own (not yet computed) output,
    # not the sub-workflow's, so the payload member is left out rather than sent as a literal or null.
    assert form(stub.requests[-1]) == {"grant_type": ["refresh_token"]}


# --- FAPI-PAR ------------------------------------------------------------------------------------------------

FAPI_INPUTS: dict[str, Any] = {
    "client_id": "tpp-1",
    "client_assertion": {"iss": "tpp-1", "sub": "tpp-1", "aud": "https://api.example.com", "exp": "1700000300",
                         "iat": "1700000000", "jti": "j-1"},
    "redirect_uri": "https://tpp.example/cb",
    "code_verifier": "verifier-1",
    "PARrequestBody": {"response_type": "code", "client_id": "tpp-1", "scope": "openid payments",
                       "state": "st-1", "redirect_uri": "https://tpp.example/cb", "code_challenge_method": "S256",
                       "code_challenge": "challenge-1"},
    "TokenRequestBody": {"grant_type": "authorization_code", "code": "placeholder",
                         "redirect_uri": "https://tpp.example/cb", "code_verifier": "verifier-1"},
}


def test_fapi_par_as_written_is_refused_for_the_operation_id_case_erratum() -> None:
    # Erratum: the step names operationId `PAR`; the OpenAPI description calls the operation `Par`.
    assert refusal(EXAMPLES / "FAPI-PAR.arazzo.yaml", "OIDC-PAR-AuthzCode") == {("unknown-operation-id", 102)}


def test_fapi_par_corrected_pushes_the_request_authorizes_and_fetches_the_token(stub: StubServer,
                                                                               tmp_path: Path) -> None:
    fix = ("operationId: $sourceDescriptions.auth-api.PAR\n", "operationId: $sourceDescriptions.auth-api.Par\n")
    path = corrected(tmp_path, "FAPI-PAR.arazzo.yaml", (fix,), ("FAPI-PAR.openapi.yaml",))
    token_response = {"access_token": "fapi-token", "token_type": "Bearer", "expires_in": 300, "id_token": "idt"}
    stub.script(routes({
        "POST /as/par.oauth2": Reply(200, {"request_uri": "urn:ietf:params:oauth:request_uri:abc", "expires_in": "90"}),
        # The code really arrives in the redirect's query; the example reads it from the body (its own note).
        "GET /as/authorize.oauth2": Reply(302, {"code": "authz-code-1"}, {"Location": "https://tpp.example/cb"}),
        "POST /as/token.oauth2": Reply(200, token_response),
    }))
    result = run(path, "OIDC-PAR-AuthzCode", FAPI_INPUTS, stub, "auth-api")
    assert (result.status, dict(result.outputs)) == ("succeeded", {"access_token": token_response}), result.error
    par, authorize, token = stub.requests
    assert par.query["client_id"] == ["tpp-1"]
    assert par.query["client_assertion_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
    assert json.loads(par.query["client_assertion"][0]) == FAPI_INPUTS["client_assertion"]  # content: app/json
    assert par.json() == FAPI_INPUTS["PARrequestBody"]
    assert authorize.query == {"request_uri": ["urn:ietf:params:oauth:request_uri:abc"], "client_id": ["tpp-1"]}
    assert json.loads(token.text) == {"grant_type": "authorization_code", "code": "authz-code-1",
                                      "redirect_uri": "https://tpp.example/cb", "code_verifier": "verifier-1"}


# --- bnpl ----------------------------------------------------------------------------------------------------

BNPL = EXAMPLES / "bnpl-arazzo.yaml"
BNPL_INPUTS: dict[str, Any] = {
    "customer": {"firstName": "Ada", "lastName": "Lovelace", "dateOfBirth": "1990-12-10T00:00:00Z",
                 "postalCode": "N1 9GU"},
    "products": [{"productCode": "P-100", "purchaseAmount": {"currency": "USD", "amount": 250}}],
}
# Errata: the workflow output skips `.outputs.` (#254); authenticateCustomerAndAuthorizeLoan reads its own
# output instead of initiateBnplTransaction's; loanTransactionId is read but never declared as an output; under
# RFC 9535 `$[?count(@.products) > 0]` filters the root's children and never matches (`$.products[*]` does);
# the initiate payload needs both an enrolled and a new customer, so a new customer's run cannot build it.
BNPL_FIXES: tuple[Fix, ...] = (
    ("$steps.retrieveFinalizedPaymentPlan.finalizedPaymentPlan",
     "$steps.retrieveFinalizedPaymentPlan.outputs.finalizedPaymentPlan"),
    ("value: $steps.authenticateCustomerAndAuthorizeLoan.outputs.redirectAuthToken",
     "value: $steps.initiateBnplTransaction.outputs.redirectAuthToken"),
    ("      loanTransactionResourceUrl: $response.body#/links/self\n",
     "      loanTransactionResourceUrl: $response.body#/links/self\n"
     "      loanTransactionId: $response.body#/loanTransactionId\n"),
    ("condition: $[?count(@.products) > 0]", "condition: $.products[*]"),
    ('          "enrolledCustomer": "{$inputs.customer#/uri}",\n', ""),
)
PLAN = {"loanTransactionId": "lt-1", "status": "Approved", "installments": 4}


def test_bnpl_as_written_is_refused_with_every_erratum_located(retriever: OfflineRetriever) -> None:
    assert refusal(BNPL, "ApplyForLoanAtCheckout", retriever) == {
        ("unknown-step-output", 231),  # the step reads its own undeclared output redirectAuthToken
        ("unknown-step-output", 242),  # loanTransactionId is not an output of initiateBnplTransaction
        ("unknown-step-output", 253),
        ("dialect-step-outputs", 260),  # `$steps.<id>.<name>` without `.outputs.` (#254)
    }
    assert retriever.remote == [BNPL_OPENAPI]


def test_bnpl_corrected_takes_the_new_customer_path_to_a_finalized_plan(
        stub: StubServer, tmp_path: Path, retriever: OfflineRetriever) -> None:
    path = corrected(tmp_path, "bnpl-arazzo.yaml", BNPL_FIXES)
    stub.script(routes({
        "POST /products": Reply(200, {"products": [{"productCode": "P-100"}], "eligibilityCheckRequired": True,
                                      "totalAmount": {"currency": "USD", "amount": 250}}),
        "GET /terms-and-conditions": Reply(200, [{"termsAndConditions": "Pay in four."}]),
        "POST /customers": Reply(201, {"customerId": "c-1", "links": {"self": "https://bnpl.example/customers/c-1"}}),
        "POST /loan-transactions": Reply(202, {"loanTransactionId": "lt-1", "redirectAuthToken": "rat-1",
                                               "links": {"self": "https://bnpl.example/loan-transactions/lt-1"}}),
        "GET /auth": Reply(302, None, {"Location": "https://shop.example/after-auth"}),
        "GET /loan-transactions/lt-1": Reply(200, PLAN),
        "PATCH /loan-transactions/lt-1/status": Reply(204, None),
    }))
    result = run(path, "ApplyForLoanAtCheckout", BNPL_INPUTS, stub, "BnplApi", retriever)
    assert (result.status, dict(result.outputs)) == ("succeeded", {"finalizedPaymentPlan": PLAN}), result.error
    assert calls(stub) == ["POST /products", "GET /terms-and-conditions", "POST /customers", "POST /loan-transactions",
                           "GET /auth?redirectAuthToken=rat-1", "GET /loan-transactions/lt-1",
                           "PATCH /loan-transactions/lt-1/status"]
    assert result.step("authenticateCustomerAndAuthorizeLoan").outputs == {  # type: ignore[union-attr]
        "redirectUrl": "https://shop.example/after-auth"}
    assert stub.requests[2].json()["termsAndConditionsAccepted"] is True
    assert stub.requests[-1].json() == {"loanStatus": "Completed"}
    # Erratum kept: the templates quote embedded objects ("{$inputs.customer}"). Values substituted inside a JSON
    # string are JSON-escaped, so what is sent is valid JSON, with the object as the text of a string.
    sent = stub.requests[0].json()
    assert isinstance(sent["customer"], str) and json.loads(sent["customer"])["firstName"] == "Ada"


# --- LoginAndRetrievePets ------------------------------------------------------------------------------------

LOGIN = EXAMPLES / "LoginAndRetrievePets.arazzo.yaml"


def test_login_and_retrieve_pets_as_written_is_refused_for_an_operation_path_to_a_path_item(
        retriever: OfflineRetriever) -> None:
    # Erratum: operationPath '...#/paths/~1pet~1findByStatus' names the Path Item; it needs '/get'.
    assert refusal(LOGIN, "loginUserRetrievePet", retriever) == {("unknown-operation-path", 46)}
    assert retriever.remote == [SWAGGER_PETSTORE]


def test_login_and_retrieve_pets_corrected_logs_in_and_lists_available_pets(
        stub: StubServer, tmp_path: Path, retriever: OfflineRetriever) -> None:
    path = corrected(tmp_path, "LoginAndRetrievePets.arazzo.yaml",
                     (("#/paths/~1pet~1findByStatus'", "#/paths/~1pet~1findByStatus/get'"),))
    pets = [{"id": 1, "name": "Rex", "status": "available"}, {"id": 2, "name": "Tom", "status": "available"}]
    stub.script(routes({
        "GET /user/login": Reply(200, json.dumps("session-abc"), {"Content-Type": "application/json",
                                                                  "X-Rate-Limit": "5000",
                                                                  "X-Expires-After": "2030-01-01T00:00:00Z"}),
        "GET /pet/findByStatus": Reply(200, pets),
    }))
    result = run(path, "loginUserRetrievePet", {"username": "ada", "password": "pw"}, stub, "petStoreDescription",
                 retriever)
    assert (result.status, dict(result.outputs)) == ("succeeded", {"available": pets}), result.error
    assert result.step("loginStep").outputs == {  # type: ignore[union-attr]
        "tokenExpires": "2030-01-01T00:00:00Z", "rateLimit": "5000", "sessionToken": "session-abc"}
    login, find = stub.requests
    assert login.query == {"username": ["ada"], "password": ["pw"]}
    assert (find.query, find.headers["authorization"]) == ({"status": ["available"]}, "session-abc")
    assert retriever.remote == [SWAGGER_PETSTORE]


# --- ExtendedParametersExample -------------------------------------------------------------------------------

ANIMALS_OPENAPI = """\
openapi: 3.1.0
info: {title: Public Zoo API, version: '1.0'}
servers: [{url: 'https://zoo.example.com'}]
paths:
  /animals:
    post:
      operationId: postAnimal
      parameters:
        - {name: authentication, in: cookie, required: true, schema: {type: string}}
        - {name: workflowLevelParamOne, in: cookie, schema: {type: string}}
        - {name: workflowLevelParamTwo, in: header, schema: {type: string}}
      responses: {'201': {description: created}}
  /animals/random:
    get:
      operationId: getRandomAnimal
      parameters:
        - {name: workflowLevelParamOne, in: cookie, schema: {type: string}}
        - {name: workflowLevelParamTwo, in: header, schema: {type: string}}
      responses: {'200': {description: an animal}}
"""


def test_extended_parameters_as_written_is_refused_for_the_missing_animals_source() -> None:
    # Erratum: the example's source description ./animals.yaml is not published with it.
    assert refusal(EXAMPLES / "ExtendedParametersExample.arazzo.yaml", "animal-workflow") == {
        ("source-unavailable", 8)}


def test_extended_parameters_send_workflow_cookies_and_headers_with_every_step(stub: StubServer,
                                                                             tmp_path: Path) -> None:
    path = corrected(tmp_path, "ExtendedParametersExample.arazzo.yaml", ())
    (tmp_path / "animals.yaml").write_text(ANIMALS_OPENAPI, encoding="utf-8")
    stub.script(routes({"POST /animals": Reply(201, {"id": "zebra-1"}),
                        "GET /animals/random": Reply(200, {"id": "lion-7"})}))
    result = run(path, "animal-workflow", {}, stub, "animals")
    assert result.status == "succeeded", result.error
    posted, fetched = stub.requests
    assert (posted.method, posted.path, fetched.method, fetched.path) == ("POST", "/animals", "GET",
                                                                          "/animals/random")
    assert _cookies(posted) == {"authentication": "SUPER_SECRET", "workflowLevelParamOne": "someValue"}
    assert _cookies(fetched) == {"workflowLevelParamOne": "someValue"}
    assert posted.headers["workflowlevelparamtwo"] == fetched.headers["workflowlevelparamtwo"] == "someValue"


def _cookies(request: RecordedRequest) -> dict[str, str]:
    pairs = (part.strip().partition("=") for part in request.headers.get("cookie", "").split(";") if part.strip())
    return {name: value for name, _, value in pairs}
