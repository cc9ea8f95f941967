"""What import-linter cannot see: the protocol calls no runtime object, no import cycle, no oversized module."""

from __future__ import annotations

import ast
import inspect
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROTOCOLS = ROOT / "neuromem" / "protocols.py"
#: A module does one job and reads in one sitting.
MAX_LINES = 350
#: Compiled kernels: one numba function per loop cannot be cut without cost.
EXEMPT = {"neuromem/engines/numba/kernels.py"}
#: Modules over the limit being split in their own change (none: keep it empty).
KNOWN_OVERSIZED: set = set()
#: Import cycles (through function-level imports) being removed in their own change (none: keep it empty).
KNOWN_CYCLES: list = []


def _layers() -> list[set[str]]:
    """The import-linter layers of pyproject.toml, top down, each a set of module names."""
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    layers = next(c for c in conf if c["type"] == "layers")["layers"]
    return [set(re.findall(r"neuromem(?:\.\w+)+", layer)) for layer in layers]


def _layer_of(module: str, layers) -> int | None:
    for i, names in enumerate(layers):
        if any(module == n or module.startswith(n + ".") for n in names):
            return i
    return None


def upward_imports(source: str, module: str) -> list[str]:
    """neuromem modules imported by ``source`` (the module ``module``) from its own layer or above."""
    layers = _layers()
    own = _layer_of(module, layers)
    out = []
    for node in ast.walk(ast.parse(source)):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
        for name in names:
            if name.startswith("neuromem") and name != module:
                where = _layer_of(name, layers)
                if where is not None and where <= own:
                    out.append(name)
    return out


def _runtime_methods() -> set[str]:
    from neuromem.engines.base import Engine
    from neuromem.engram import EngramNetwork
    from neuromem.latents import LatentSpace, ModalityLatents
    from neuromem.session import Session

    def public(cls):
        return {n for n, _ in inspect.getmembers(cls) if not n.startswith("_")}

    return (public(EngramNetwork) | public(Session) | public(Engine)) - public(LatentSpace) - public(ModalityLatents)


def runtime_calls(source: str) -> list[str]:
    """Calls of a runtime object's methods on a function parameter, and parameters named after runtime objects."""
    methods = _runtime_methods()
    out = []
    for fn in ast.walk(ast.parse(source)):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        params = {a.arg for a in fn.args.args + fn.args.kwonlyargs + fn.args.posonlyargs} - {"self", "cls"}
        out += [f"{fn.name}({p})" for p in params if p in ("net", "network", "engine", "session")]
        for call in ast.walk(fn):
            f = getattr(call, "func", None) if isinstance(call, ast.Call) else None
            if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in params \
                    and f.attr in methods:
                out.append(f"{fn.name}: {f.value.id}.{f.attr}()")
    return out


#: What protocols.py held before the session took over (a duck-typed call three floors up).
_OLD_PROTOCOL = '''
from neuromem.engram import EngramNetwork

class TrialSequence:
    def rates(self, net, space):
        out = net.background()
        return net.rates(self.stimuli(space, [0]))

def drive_of(trials, model):
    return model.drive(trials)
'''


def test_protocol_imports_nothing_above_it_and_calls_no_runtime_object():
    source = PROTOCOLS.read_text()
    assert upward_imports(source, "neuromem.protocols") == []
    assert runtime_calls(source) == []


def test_the_protocol_checks_catch_the_old_protocol():
    assert upward_imports(_OLD_PROTOCOL, "neuromem.protocols") == ["neuromem.engram"]
    found = runtime_calls(_OLD_PROTOCOL)
    assert "rates(net)" in found and "rates: net.background()" in found and "rates: net.rates()" in found
    assert "drive_of: model.drive()" in found  # any parameter name: the method names a runtime object's method


def test_protocol_sits_below_the_runtime_layer():
    layers = _layers()
    assert _layer_of("neuromem.protocols", layers) > _layer_of("neuromem.session", layers)
    assert _layer_of("neuromem.protocols", layers) > _layer_of("neuromem.engines", layers)


# ---- module size --------------------------------------------------------------------------
def oversized(root: Path, limit: int = MAX_LINES) -> dict:
    """``{path relative to root: line count}`` of every module under ``root/neuromem`` over ``limit`` lines."""
    out = {}
    for p in sorted((root / "neuromem").rglob("*.py")):
        n = len(p.read_text().splitlines())
        if n > limit:
            out[p.relative_to(root).as_posix()] = n
    return out


def test_no_new_module_over_the_size_limit():
    new = {p: n for p, n in oversized(ROOT).items() if p not in EXEMPT | KNOWN_OVERSIZED}
    assert new == {}, f"split these modules by job (at most {MAX_LINES} lines each): {new}"


def test_size_count_sees_a_long_module(tmp_path):
    (tmp_path / "neuromem").mkdir()
    (tmp_path / "neuromem" / "long.py").write_text("x = 1\n" * (MAX_LINES + 1))
    (tmp_path / "neuromem" / "short.py").write_text("x = 1\n" * MAX_LINES)
    assert oversized(tmp_path) == {"neuromem/long.py": MAX_LINES + 1}


# ---- import cycles, function-level imports included ---------------------------------------
def _module_names(root: Path) -> dict:
    out = {}
    for p in sorted((root / "neuromem").rglob("*.py")):
        parts = p.relative_to(root).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = p
    return out


def import_graph(root: Path) -> dict:
    """``{module: set of neuromem modules it imports anywhere in its body}`` (relative imports resolved)."""
    mods = _module_names(root)
    graph = {}
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        edges = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    target = alias.name
                    while target and target not in mods:
                        target = target.rsplit(".", 1)[0] if "." in target else ""
                    if target:
                        edges.add(target)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[:len(parts) - node.level + 1] + ([node.module] if node.module else []))
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    if full in mods:
                        edges.add(full)
                    elif base in mods:
                        edges.add(base)
        graph[name] = edges - {name}
    return graph


def import_cycles(graph: dict) -> list[set]:
    """Strongly connected groups of two or more modules (Tarjan), each a set."""
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(group)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle_function_level_imports_included():
    cycles = [c for c in import_cycles(import_graph(ROOT)) if c not in KNOWN_CYCLES]
    assert cycles == [], f"modules that import each other (directly or around a loop): {cycles}"


def test_cycle_finder_sees_a_function_level_cycle(tmp_path):
    pkg = tmp_path / "neuromem"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from neuromem.sub import b\n")
    (pkg / "sub" / "b.py").write_text("from . import c\n")
    (pkg / "sub" / "c.py").write_text("import neuromem.a\n")
    (pkg / "d.py").write_text("from neuromem import a\n")
    assert import_cycles(import_graph(tmp_path)) == [{"neuromem.a", "neuromem.sub.b", "neuromem.sub.c"}]
