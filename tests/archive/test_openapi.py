"""The API's OpenAPI document (/api/openapi.json, config/openapi.py) against the real API (issue #19):
the document validates as OpenAPI 3.1, names exactly the endpoints and parameters the views take,
and every documented response, of every endpoint and status, is what the views really send
(objects closed with additionalProperties: false, so drift either way fails)."""

from __future__ import annotations

import pytest
from django.urls import resolve
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate

from archive.models import Article, Official
from tests.archive.browse_fixtures import ingest_corpus_like

pytestmark = pytest.mark.django_db


@pytest.fixture
def doc(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()


@pytest.fixture
def api(seeded, tmp_path):
    ingest_corpus_like(tmp_path, 21)
    return seeded


def test_the_document_is_valid_openapi_and_lists_every_endpoint_of_the_index(client, doc):
    validate(doc)  # raises on any fault
    assert doc["openapi"] == "3.1.0" and doc["servers"] == [{"url": "http://testserver"}]
    index = client.get("/api/").json()
    assert index["openapi"] == "http://testserver/api/openapi.json"
    listed = {e["url"].removeprefix("http://testserver") for e in index["endpoints"].values()}
    assert listed == set(doc["paths"]) - {"/api/"}
    for path in doc["paths"]:
        assert resolve(path.replace("{id}", "1")).func.__name__.startswith("api"), path


def _validator(doc: dict, path: str, status: int) -> Draft202012Validator:
    response = doc["paths"][path]["get"]["responses"][str(status)]
    schema = {**response["content"]["application/json"]["schema"], "components": doc["components"]}
    return Draft202012Validator(schema, format_checker=FormatChecker())


def _check(client, doc, path: str, url: str, status: int, seen: set) -> dict:
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:300])
    data = response.json()
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in _validator(doc, path, status).iter_errors(data)
    ]
    assert not errors, (url, errors[:5])
    seen.add((path, str(status)))
    return data


def test_every_documented_response_is_what_the_api_sends(client, doc, api, admin_client):
    seen: set = set()
    check = lambda path, url, status=200: _check(client, doc, path, url, status, seen)  # noqa: E731
    check("/api/", "/api/")
    check("/api/articles/", "/api/articles/")
    check("/api/articles/", "/api/articles/?province=tay-ninh-2025&year=2020&page_size=2&page=2")
    check("/api/articles/", "/api/articles/?year=20x4", 400)
    check("/api/articles/", "/api/articles/?page=99", 404)
    for pk in Article.objects.values_list("pk", flat=True):
        check("/api/articles/{id}/", f"/api/articles/{pk}/")
    check("/api/articles/{id}/", "/api/articles/999999/", 404)
    check("/api/provinces/", "/api/provinces/")
    check("/api/provinces/", "/api/provinces/?era=2025")
    check("/api/provinces/", "/api/provinces/?era=x", 400)
    check("/api/officials/", "/api/officials/?province=long-an&page_size=1")
    check("/api/officials/", "/api/officials/?province=atlantis", 400)
    check("/api/officials/", "/api/officials/?page=99", 404)
    for pk in Official.objects.values_list("pk", flat=True):
        check("/api/officials/{id}/", f"/api/officials/{pk}/")
    check("/api/officials/{id}/", "/api/officials/999999/", 404)
    found = check(
        "/api/search/", "/api/search/?q=giao+ban&province=long-an&year=2019&year=2020&sort=newest&page_size=3"
    )
    assert found["results"] and all(v for v in found["facets"].values() if v)
    assert check("/api/search/", "/api/search/?q=xyzzyq+giao&province=long-an")["suggestions"]
    check("/api/search/", "/api/search/?q=dan+van&from=2019-01-01&to=2024-12-31&kind=giao_ban")
    check("/api/search/", "/api/search/?page_size=500&q=x", 400)
    check("/api/search/", "/api/search/?q=giao+ban&page=999", 404)
    check("/api/search/trend/", "/api/search/trend/?q=giao+ban&by=month&province=long-an")
    check("/api/search/trend/", "/api/search/trend/?q=x&by=week", 400)
    documented = {(p, s) for p, item in doc["paths"].items() for s in item["get"]["responses"]}
    assert documented == seen  # every documented status was produced and checked
    # A staff session sees the two staff fields, which the schema names as optional.
    article = Article.objects.first()
    data = admin_client.get(f"/api/articles/{article.pk}/").json()
    assert {"source_file", "review_reasons"} <= set(data)
    assert not list(_validator(doc, "/api/articles/{id}/", 200).iter_errors(data))


def test_every_documented_parameter_is_taken_and_no_other(client, doc, api):
    values = {"province": "long-an", "year": "2020", "page": "1", "page_size": "5", "era": "2025", "q": "giao ban",
              "kind": "giao_ban", "official": "Trần Thị Mai", "outlet": "Báo Long An", "from": "2019-01-01",
              "to": "2024-12-31", "sort": "newest", "by": "month", "format": "json", "dan_van": "1"}  # fmt: skip
    for path, item in doc["paths"].items():
        if "{id}" in path or path == "/api/":
            continue
        names = [p["name"] for p in item["get"]["parameters"] if p["in"] == "query"]
        for name in names:
            response = client.get(
                path, {name: values[name], **({"q": "giao ban"} if "search" in path else {})}
            )
            assert response.status_code == 200, (path, name, response.content[:200])
        assert client.get(path, {"colour": "red", "q": "x"}).status_code == 400, path
