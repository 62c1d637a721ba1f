"""The problem type catalogue: the Literal, the table, the source tree and the doc agree."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import get_args

import pytest
from servicekit.problem_types import (
    DOC_PATH,
    PROBLEM_TYPES,
    REGENERATE,
    ProblemSlug,
    ProblemType,
    main,
    markdown,
)

ROOT = Path(__file__).resolve().parents[3]
SOURCES = [
    ROOT / "servicekit/src",
    ROOT / "gateway/src",
    *sorted(p / "src" for p in (ROOT / "services").iterdir() if (p / "src").is_dir()),
]
PROBLEM_FUNCTIONS = {"problem_response"}
"""Functions taking the status first and the slug as `slug=`."""


CATALOGUE: dict[str, ProblemType] = {str(slug): kind for slug, kind in PROBLEM_TYPES.items()}


@dataclass
class ProblemClass:
    """A Problem subclass as written: its bases, and the status and slug it sets itself."""

    bases: list[str]
    status: int | None = None
    slug: str | None = None


@dataclass
class SourceScan:
    """Every slug the source answers, and the (status, slug) pairs it names together."""

    classes: dict[str, ProblemClass]
    slugs: dict[str, list[str]] = field(default_factory=dict)
    pairs: list[tuple[str, int | None, str | None]] = field(default_factory=list)
    dynamic: list[str] = field(default_factory=list)

    def found(self, value: ast.expr, where: str) -> str | None:
        """Record a slug expression; only literals and values typed ProblemSlug may appear."""
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            self.slugs.setdefault(value.value, []).append(where)
            return value.value
        if not (isinstance(value, ast.Name) and value.id == "slug") and not (
            isinstance(value, ast.Attribute) and value.attr == "slug"
        ):
            self.dynamic.append(f"{where}: slug={ast.unparse(value)}")
        return None

    def status_of(self, name: str) -> int | None:
        """The status a class answers with, its own or inherited."""
        known = self.classes.get(name)
        while known is not None and known.status is None:
            known = next((self.classes[b] for b in known.bases if b in self.classes), None)
        return known.status if known else None

    def slug_of(self, name: str) -> str | None:
        """The slug a class answers with, its own or inherited."""
        known = self.classes.get(name)
        while known is not None and known.slug is None:
            known = next((self.classes[b] for b in known.bases if b in self.classes), None)
        return known.slug if known else None


def _name(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")


def _int(node: ast.expr | None) -> int | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    return None


def _str(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _named_values(node: ast.Assign | ast.AnnAssign) -> dict[str, ast.expr]:
    """`status, slug = 409, "x"`, `slug = "x"` and `slug: ProblemSlug = "x"` by target name."""
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    values: dict[str, ast.expr] = {}
    for target in targets:
        if isinstance(target, ast.Name) and node.value is not None:
            values[target.id] = node.value
        elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
            for name, value in zip(target.elts, node.value.elts, strict=True):
                if isinstance(name, ast.Name):
                    values[name.id] = value
    return values


def _problem_class(node: ast.ClassDef) -> ProblemClass:
    known = ProblemClass([_name(base) for base in node.bases])
    for statement in node.body:
        if isinstance(statement, ast.Assign | ast.AnnAssign):
            values = _named_values(statement)
            known.status = _int(values.get("status")) or known.status
            known.slug = _str(values.get("slug")) or known.slug
    return known


def _scan_call(scan: SourceScan, call: ast.Call, where: str) -> None:
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    slug = scan.found(keywords["slug"], where) if "slug" in keywords else None
    function = _name(call.func)
    if function in PROBLEM_FUNCTIONS and call.args:
        scan.pairs.append((where, _int(call.args[0]), slug))
    elif function in scan.classes:
        status = _int(keywords.get("status")) or scan.status_of(function)
        scan.pairs.append((where, status, slug or scan.slug_of(function)))


def _scan_tree(scan: SourceScan, tree: ast.AST, path: str) -> None:
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign):
            values = _named_values(node)
            if "slug" in values:
                where = f"{path}:{node.lineno}"
                slug = scan.found(values["slug"], where)
                if "status" in values:
                    scan.pairs.append((where, _int(values["status"]), slug))
        elif isinstance(node, ast.Call):
            _scan_call(scan, node, f"{path}:{node.lineno}")


def _problem_classes(trees: list[ast.AST]) -> dict[str, ProblemClass]:
    """Every class that is, or descends from, servicekit's Problem, by name."""
    classes = {
        node.name: _problem_class(node)
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    }
    problems = {"Problem"}
    while grown := {n for n, c in classes.items() if n not in problems and problems & {*c.bases}}:
        problems |= grown
    return {name: classes[name] for name in problems}


@pytest.fixture(scope="module")
def scan() -> SourceScan:
    trees = {
        str(path.relative_to(ROOT)): ast.parse(path.read_text(encoding="utf-8"))
        for source in SOURCES
        for path in sorted(source.rglob("*.py"))
    }
    found = SourceScan(_problem_classes(list(trees.values())))
    for path, tree in trees.items():
        _scan_tree(found, tree, path)
    return found


def test_the_literal_and_the_table_hold_the_same_slugs() -> None:
    literal = list(get_args(ProblemSlug))
    assert literal == sorted(set(literal)), "keep ProblemSlug sorted and without repeats"
    assert list(PROBLEM_TYPES) == literal


def test_every_slug_the_source_answers_is_catalogued_and_none_more(scan: SourceScan) -> None:
    assert len(scan.slugs) > 60, "the scan found too few slugs to be trusted"
    uncatalogued = {s: w for s, w in scan.slugs.items() if s not in PROBLEM_TYPES}
    assert uncatalogued == {}, "add these to servicekit/problem_types.py"
    assert sorted(PROBLEM_TYPES.keys() - scan.slugs.keys()) == [], "no source answers these"


def test_slugs_only_travel_as_literals_or_typed_slug_values(scan: SourceScan) -> None:
    assert scan.dynamic == []


def test_every_status_named_with_a_slug_is_the_catalogued_one(scan: SourceScan) -> None:
    named = [(f"class {name}", scan.status_of(name), scan.slug_of(name)) for name in scan.classes]
    wrong = [
        f"{where}: {slug} answered with {status}"
        for where, status, slug in [*scan.pairs, *named]
        if slug in CATALOGUE and status not in CATALOGUE[slug].statuses
    ]
    assert wrong == []


def test_the_doc_lists_exactly_the_catalogue() -> None:
    doc = (ROOT / DOC_PATH).read_text(encoding="utf-8")
    assert doc == markdown(), "regenerate: " + REGENERATE
    listed = [line.split("`")[1] for line in doc.splitlines() if line.startswith("| `")]
    assert listed == list(PROBLEM_TYPES)


def test_check_fails_on_a_stale_doc(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "problem-types.md"
    assert main(["--check", "--doc", str(doc)]) == 1
    assert main([]) == 0
    doc.write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["--check", "--doc", str(doc)]) == 0
    doc.write_text(doc.read_text(encoding="utf-8").replace("| 409 |", "| 410 |"), encoding="utf-8")
    assert main(["--check", "--doc", str(doc)]) == 1
