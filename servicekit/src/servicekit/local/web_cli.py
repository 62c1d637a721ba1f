"""clinic-web: build, test and type the web app (web/) with the Python lock's Node.js.

clinic-web build [--if-stale]   npm ci if needed, then npm run build (only when stale)
clinic-web test                 npm ci if needed, then the Vitest component tests
clinic-web openapi              web/openapi.json: the gateway's merged OpenAPI document
clinic-web gen-api              openapi, then npm run gen:api (web/src/api/schema.d.ts)
clinic-web check-api            fail when the committed schema.d.ts is not what gen-api makes
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence

from servicekit.local.web import (
    WEB_DIR_ENV,
    WebApp,
    WebBuildError,
    build,
    build_lock,
    default_web_dir,
    install_if_needed,
    npm_argv,
    npm_env,
)
from servicekit.local.web_api import GEN_API_COMMAND, api_drift, generate_api, write_openapi


def report(message: str) -> None:
    print(f"[clinic-web] {message}", flush=True)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="clinic-web",
        description="Build, test and type the web app with the Node.js of the Python lock.",
        epilog=f"The web app is web/ of this checkout unless {WEB_DIR_ENV} names another folder.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build_command = commands.add_parser("build", help="npm ci if needed, then npm run build")
    build_command.add_argument(
        "--if-stale",
        action="store_true",
        help="only when web/dist/index.html is missing or older than what the build reads",
    )
    build_command.set_defaults(run=run_build)
    test = commands.add_parser("test", help="npm ci if needed, then npm run test (Vitest)")
    test.set_defaults(run=run_tests)
    openapi = commands.add_parser("openapi", help="the gateway's OpenAPI into web/openapi.json")
    openapi.set_defaults(run=run_openapi)
    gen_api = commands.add_parser("gen-api", help="openapi, then npm run gen:api")
    gen_api.set_defaults(run=run_gen_api)
    check_api = commands.add_parser("check-api", help="fail when src/api/schema.d.ts is stale")
    check_api.set_defaults(run=run_check_api)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    web = WebApp(default_web_dir())
    try:
        code: int = args.run(args, web)
    except WebBuildError as error:
        print(f"clinic-web: {error}", file=sys.stderr, flush=True)
        return 1
    return code


def run_build(args: argparse.Namespace, web: WebApp) -> int:
    if not build(web, report, if_stale=args.if_stale):
        report(f"the web app is up to date ({web.show(web.index)})")
    return 0


def run_tests(args: argparse.Namespace, web: WebApp) -> int:
    web.check_present()
    with build_lock(web, report):
        install_if_needed(web, report)
    # The test runner's own output is the point here: streamed, not kept.
    return subprocess.run(npm_argv("run", "test"), cwd=web.root, env=npm_env()).returncode


def run_openapi(args: argparse.Namespace, web: WebApp) -> int:
    web.check_present()
    write_openapi(web.root / "openapi.json")
    report(f"wrote {web.show(web.root / 'openapi.json')}")
    return 0


def run_gen_api(args: argparse.Namespace, web: WebApp) -> int:
    generate_api(web, report)
    return 0


def run_check_api(args: argparse.Namespace, web: WebApp) -> int:
    drift = api_drift(web, report)
    if drift is None:
        report(f"{web.show(web.schema)} matches the services' OpenAPI document")
        return 0
    print(
        f"clinic-web: {web.show(web.schema)} is out of date with the services' API; "
        f"{drift}\nrun `{GEN_API_COMMAND}` and commit {web.show(web.schema)}",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
