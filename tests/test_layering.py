"""The import graph keeps the layers of README "How the code is organised": each app imports
only the apps below it (portal <- partnerships <- support, events <- clips, evaluations <-
reports, with bench on top), never the project's ``config``, and no two modules import each
other, even through others or from inside a function."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The layer of each app: an app may import an app of a lower layer only. support and events
# share a layer, so neither imports the other; so do evaluations (of events) and clips.
LAYERS = {
    "portal": 0,
    "partnerships": 1,
    "support": 2,
    "events": 2,
    "evaluations": 3,
    "clips": 3,
    "reports": 4,
    "bench": 5,
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_sources() -> dict[str, str]:
    """Every module of the apps and of ``config`` (migrations left out), by dotted name."""
    sources = {}
    for top in (*LAYERS, "config"):
        for path in (ROOT / top).rglob("*.py"):
            if "migrations" not in path.parts:
                sources[_module_name(path)] = path.read_text()
    return sources


def imports_of(name: str, source: str, known: set[str]) -> set[str]:
    """The project modules ``name`` imports, wherever the import stands (top level or in a
    function). ``from a import b`` counts as importing ``a.b`` when that is a module."""
    found = set()
    package = name if f"{name}.__init__" in known else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def graph(sources: dict[str, str]) -> dict[str, set[str]]:
    known = set(sources)
    return {name: imports_of(name, source, known) for name, source in sources.items()}


def layering_violations(edges: dict[str, set[str]]) -> list[str]:
    bad = []
    for name, targets in sorted(edges.items()):
        app = name.split(".")[0]
        for target in sorted(targets):
            other = target.split(".")[0]
            if other == app:
                continue
            if app != "config" and other == "config":
                bad.append(f"{name} imports {target}: apps do not import the project's config")
            elif app in LAYERS and other in LAYERS and LAYERS[other] >= LAYERS[app]:
                bad.append(f"{name} imports {target}: {other} is not below {app}")
    return bad


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_apps_import_only_the_layers_below_them():
    assert layering_violations(graph(project_sources())) == []


def test_no_import_cycle_between_modules():
    assert cycles(graph(project_sources())) == []


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        ({"portal.web": "from reports import views", "reports.views": ""}, "not below portal"),
        ({"support.hooks": "import events.models", "events.models": ""}, "not below support"),
        ({"clips.views": "from config.celery import app", "config.celery": ""}, "config"),
    ],
)
def test_layering_check_catches_an_import_upwards(sources, expected):
    violations = layering_violations(graph(sources))
    assert len(violations) == 1 and expected in violations[0]


def test_cycle_check_catches_a_cycle_hidden_in_a_function():
    sources = {
        "portal.a": "import portal.b",
        "portal.b": "def f():\n    from portal import c\n",
        "portal.c": "from portal.a import x",
    }
    assert cycles(graph(sources)) == [["portal.a", "portal.b", "portal.c"]]


def private_imports(sources: dict[str, str]) -> list[str]:
    """``from module import _name`` across modules (ruff's SLF001 sees only ``module._name``)."""
    found = []
    for name, source in sorted(sources.items()):
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and node.module != name:
                found += [
                    f"{name} imports {node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_") and not alias.name.startswith("__")
                ]
    return found


def test_no_private_helper_is_used_across_modules():
    assert private_imports(project_sources()) == []


def test_private_import_check_catches_one():
    sources = {"clips.tasks": "from clips.selectors import _base_candidates"}
    assert private_imports(sources) == ["clips.tasks imports clips.selectors._base_candidates"]
