"""The built web app served by a real gateway: files, the app's routes, caching, gzip, the
policy, no way out of the folder, and the API beside it exactly as before."""

from __future__ import annotations

import gzip
import http.client
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from gateway.webapp import accepts_gzip, is_app_path
from servicekit.security_headers import API_POLICY, WEB_APP_POLICY

from .conftest import GatewayFactory

PROBLEM_JSON = "application/problem+json"
SCRIPT = "assets/index-4f2a9c1e.js"
STYLE = "assets/index-b7d3e0aa.css"
INDEX_HTML = (
    '<!doctype html><html><head><script type="module" src="/assets/index-4f2a9c1e.js">'
    '</script><link rel="stylesheet" href="/assets/index-b7d3e0aa.css"></head>'
    '<body><div id="root"></div></body></html>'
)
JS = b"export function greet(name){return `Hello ${name}`}\n" * 400
SECRET = "the gateway must never serve this"
IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture(scope="module")
def web_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Vite dist: index.html, hashed assets, a favicon; beside it a file that must stay out."""
    root = tmp_path_factory.mktemp("web")
    (root / "pyproject.toml").write_text(SECRET)
    dist = root / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX_HTML)
    (dist / SCRIPT).write_bytes(JS)
    (dist / STYLE).write_text("body{margin:0}\n" * 200)
    (dist / "assets" / "logo-0c1d2e3f.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    for number in range(9):
        (dist / "assets" / f"chunk{number}-{number:08x}.js").write_text(f"export const n={number}")
    (dist / "favicon.ico").write_bytes(bytes(range(256)))
    (dist / ".vite").mkdir()
    (dist / ".vite" / "manifest.json").write_text("{}")
    os.symlink(root / "pyproject.toml", dist / "assets" / "leak.js")
    return dist


@pytest.fixture(scope="module")
def web_url(start_gateway: GatewayFactory, web_dir: Path) -> str:
    return start_gateway(web_dir=web_dir)


@pytest.fixture
def web(web_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=web_url, trust_env=False, timeout=20) as http:
        yield http


def raw_get(url: str, path: str) -> tuple[int, str, bytes]:
    """GET with the path sent as written: httpx would resolve its dot segments first."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=20)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.getheader("content-type", ""), response.read()
    finally:
        connection.close()


def test_the_index_is_served_and_never_cached(web: httpx.Client) -> None:
    index = web.get("/")
    assert index.status_code == 200
    assert index.text == INDEX_HTML
    assert index.headers["content-type"] == "text/html; charset=utf-8"
    assert index.headers["cache-control"] == "no-cache"
    assert web.get("/index.html").headers["cache-control"] == "no-cache"


def test_hashed_assets_are_served_and_cached_for_good(web: httpx.Client) -> None:
    script = web.get(f"/{SCRIPT}")
    assert script.status_code == 200
    assert script.content == JS
    assert script.headers["content-type"].startswith("text/javascript")
    assert script.headers["cache-control"] == IMMUTABLE
    assert web.get(f"/{STYLE}").headers["content-type"].startswith("text/css")


def test_the_favicon_is_served_and_never_cached(web: httpx.Client) -> None:
    favicon = web.get("/favicon.ico")
    assert favicon.content == bytes(range(256))
    assert favicon.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize("path", ["/book/clinic", "/desk", "/desk/2026-03-01/", "/v2/users"])
def test_the_apps_own_routes_answer_index_html(web: httpx.Client, path: str) -> None:
    response = web.get(path)
    assert response.status_code == 200
    assert response.text == INDEX_HTML
    assert response.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize("path", ["/assets/missing.js", "/robots.txt", "/.vite/manifest.json"])
def test_a_missing_file_is_a_404_problem(web: httpx.Client, path: str) -> None:
    response = web.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["type"] == "urn:clinic:problem:not-found"


@pytest.mark.parametrize(
    "path",
    [
        "/..%2f..%2fpyproject.toml",
        "/..%2f..%2fetc/passwd",
        "/assets/../../pyproject.toml",
        "/assets/%2e%2e/%2e%2e/pyproject.toml",
        "/%2e%2e/pyproject.toml",
        "/assets/leak.js",  # a symlink pointing out of the folder
    ],
)
def test_nothing_outside_the_folder_is_reachable(web_url: str, path: str) -> None:
    status, content_type, body = raw_get(web_url, path)
    assert status == 404, (path, body)
    assert content_type == PROBLEM_JSON
    assert SECRET.encode() not in body


def test_every_answer_of_the_app_carries_its_policy(web: httpx.Client) -> None:
    for path in ("/", f"/{SCRIPT}", "/desk", "/assets/missing.js"):
        response = web.get(path)
        assert response.headers.get_list("content-security-policy") == [WEB_APP_POLICY], path
        assert response.headers.get_list("x-frame-options") == ["DENY"]
        assert response.headers.get_list("x-content-type-options") == ["nosniff"]
        assert response.headers.get_list("referrer-policy") == ["no-referrer"]
    assert WEB_APP_POLICY == (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )


def test_text_is_gzipped_for_clients_that_take_it(web: httpx.Client) -> None:
    with web.stream("GET", f"/{SCRIPT}", headers={"Accept-Encoding": "gzip"}) as response:
        packed = b"".join(response.iter_raw())
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["vary"] == "Accept-Encoding"
    assert int(response.headers["content-length"]) == len(packed) < len(JS) // 10
    assert gzip.decompress(packed) == JS

    plain = web.get(f"/{SCRIPT}", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.content == JS
    refused = web.get(f"/{SCRIPT}", headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers
    # Bytes that do not shrink are sent as they are.
    assert "content-encoding" not in web.get("/favicon.ico").headers


def test_head_answers_the_headers_without_the_body(web: httpx.Client) -> None:
    for path, encoding in (("/", "identity"), (f"/{SCRIPT}", "gzip"), ("/desk", "identity")):
        whole = web.get(path, headers={"Accept-Encoding": encoding})
        head = web.head(path, headers={"Accept-Encoding": encoding})
        assert head.status_code == 200
        assert head.content == b""
        assert head.headers["content-length"] == whole.headers["content-length"]
        assert head.headers["etag"] == whole.headers["etag"]


def test_a_current_copy_is_confirmed_with_a_304(web: httpx.Client) -> None:
    first = web.get("/")
    again = web.get("/", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["cache-control"] == "no-cache"
    assert web.get("/", headers={"If-None-Match": '"stale"'}).status_code == 200


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_the_app_is_only_read(web: httpx.Client, method: str) -> None:
    response = web.request(method, "/desk")
    assert response.status_code == 405
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["allow"] == "GET, HEAD"


@pytest.mark.parametrize(
    "path", ["/v1/nothing-here", "/v1/reports/%2e%2e/users", "/metrics", "/.well-known/x"]
)
def test_api_paths_beside_the_app_still_answer_problems(web: httpx.Client, path: str) -> None:
    response = web.get(path)
    assert response.status_code in (401, 404), path
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["content-security-policy"] == API_POLICY


def test_the_api_beside_the_app_still_needs_a_token(web: httpx.Client) -> None:
    assert web.get("/v1/users").status_code == 401


def test_health_is_answered_beside_the_app(web: httpx.Client) -> None:
    assert web.get("/healthz").json() == {"status": "ok"}


def test_the_api_docs_are_served_beside_the_app(web: httpx.Client) -> None:
    docs = web.get("/docs")
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()
    assert web.get("/docs/elsewhere").status_code == 404


def test_loading_the_app_spends_no_api_budget(start_gateway: GatewayFactory, web_dir: Path) -> None:
    url = start_gateway(web_dir=web_dir, rate_limit_burst=5, rate_limit_per_minute=1)
    files = [
        "/",
        "/desk",
        *(f"/{p.relative_to(web_dir).as_posix()}" for p in web_dir.glob("assets/*")),
    ]
    with httpx.Client(base_url=url, trust_env=False, timeout=20) as http:
        for _ in range(2):  # two page loads, each well over the bucket of 5
            statuses = {path: http.get(path).status_code for path in files}
            assert set(statuses.values()) <= {200, 404}, statuses  # leak.js is the 404
        api = http.get("/v1/nothing-here")
        assert api.status_code == 404
        assert api.headers["ratelimit-remaining"] == "4"  # the first request it counted


def test_without_a_web_dir_nothing_is_served_at_the_root(client: httpx.Client) -> None:
    for path in ("/", "/desk", "/assets/index.js"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM_JSON
        assert "content-security-policy" not in response.headers


def test_a_folder_without_index_html_serves_nothing(
    start_gateway: GatewayFactory, tmp_path: Path
) -> None:
    (tmp_path / "app.js").write_text("")
    url = start_gateway(web_dir=tmp_path, wait_for_revocations=False)
    with httpx.Client(base_url=url, trust_env=False, timeout=20) as http:
        assert http.get("/").status_code == 404
        assert http.get("/app.js").status_code == 404


@pytest.mark.parametrize(
    ("path", "app"),
    [
        ("/", True),
        ("/desk", True),
        ("/assets/x.js", True),
        ("/docsx", True),
        ("/docs", False),
        ("/docs/assets/swagger-ui.css", False),
        ("/v1/users", False),
        ("/.well-known/jwks.json", False),
        ("/openapi.json", False),
        ("/healthz", False),
        ("/metrics", False),
    ],
)
def test_which_paths_are_the_apps(path: str, app: bool) -> None:
    assert is_app_path(path) is app


@pytest.mark.parametrize(
    ("header", "takes"),
    [
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("br;q=1.0, GZIP;q=0.5", True),
        ("gzip;q=0", False),
        ("gzip; q=0.000", False),
        ("deflate, br", False),
        ("", False),
    ],
)
def test_which_clients_take_gzip(header: str, takes: bool) -> None:
    assert accepts_gzip(header) is takes
