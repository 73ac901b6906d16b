"""Every problem code is a value of a documented catalogue: none is made up on the spot, none is
left out of the reference, and a problem cannot be raised with a code spelt as text."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from geonotice.policy.case_codes import CATALOGUE as CASE_CATALOGUE
from geonotice.rules.codes import CATALOGUE as RULES_CATALOGUE
from geonotice.yamlcheck import Problem, ProblemCode
from geonotice.yamlcheck.codes import SYNTAX

SRC = Path(__file__).resolve().parents[2] / "src"


def _is_code_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "ProblemCode"


def definitions() -> tuple[list[tuple[str, str]], list[str]]:
    """``(module, name)`` of every ``NAME = ProblemCode(...)`` at module level, and the places of any
    other ``ProblemCode(...)`` call."""
    constants: list[tuple[str, str]] = []
    elsewhere: list[str] = []
    for path in sorted((SRC / "geonotice").rglob("*.py")):
        module = ".".join(path.relative_to(SRC).with_suffix("").parts)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        at_top = set()
        for statement in tree.body:
            if isinstance(statement, ast.Assign) and _is_code_call(statement.value):
                for target in statement.targets:
                    assert isinstance(target, ast.Name)
                    constants.append((module, target.id))
                at_top.add(id(statement.value))
        elsewhere += [
            f"{path}:{node.lineno}"
            for node in ast.walk(tree)
            if _is_code_call(node) and id(node) not in at_top
        ]
    return constants, elsewhere


def test_codes_are_only_made_as_module_constants() -> None:
    constants, elsewhere = definitions()
    assert len(constants) > 40, "the scan found too few codes to be looking in the right place"
    assert elsewhere == []


def test_every_code_defined_anywhere_is_in_a_catalogue() -> None:
    catalogued = {id(code) for code in (*RULES_CATALOGUE, *CASE_CATALOGUE)}
    constants, _ = definitions()
    missing = [
        f"{module}.{name}"
        for module, name in constants
        if id(getattr(importlib.import_module(module), name)) not in catalogued
    ]
    assert missing == []


def test_a_problem_needs_a_code_from_a_catalogue_not_its_name() -> None:
    with pytest.raises(TypeError, match="ProblemCode"):
        Problem("a.yaml", 1, 1, "broken", "syntax")  # type: ignore[arg-type]


def test_the_code_sets_the_level_and_prints_as_its_name() -> None:
    problem = Problem("a.yaml", 2, 3, "syntax error: no", SYNTAX)
    assert (problem.level, problem.is_error, str(problem.code)) == ("error", True, "syntax")
    assert problem.as_dict()["code"] == "syntax"
    assert isinstance(problem.code, ProblemCode)
