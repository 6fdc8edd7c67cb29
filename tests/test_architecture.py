"""The codebase's shape (docs/architecture.md): apps import one way only, and no module
imports itself back through others.

Layers, bottom up: accounts, contacts, debriefs. An app may import from the apps below it,
never from one above. Imports inside functions count too: a lazy import is still a
dependency, and hiding a loop inside a function does not remove it.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["accounts", "contacts", "debriefs"]  # bottom up


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    modules = {}
    for app in LAYERS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                modules[module_name(path)] = path
    return modules


def imports_of(name: str, path: Path) -> set[str]:
    """Every module `name` imports, absolute, wherever the import stands in the file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            found.add(target)
            # `from . import views` names a module, not an attribute.
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


MODULES = project_modules()
GRAPH = {
    name: {imported for imported in imports_of(name, path) if imported in MODULES}
    for name, path in MODULES.items()
}


def layer(module: str) -> int:
    return LAYERS.index(module.split(".")[0])


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_imports_from_an_app_above_its_own(module):
    upward = sorted(
        imported for imported in GRAPH[module] if layer(imported) > layer(module)
    )
    assert upward == [], f"{module} imports from an app above it: {upward}"


def test_no_import_loops_between_modules():
    loops, state = [], {}

    def visit(module, path):
        state[module] = "open"
        for imported in sorted(GRAPH[module]):
            # A package imports its own submodules to re-export them: not a loop.
            if imported.startswith(module + "."):
                continue
            if state.get(imported) == "open":
                loops.append(path[path.index(imported):] + [imported])
            elif imported not in state:
                visit(imported, path + [imported])
        state[module] = "done"

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    assert loops == [], "import loops: " + "; ".join(" -> ".join(loop) for loop in loops)


def test_the_checks_see_every_app_and_their_imports():
    # Guards the checks themselves: a parser that found nothing would pass vacuously.
    assert {name.split(".")[0] for name in MODULES} == set(LAYERS)
    assert "contacts.models" in GRAPH["debriefs.models"]
    assert "debriefs.models" in GRAPH["debriefs.views.meetings"]


# Spelt in two parts so that this file does not match itself.
OUTSIDE = ("METHOD" + ".md", "../" + "shared")


def test_no_file_points_outside_the_repository():
    # A user's clone has only this repository: comments cite docs/, never a sibling folder.
    offenders = [
        str(path.relative_to(ROOT))
        for pattern in ("*.py", "*.html", "Makefile", "run")
        for path in ROOT.rglob(pattern)
        if ".venv" not in path.parts and "node_modules" not in path.parts
        and path.is_file()
        and any(marker in path.read_text(errors="ignore") for marker in OUTSIDE)
    ]
    assert offenders == []
