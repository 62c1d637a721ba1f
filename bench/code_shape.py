"""Print the code-shape figures issue 20 asks for, so a refactor's before and after are measured.

Run: uv run --frozen python bench/code_shape.py [--mypy] [--duplicates]

- modules over 300 lines and functions over 40 lines in the packages' src/ (tests excluded);
- SQL statements (SQLAlchemy select/insert/update/delete/text and raw SQL strings) outside
  repository modules, per service;
- with --duplicates: pairs the `duplicates` tool finds between two different packages;
- with --mypy: strict mypy errors in the tests folders.
"""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {
    "contracts": ROOT / "contracts/src",
    "servicekit": ROOT / "servicekit/src",
    "gateway": ROOT / "gateway/src",
    **{p.name: p / "src" for p in sorted((ROOT / "services").iterdir()) if (p / "src").is_dir()},
}
TEST_DIRS = [
    "servicekit/tests",
    "gateway/tests",
    *[f"services/{n}/tests" for n in PACKAGES if (ROOT / "services" / n).is_dir()],
]
SQL_BUILDERS = {"select", "insert", "update", "delete", "text", "pg_insert"}
RAW_SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\s", re.IGNORECASE)


def source_files(src: Path) -> list[Path]:
    return [p for p in sorted(src.rglob("*.py")) if "migrations" not in p.parts]


def is_repository(path: Path) -> bool:
    return (
        path.stem == "repository" or "repository" in path.parts or path.stem.endswith("_repository")
    )


def sql_statements(tree: ast.AST, *, ddl: bool) -> int:
    """SQLAlchemy statement builders called by name, and raw SQL strings; not route decorators
    (`@router.delete`), nor `text()` in a models module (server defaults, index conditions)."""
    decorators = {
        id(decorator)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for decorator in node.decorator_list
    }
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and id(node) not in decorators:
            func = node.func
            name = func.id if isinstance(func, ast.Name) else ""
            count += name in SQL_BUILDERS and not (ddl and name == "text")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            count += bool(RAW_SQL.match(node.value))
    return count


def shape() -> None:
    long_modules: list[tuple[int, str]] = []
    long_functions: list[tuple[int, str]] = []
    sql_outside: Counter[str] = Counter()
    sql_total: Counter[str] = Counter()
    for package, src in PACKAGES.items():
        for path in source_files(src):
            text = path.read_text()
            rel = str(path.relative_to(ROOT))
            lines = text.count("\n")
            if lines > 300:
                long_modules.append((lines, rel))
            tree = ast.parse(text)
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    length = (node.end_lineno or node.lineno) - node.lineno + 1
                    if length > 40:
                        long_functions.append((length, f"{rel}:{node.lineno} {node.name}"))
            statements = sql_statements(tree, ddl=path.stem == "models")
            sql_total[package] += statements
            if not is_repository(path):
                sql_outside[package] += statements
    print(f"modules over 300 lines (src, tests excluded): {len(long_modules)}")
    for lines, rel in sorted(long_modules, reverse=True):
        print(f"  {lines:5d}  {rel}")
    print(f"functions over 40 lines (src, tests excluded): {len(long_functions)}")
    for length, where in sorted(long_functions, reverse=True):
        print(f"  {length:5d}  {where}")
    print("SQL statements outside repository modules / all, per package:")
    for package in PACKAGES:
        if sql_total[package]:
            print(f"  {package:12s} {sql_outside[package]:4d} / {sql_total[package]}")
    print(f"  {'total':12s} {sum(sql_outside.values()):4d} / {sum(sql_total.values())}")


def package_of(place: str) -> str:
    parts = place.split("/")
    return parts[1] if parts[0] == "services" and len(parts) > 1 else parts[0]


def duplicates() -> None:
    out = subprocess.run(
        ["duplicates", "--most", "200", "--seconds", "120"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    rows = [line for line in out.splitlines() if re.match(r"^D\d+ ", line)]
    across = []
    for row in rows:
        places = re.findall(r"(\S+\.\w+):\d+-\d+", row)
        if "migrations" in row:
            continue  # Alembic revisions share their header by design
        if len(places) == 2 and package_of(places[0]) != package_of(places[1]):
            across.append(row)
    print(out.splitlines()[0] if out else "duplicates printed nothing")
    print(
        f"duplicate pairs across packages, migrations aside: {len(across)}"
        f" (of the {len(rows)} listed)"
    )
    for row in across:
        print(f"  {row}")


def mypy_tests() -> None:
    dirs = [d for d in TEST_DIRS if (ROOT / d).is_dir()]
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", *dirs],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    errors = [line for line in out.splitlines() if ": error:" in line]
    per_dir = Counter(next((d for d in dirs if line.startswith(d)), "other") for line in errors)
    print(f"strict mypy errors in tests: {len(errors)}")
    for folder, count in per_dir.most_common():
        print(f"  {count:5d}  {folder}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--mypy", action="store_true", help="also count strict mypy errors in tests"
    )
    parser.add_argument(
        "--duplicates", action="store_true", help="also count duplicate pairs across packages"
    )
    args = parser.parse_args()
    shape()
    if args.duplicates:
        duplicates()
    if args.mypy:
        mypy_tests()


if __name__ == "__main__":
    main()
