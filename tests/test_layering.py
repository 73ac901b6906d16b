"""What may import what inside ``src/geonotice`` (docs/architecture.md explains the layers).

Every ``import`` and ``from ... import`` of a geonotice module counts, also those made inside a
function or under ``TYPE_CHECKING``: an import made late still ties two parts together. A part is
a subpackage (``locate``) or a top-level module (``settings``).
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "geonotice"

# The small modules everything may use: they import none of the steps.
FOUNDATION = {"errors", "region", "place_names", "_watch", "importer"}
# The front ends and the demo: what sits on top of the library.
FRONT = {"middleware", "settings", "policy", "cli", "demo"}
# Parts → parts they must never import, and why.
FORBIDDEN: dict[str, tuple[set[str], str]] = {
    "yamlcheck": (
        {"errors", "region", "place_names", "_watch", "importer", "locate", "rules", "inject", "edge"}
        | {"observe", "policy"}
        | FRONT,
        "a YAML toolkit that knows neither the rules nor the policy cases",
    ),
    "locate": (
        {"rules", "inject", "edge", "observe"} | FRONT,
        "finding a region knows nothing of notices",
    ),
    "rules": (
        {"locate", "inject", "edge", "observe"} | FRONT,
        "deciding knows nothing of addresses or of responses",
    ),
    "inject": (
        {"locate", "edge", "observe"} | FRONT,
        "the response is changed from a Decision alone",
    ),
    "edge": ({"inject", "observe"} | FRONT, "edge configs are made from the rules' variants"),
    "observe": (FRONT, "the metrics and evidence follow the steps, never the front ends"),
    "settings": ({"middleware", "policy", "cli", "demo"}, "the middleware and the commands read it"),
    "middleware": ({"policy", "cli", "demo"}, "the library's entry point"),
    "policy": ({"cli", "demo"}, "the commands call it"),
    "demo": ({"cli", "policy"}, "the demo site is an application like any other"),
    **{part: (FRONT | {"locate", "rules", "inject", "edge", "observe"}, "foundation") for part in FOUNDATION},
}


def part_of(module: str) -> str:
    """``geonotice.locate.cdn`` → ``locate``; ``geonotice.settings`` → ``settings``."""
    return module.split(".")[1]


def imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) of each geonotice module ``path`` imports; ``from geonotice import X`` is
    ``geonotice``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("geonotice."):
                    yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module is not None and node.level == 0:
            if node.module == "geonotice":
                yield node.lineno, "geonotice"
            elif node.module.startswith("geonotice."):
                yield node.lineno, node.module


def source_files() -> list[tuple[str, Path]]:
    files = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        if relative == Path("__init__.py"):
            continue  # the package's public API re-exports from every part
        files.append((relative.parts[0].removesuffix(".py"), path))
    return files


@functools.cache
def edges() -> dict[tuple[str, str], list[str]]:
    """(importer part, imported part) → where (``file:line``)."""
    found: dict[tuple[str, str], list[str]] = {}
    for part, path in source_files():
        for line, module in imports(path):
            target = "geonotice" if module == "geonotice" else part_of(module)
            if target != part:
                found.setdefault((part, target), []).append(f"{path.relative_to(SRC.parent)}:{line}")
    return found


def test_every_part_is_known_to_the_rules() -> None:
    parts = {part for part, _ in source_files()}
    assert parts == set(FORBIDDEN) | {"cli"}, "a new part: say in FORBIDDEN what it must not import"


@pytest.mark.parametrize("part", sorted(FORBIDDEN))
def test_no_part_imports_what_it_must_not(part: str) -> None:
    forbidden, why = FORBIDDEN[part]
    wrong = {
        f"{part} -> {target}: {', '.join(places)}"
        for (source, target), places in edges().items()
        if source == part and target in forbidden
    }
    assert not wrong, f"{part} must not import these ({why}):\n" + "\n".join(sorted(wrong))


def test_nothing_inside_the_package_imports_the_package_itself() -> None:
    # ``from geonotice import X`` pulls in the public API, and with it every part.
    wrong = [places for (_, target), places in edges().items() if target == "geonotice"]
    assert not wrong


def test_only_the_commands_import_the_commands() -> None:
    assert not [source for source, target in edges() if target == "cli" and source != "cli"]


def test_the_parts_import_each_other_without_a_cycle() -> None:
    graph: dict[str, set[str]] = {}
    for source, target in edges():
        graph.setdefault(source, set()).add(target)
    done: set[str] = set()

    def visit(part: str, path: tuple[str, ...]) -> None:
        assert part not in path, "an import cycle: " + " -> ".join((*path, part))
        if part in done:
            return
        for target in sorted(graph.get(part, ())):
            visit(target, (*path, part))
        done.add(part)

    for part in sorted(graph):
        visit(part, ())


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "probe.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from geonotice.middleware import GeoNoticeMiddleware\n"
        "def later():\n"
        "    import geonotice.cli.run\n"
    )
    assert sorted(imports(module)) == [(3, "geonotice.middleware"), (5, "geonotice.cli.run")]
