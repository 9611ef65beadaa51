"""/docs works offline: Swagger UI's assets come from the app, not a CDN."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from api.app import app

client = TestClient(app)


def _references(html: str) -> list[str]:
    """Every URL the page loads: src and href attributes, and the spec's url."""
    return re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html) + re.findall(r"""\burl\s*:\s*["']([^"']+)["']""", html)


def test_docs_reference_no_other_host() -> None:
    resp = client.get("/docs")
    assert resp.status_code == 200
    assert re.findall(r"(?:https?:)?//[\w.-]+", resp.text) == []
    refs = _references(resp.text)
    assert {r.rsplit("/", 1)[-1] for r in refs} >= {"swagger-ui-bundle.js", "swagger-ui.css", "favicon.png", "openapi.json"}
    assert all(r.startswith("/") for r in refs)


def test_docs_assets_are_served() -> None:
    for ref in _references(client.get("/docs").text):
        asset = client.get(ref)
        assert asset.status_code == 200, ref
        assert len(asset.content) > 1000, ref  # the real file, not a stub or an error page
    bundle = client.get("/docs-assets/swagger-ui-bundle.js").text
    assert "SwaggerUIBundle" in bundle


def test_redoc_is_not_offered() -> None:
    assert client.get("/redoc").status_code == 404  # ReDoc's bundle loads a logo from the Internet


def test_openapi_lists_the_service() -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/health", "/api/validate"} <= set(paths)
    assert "/docs" not in paths and "/" in paths
    answers = paths["/api/validate"]["post"]["responses"]
    assert {code: answers[code]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
            for code in ("413", "422", "500")} == dict.fromkeys(("413", "422", "500"), "ErrorModel")
