"""The import graph of ``builder/``: no circle, the stages as docs/architecture.md draws them.

Every import counts, also one inside a function (a lazy import hides a circle from Python, not
from a reader). The package-level picture in docs/architecture.md (a Mermaid diagram written by
hand) must have exactly the edges the code has, so the picture cannot drift.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Dict, List, Set, Tuple

REPO = Path(__file__).resolve().parents[2]
BUILDER = REPO / "builder"
ARCHITECTURE = REPO / "docs" / "architecture.md"


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> Dict[str, Path]:
    return {module_name(p): p for p in sorted(BUILDER.rglob("*.py"))}


def imports_of(path: Path, known: Set[str]) -> List[Tuple[str, int, bool]]:
    """(imported builder module, line, inside a function) for every import in *path*."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    in_function = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            in_function |= {id(sub) for sub in ast.walk(node) if isinstance(sub, (ast.Import, ast.ImportFrom))}
    found = []
    for node in ast.walk(tree):
        lazy = id(node) in in_function
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rsplit(".", 1)[0] if "." in target else ""
            if target and target != name and target.startswith("builder"):
                found.append((target, node.lineno, lazy))
    return found


def graph() -> Dict[str, Set[str]]:
    mods = modules()
    known = set(mods)
    return {name: {target for target, _, _ in imports_of(path, known)} for name, path in mods.items()}


def cycles(edges: Dict[str, Set[str]]) -> List[List[str]]:
    """The strongly connected components with more than one module (Tarjan), each as a sorted list."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    found: List[List[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_circle_in_builder():
    assert cycles(graph()) == []


def test_the_circle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_every_import_inside_a_function_says_why():
    """A function-level import is there for start-up time (or loads an optional part only when used).

    A run of consecutive import statements shares one comment: on its first line or just above it.
    """
    unexplained = []
    for path in modules().values():
        lines = path.read_text(encoding="utf-8").splitlines()
        spans = set()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for sub in node.body:
                    for imp in ast.walk(sub):
                        if isinstance(imp, (ast.Import, ast.ImportFrom)):
                            spans.add((imp.lineno, imp.end_lineno))
        runs: List[List[int]] = []
        for first, last in sorted(spans):
            if runs and first == runs[-1][1] + 1:
                runs[-1][1] = last
            else:
                runs.append([first, last])
        for first, _last in runs:
            above = lines[first - 2].strip() if first > 1 else ""
            if not above.startswith("#") and "#" not in lines[first - 1]:
                unexplained.append(f"{path.relative_to(REPO)}:{first}")
    assert unexplained == [], "function-level imports without a comment saying why"


# ---------------------------------------------------------------------- the picture
#: The nodes of the picture: a module belongs to the first group whose prefix it has. "common"
#: (problems, URL redaction, coursepack's own files) is used by nearly everything and not drawn.
NODES = (
    ("builder.sources", "sources"),
    ("builder.page", "page"),
    ("builder.scorm", "scorm"),
    ("builder.xapi.relay", "relay"),
    ("builder.xapi", "xapi"),
    ("builder.preview", "preview"),
    ("builder.qbank.cli", "cli"),
    ("builder.qbank", "qbank"),
    ("builder.upgrade", "upgrade"),
    ("builder.formats", "formats"),
    ("builder.minify", "formats"),  # the runtime as packages carry it: part of what formats plan
    ("builder.styles", "formats"),
    ("builder.lint", "lint"),
    ("builder.pipeline", "pipeline"),
    ("builder.zipwriter", "zipwriter"),
    ("builder.cli", "cli"),
    ("builder.__main__", "cli"),
    ("builder.console", "cli"),
    ("builder.scaffold", "cli"),
    ("builder.problems", "common"),
    ("builder.redact", "common"),
    ("builder.resources", "common"),
    ("builder.questions", "model"),
    ("builder", "model"),  # model.py and its twins of the runtime: engine, suspend, answer keys, certificate
)


def node_of(module: str) -> str:
    return next(label for prefix, label in NODES if module == prefix or module.startswith(prefix + "."))


def package_edges() -> Set[Tuple[str, str]]:
    return {
        (node_of(a), node_of(b))
        for a, targets in graph().items()
        for b in targets
        if node_of(a) != node_of(b) and "common" not in (node_of(a), node_of(b))
    }


def drawn_edges() -> Set[Tuple[str, str]]:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    block = re.search(r"```mermaid\n(.*?)```", text, re.S)
    assert block, "docs/architecture.md has no mermaid diagram"
    return set(re.findall(r"^\s*(\w+)\s*-->\s*(\w+)\s*$", block.group(1), re.M))


def test_the_import_picture_in_the_architecture_page_is_the_real_one():
    real, drawn = package_edges(), drawn_edges()
    assert sorted(real - drawn) == [], "imports the picture does not show"
    assert sorted(drawn - real) == [], "arrows the code does not have"
