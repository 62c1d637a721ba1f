"""The built web app (Vite's dist folder) served at `/`, read and gzipped once at start.

Only the files found in the folder at start are served, looked up by their path in memory, so
no request can reach outside it (`..`, encoded slashes, a symlink pointing out, a file added
later). Vite names what it writes under assets/ by content hash, so those are cached for a
year; index.html names them, so it is revalidated on every load (its ETag makes that a 304)
and a deploy shows at once. A path with no file and no extension is one of the app's own routes
(/book/clinic, /desk): index.html answers it and the app's router takes over.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from fastapi.responses import Response
from servicekit.docs import DOCS_PATH
from servicekit.problems import NotFound, Problem, render_problem
from servicekit.security_headers import WEB_APP_POLICY, is_api_path

from gateway.routes import path_segments

log = logging.getLogger(__name__)

INDEX = "index.html"
HASHED_FOLDER = "assets"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
READ_METHODS = ("GET", "HEAD")
# Beside servicekit.security_headers' nosniff and no-referrer, on every answer of the app.
APP_HEADERS = {"Content-Security-Policy": WEB_APP_POLICY, "X-Frame-Options": "DENY"}
# Python 3.11 calls .js application/javascript and knows neither web manifests nor woff2.
MEDIA_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".woff2": "font/woff2",
}
COMPRESSIBLE = ("text/", "application/json", "application/manifest+json", "image/svg+xml")
_GZIP_REFUSED = re.compile(r"^q\s*=\s*0(\.0*)?$")


class MethodNotAllowed(Problem):
    status, slug = 405, "method-not-allowed"


def is_app_path(path: str) -> bool:
    """Whether the web app answers the path: anything but the API and Swagger UI."""
    docs = path == DOCS_PATH or path.startswith(f"{DOCS_PATH}/")
    return not (docs or is_api_path(path))


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding value takes gzip (named, and not with q=0)."""
    for item in accept_encoding.split(","):
        coding, _, params = item.partition(";")
        if coding.strip().lower() == "gzip":
            return not _GZIP_REFUSED.match(params.strip().lower())
    return False


@dataclass(frozen=True)
class StaticFile:
    """One file of the app as it is answered: body, gzipped body (if worth it), headers."""

    body: bytes
    gzipped: bytes | None
    media_type: str
    cache_control: str
    etag: str

    @classmethod
    def read(cls, path: Path, name: str) -> StaticFile:
        """The file at `path`, served as `name` (its path inside the folder)."""
        body = path.read_bytes()
        media_type = MEDIA_TYPES.get(path.suffix.lower()) or (
            mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        )
        gzipped = None
        if media_type.startswith(COMPRESSIBLE):
            packed = gzip.compress(body, compresslevel=9, mtime=0)
            gzipped = packed if len(packed) < len(body) else None
        hashed = name.startswith(f"{HASHED_FOLDER}/")
        etag = hashlib.sha256(body).hexdigest()[:32]
        return cls(body, gzipped, media_type, IMMUTABLE if hashed else REVALIDATE, etag)

    def response(self, request: Request) -> Response:
        """The answer to a GET or HEAD of this file: gzipped if the client takes it, 304 if
        its copy is current."""
        body, etag = self.body, f'"{self.etag}"'
        headers = {**APP_HEADERS, "Cache-Control": self.cache_control}
        if self.gzipped is not None:
            headers["Vary"] = "Accept-Encoding"
            if accepts_gzip(request.headers.get("accept-encoding", "")):
                body, etag = self.gzipped, f'"{self.etag}-gzip"'  # one ETag per representation
                headers["Content-Encoding"] = "gzip"
        headers["ETag"] = etag
        if etag in _tags(request.headers.get("if-none-match", "")):
            return Response(status_code=304, headers=headers)
        headers["Content-Length"] = str(len(body))
        content = b"" if request.method == "HEAD" else body
        return Response(content, media_type=self.media_type, headers=headers)


def _tags(if_none_match: str) -> set[str]:
    # Weak comparison (RFC 9110 §13.1.2): W/"x" matches "x".
    return {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}


class WebApp:
    """The app's files by their path inside the folder."""

    def __init__(self, files: dict[str, StaticFile]) -> None:
        self.files = files

    @classmethod
    def load(cls, folder: Path) -> WebApp | None:
        """Every file of the folder, or None (and a warning) when it has no index.html."""
        root = folder.resolve()
        if not (root / INDEX).is_file():
            log.warning("no %s in %s: the web app is not served", INDEX, root)
            return None
        files = {}
        for path in sorted(root.rglob("*")):
            name = path.relative_to(root).as_posix()
            # Dot files (.vite/manifest.json, .env) are build or editor leftovers, not the app.
            hidden = any(part.startswith(".") for part in name.split("/"))
            if hidden or not path.is_file() or not path.resolve().is_relative_to(root):
                continue
            files[name] = StaticFile.read(path, name)
        log.info("serving the web app from %s: %d files", root, len(files))
        return cls(files)

    def answer(self, request: Request) -> Response:
        """The file the path names, index.html for the app's own routes, else 404 or 405."""
        path = request.scope["path"]
        if request.method not in READ_METHODS:
            allow = {"Allow": ", ".join(READ_METHODS)}
            return _refusal(MethodNotAllowed("The web app is only read.", headers=allow), path)
        segments = path_segments(path)
        if segments is None:  # `.` or `..` segments: never resolved, never served
            return _refusal(NotFound(f"The web app has no file at {path}."), path)
        found = self.files.get("/".join(segments) or INDEX)
        if found is None and "." not in segments[-1]:
            found = self.files[INDEX]  # a route of the app, which its router resolves
        if found is None:
            return _refusal(NotFound(f"The web app has no file at {path}."), path)
        return found.response(request)


def _refusal(problem: Problem, path: str) -> Response:
    problem.headers = {**problem.headers, **APP_HEADERS, "Cache-Control": "no-store"}
    return render_problem(problem, path)
