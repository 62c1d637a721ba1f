"""The web app's API types (web/src/api/schema.d.ts), generated from the gateway's OpenAPI."""

from __future__ import annotations

import difflib
import json
import shutil
import tempfile
from pathlib import Path

from servicekit.local.web import Report, WebApp, build_lock, install_if_needed, run_npm

GEN_API_COMMAND = "uv run --frozen clinic-web gen-api"
DIFF_LINES_SHOWN = 40


def write_openapi(path: Path) -> None:
    """The gateway's merged document (what GET /openapi.json answers), built in-process."""
    # Imported here: only this command needs the gateway and, through it, every service.
    from gateway.openapi_export import export_openapi

    path.write_text(json.dumps(export_openapi(), indent=2) + "\n")


def generate_api(web: WebApp, report: Report) -> None:
    """web/openapi.json from the services, then `npm run gen:api` into src/api/schema.d.ts."""
    web.check_present()
    write_openapi(web.root / "openapi.json")
    report(f"wrote {web.show(web.root / 'openapi.json')}")
    with build_lock(web, report):
        install_if_needed(web, report)
    run_npm(web, "run", "gen:api")
    report(f"wrote {web.show(web.schema)}")


def api_drift(web: WebApp, report: Report) -> str | None:
    """None when the committed schema.d.ts is what `gen-api` makes now, else a diff summary."""
    web.check_present()
    with build_lock(web, report):
        install_if_needed(web, report)
    with tempfile.TemporaryDirectory(prefix="clinic-web-api-") as scratch:
        fresh = _generate_elsewhere(web, Path(scratch))
        committed = web.schema.read_text() if web.schema.exists() else ""
        if fresh == committed:
            return None
    diff = list(
        difflib.unified_diff(
            committed.splitlines(),
            fresh.splitlines(),
            f"{web.show(web.schema)} (committed)",
            f"{web.show(web.schema)} (from the services now)",
            lineterm="",
        )
    )
    changed = sum(1 for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---"))
    hidden = len(diff) - DIFF_LINES_SHOWN
    more = f"\n... and {hidden} more lines of diff" if hidden > 0 else ""
    lines = "1 line differs" if changed == 1 else f"{changed} lines differ"
    return f"{lines}:\n" + "\n".join(diff[:DIFF_LINES_SHOWN]) + more


def _generate_elsewhere(web: WebApp, scratch: Path) -> str:
    """Run the project's own `gen:api` script in a scratch copy of web/'s top-level files, so
    the working tree is left alone (other work may be going on in it) and whatever the script
    does besides openapi-typescript (a formatter, a config file it reads) is done the same."""
    for entry in web.root.iterdir():
        if entry.is_file() and entry.name != "openapi.json":
            shutil.copy2(entry, scratch / entry.name)
    (scratch / "node_modules").symlink_to(web.root / "node_modules")
    (scratch / web.schema.parent.relative_to(web.root)).mkdir(parents=True)
    write_openapi(scratch / "openapi.json")
    run_npm(web, "run", "gen:api", cwd=scratch)
    return (scratch / web.schema.relative_to(web.root)).read_text()
