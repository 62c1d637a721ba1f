"""A tiny npm project standing in for web/: real npm (the Python lock's Node.js), no registry.

Its one dependency is a local folder, so `npm ci` works offline and writes node_modules like a
real install. `npm run build` records each build in builds.log, waits FAKE_BUILD_SECONDS and
writes dist/index.html, or fails when src/fail exists; `gen:api` writes the sorted paths of
openapi.json to src/api/schema.d.ts.
"""

from __future__ import annotations

import json
from pathlib import Path

BUILD = """
import fs from "node:fs";
fs.appendFileSync("builds.log", `${process.pid}\\n`);
if (fs.existsSync("src/fail")) {
  console.error("boom: the build fails on purpose");
  process.exit(2);
}
await new Promise((done) => setTimeout(done, 1000 * Number(process.env.FAKE_BUILD_SECONDS ?? 0)));
fs.mkdirSync("dist/assets", { recursive: true });
fs.writeFileSync("dist/index.html", "<!doctype html><title>fake</title>");
"""
GEN_API = """
import fs from "node:fs";
const paths = Object.keys(JSON.parse(fs.readFileSync("openapi.json", "utf8")).paths).sort();
fs.writeFileSync("src/api/schema.d.ts", paths.map((path) => `// ${path}`).join("\\n") + "\\n");
"""
PACKAGE = {
    "name": "fake-web",
    "version": "1.0.0",
    "private": True,
    "type": "module",
    "dependencies": {"tool": "file:./tool"},
    "scripts": {
        "build": "node build.mjs",
        "test": "node -e \"console.log('fake tests: 3 passed')\"",
        "gen:api": "node gen-api.mjs",
    },
}
LOCK = {
    "name": "fake-web",
    "version": "1.0.0",
    "lockfileVersion": 3,
    "requires": True,
    "packages": {
        "": {"name": "fake-web", "version": "1.0.0", "dependencies": {"tool": "file:./tool"}},
        "node_modules/tool": {"resolved": "tool", "link": True},
        "tool": {"version": "1.0.0"},
    },
}


def make_fake_web(root: Path) -> Path:
    """The project in `root` (named web/ by the callers, as messages name it); `root`."""
    (root / "tool").mkdir(parents=True)
    (root / "tool" / "package.json").write_text('{"name": "tool", "version": "1.0.0"}\n')
    (root / "package.json").write_text(json.dumps(PACKAGE, indent=2) + "\n")
    (root / "package-lock.json").write_text(json.dumps(LOCK, indent=2) + "\n")
    (root / "build.mjs").write_text(BUILD)
    (root / "gen-api.mjs").write_text(GEN_API)
    (root / "index.html").write_text("<!doctype html><title>fake</title>\n")
    (root / "src" / "api").mkdir(parents=True)
    (root / "src" / "main.ts").write_text("export const answer = 42;\n")
    return root


def builds(root: Path) -> int:
    """How many times `npm run build` ran."""
    log = root / "builds.log"
    return len(log.read_text().split()) if log.exists() else 0
