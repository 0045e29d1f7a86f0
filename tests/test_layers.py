"""The layers of app/ (docs/architecture.md, "Layers"), held by reading every import.

Every import statement in app/ is read with ``ast``, those inside functions and under TYPE_CHECKING
included, and the test fails on
  (a) an import that runs up a layer (a module may import its own layer and the layers below it;
      within the capability layer one package may use another only through the public modules that
      package names in PUBLIC in its __init__.py),
  (b) an import cycle between packages (app.X, where X is a package or a top-level module),
  (c) an import of another package's private name (``_name``) or private module.
Adding a module means placing it here: a module no layer claims fails the test.
"""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app"

# From the ground up. A module belongs to the layer of the longest prefix that names it.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    # plain helpers with no store: text, files, settings, translations, user errors, keys, the
    # spreadsheet cell readers and search pairs several capabilities share, the printing toolkit
    ("base", ("app", "app.errors", "app.text", "app.files", "app.i18n", "app.config", "app.logsetup",
              "app.resources", "app.keys", "app.sheets", "app.searchtext", "app.printing", "app.workbook",
              "app.leftovers", "app.guide_pdf")),
    # the storage engine (Base, Store, engines, no model), the event log, backups of the file, the demo's step registry
    ("storage", ("app.storage", "app.events", "app.backup", "app.demo_registry")),
    # the register everyone uses; masking recognises ID numbers and credit codes by their check characters
    ("people", ("app.people", "app.masking")),
    # the capabilities: each uses another only through the public modules that one declares (PUBLIC in its __init__)
    ("capabilities", ("app.attachments", "app.accounts", "app.finance", "app.disclosure", "app.meetings",
                      "app.certificates")),
    ("sync", ("app.sync",)),
    ("hub", ("app.hub",)),
    # the model list, migrations and quick start-up reads; cunwu check; restore's checks; the demo village
    ("schema", ("app.schema", "app.check", "app.restore", "app.demo", "app.demo_data")),
    # the township's side that needs a village's whole store: a read-only copy of a village built from the hub's
    # records (so the village's own read and print code runs on it) and the township demo built from demo villages;
    # the hub as a network service and its public pages, which show a village's notices as the village printed them
    ("township", ("app.hub.village_copy", "app.hub.township_demo", "app.hub.server", "app.hub.public")),
    ("cli", ("app.cli", "app.__main__")),
]



def public_modules(package: str) -> frozenset[str]:
    """What a capability lets its neighbours in the capability layer import: a one-module capability
    (app.attachments) is public as a whole; a package names its public modules in ``PUBLIC`` in its
    __init__.py (read here, not imported); a package without it lets nothing out."""
    if package in MODULES and MODULES[package].name != "__init__.py":
        return frozenset({package})
    for node in ast.parse(MODULES[package].read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "PUBLIC" for t in node.targets):
            return frozenset(f"{package}.{name}" for name in ast.literal_eval(node.value))
    return frozenset()


LAYER_NAMES = [name for name, _prefixes in LAYERS]


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(APP.rglob("*.py")):
        parts = list(path.relative_to(APP.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def layer_of(module: str) -> int | None:
    best, found = -1, None
    for index, (_name, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            # "app" names the package's own __init__ only, not everything under it
            if (module == prefix or (prefix != "app" and module.startswith(prefix + "."))) and len(prefix) > best:
                best, found = len(prefix), index
    return found


def package_of(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _private(name: str) -> bool:
    return name.startswith("_") and name != "_" and not (name.startswith("__") and name.endswith("__"))


def imports(module: str, path: Path) -> list[tuple[str, str | None, int]]:
    """(imported module, name taken from it or None, line) for every import of app code in ``module``."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out += [(alias.name, None, node.lineno) for alias in node.names if alias.name.split(".")[0] == "app"]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
                package = package[:len(package) - node.level + 1]
                base = ".".join(package + ([base] if base else []))
            if base.split(".")[0] != "app":
                continue
            for alias in node.names:
                full = f"{base}.{alias.name}"
                out.append((full, None, node.lineno) if full in MODULES else (base, alias.name, node.lineno))
    return out


def edges() -> list[tuple[str, str, str | None, int]]:
    return [(module, target, name, line) for module, path in MODULES.items()
            for target, name, line in imports(module, path)]


def test_every_module_has_a_layer():
    missing = sorted(m for m in MODULES if layer_of(m) is None)
    assert not missing, "modules no layer claims (add them to LAYERS and docs/architecture.md): " + ", ".join(missing)


def test_no_import_runs_up_a_layer():
    capabilities = LAYER_NAMES.index("capabilities")
    wrong = []
    for module, target, name, line in edges():
        if target not in MODULES:
            wrong.append(f"{module}:{line} imports {target}, which is not a module of app/")
            continue
        mine, theirs = layer_of(module), layer_of(target)
        if mine is None or theirs is None:
            continue  # reported by test_every_module_has_a_layer
        what = f"{module} (line {line}) imports {target}" + (f".{name}" if name else "")
        if theirs > mine:
            wrong.append(f"{what}: {LAYER_NAMES[mine]} must not use {LAYER_NAMES[theirs]}, a layer above it")
        elif (theirs == mine == capabilities and package_of(module) != package_of(target)
              and target not in public_modules(package_of(target))):
            wrong.append(f"{what}: {package_of(target)} does not declare {target.rsplit('.', 1)[-1]} in PUBLIC")
    assert not wrong, "imports that break the layers:\n" + "\n".join(wrong)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _shortest_cycle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """The shortest round trip inside a strongly connected component, e.g. [a, b, a]."""
    best: list[str] = []
    for start in component:
        paths = {start: [start]}
        queue = [start]
        while queue:
            v = queue.pop(0)
            for w in sorted(graph.get(v, ())):
                if w == start and (not best or len(paths[v]) + 1 < len(best)):
                    best = paths[v] + [start]
                elif w in component and w not in paths:
                    paths[w] = paths[v] + [w]
                    queue.append(w)
    return best


def test_no_import_cycle_between_packages():
    graph: dict[str, set[str]] = {}
    why: dict[tuple[str, str], str] = {}
    for module, target, _name, line in edges():
        a, b = package_of(module), package_of(target)
        if a != b:
            graph.setdefault(a, set()).add(b)
            why.setdefault((a, b), f"{module}:{line} -> {target}")
    cycles = _cycles(graph)
    report = []
    for component in cycles:
        path = _shortest_cycle(graph, component)
        report.append(" -> ".join(path) + "\n    " + "\n    ".join(why[(a, b)] for a, b in zip(path, path[1:])))
    assert not cycles, "packages that import each other:\n" + "\n".join(report)


def test_no_import_of_another_package_s_private_names():
    wrong = []
    for module, target, name, line in edges():
        if package_of(module) == package_of(target):
            continue
        private_module = any(_private(part) for part in target.split("."))
        if private_module or (name is not None and _private(name)):
            wrong.append(f"{module} (line {line}) imports {target}" + (f".{name}" if name else ""))
    assert not wrong, "private names of another package:\n" + "\n".join(wrong)


def test_the_reader_sees_imports_inside_functions_and_relative_imports(tmp_path):
    source = tmp_path / "probe.py"
    source.write_text("def f():\n    from app.hub import service\n    from .. import errors\n", encoding="utf-8")
    found = imports("app.people.probe", source)
    assert ("app.hub.service", None, 2) in found and ("app.errors", None, 3) in found
