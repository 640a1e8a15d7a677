"""The pipeline is the architecture: the import graph of Hushåll's sub-packages has no circle and no import back up
the pipeline (docs/architecture.md draws it).

Every ``import`` / ``from … import`` of ``hushall.<stage>`` in ``src/hushall`` counts — at module level, inside a
function (imported on call) or under ``TYPE_CHECKING`` — since each is a dependency a reader has to follow.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "hushall"

#: The stages in pipeline order: a stage may import only from the stages before it (and itself).
PIPELINE: tuple[str, ...] = (
    "formatting",  # numbers as a person reads them, in Swedish or English
    "errors",      # the one exceptions module
    "files",       # atomic writes
    "data",        # table descriptions, reading workbooks, defaults, importers
    "model",       # validated MunicipalityData
    "examples",    # Exempelkommun, loaded through the model
    "population",  # population forecast into sheet Befolkning (beside the pipeline, at the data stage)
    "needs",       # renewal need, maintenance debt, capacity
    "projects",    # the projects' yearly effects, maintenance debt under a plan
    "finance",     # the long-term financial plan, targets, verdict
    "peers",       # key figures against similar municipalities (reads the forecast's ratios)
    "followup",    # outcomes against budget, measured rates (what the optimiser re-plans from)
    "optimize",    # the MILP and its explanations
    "scenarios",   # named scenarios, Monte Carlo, robust planning
    "study",       # one plan study: data + how the plan is made + its results
    "reports",     # text, charts, Excel, PDF
    "web",         # the web application
    "cli",         # the command line
)
RANK = {stage: k for k, stage in enumerate(PIPELINE)}


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "hushall" and len(parts) > 1 else None


def import_graph(root: Path = SRC) -> dict[tuple[str, str], list[str]]:
    """``(importing stage, imported stage) → ["path:line", …]`` over every Python file under ``root``."""
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if rel == Path("__init__.py"):
            continue  # the package's lazy front door (``hushall.load``), above every stage
        source = rel.parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                target = _stage(name)
                if target is not None and target != source:
                    edges[(source, target)].append(f"{rel}:{node.lineno}")
    return edges


def circles(edges: dict[tuple[str, str], list[str]]) -> list[list[str]]:
    """The strongly connected components with more than one stage (Tarjan)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        graph[a].add(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(set(graph) | {b for _a, b in edges}):
        if v not in index:
            visit(v)
    return found


def test_every_sub_package_has_a_place_in_the_pipeline() -> None:
    stages = {p.name.removesuffix(".py") for p in SRC.iterdir()
              if (p.is_dir() and (p / "__init__.py").exists()) or (p.suffix == ".py" and p.name != "__init__.py")}
    missing = sorted(stages - set(PIPELINE))
    assert not missing, f"add {missing} to PIPELINE here and to docs/architecture.md"


def test_no_import_goes_back_up_the_pipeline() -> None:
    back = {f"{a} → {b}": where for (a, b), where in import_graph().items()
            if a in RANK and b in RANK and RANK[b] > RANK[a]}
    assert back == {}


def test_the_sub_packages_import_each_other_without_circles() -> None:
    assert circles(import_graph()) == []


@pytest.mark.parametrize(("edges", "expected"), [
    ({("a", "b"): [], ("b", "c"): [], ("c", "a"): []}, [["a", "b", "c"]]),
    ({("a", "b"): [], ("b", "c"): []}, []),
    ({("model", "needs"): [], ("needs", "model"): [], ("cli", "model"): []}, [["model", "needs"]]),
])
def test_circles_are_found(edges: dict[tuple[str, str], list[str]], expected: list[list[str]]) -> None:
    assert circles(edges) == expected


def test_an_import_back_up_is_seen(tmp_path: Path) -> None:
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "m.py").write_text("def f():\n    from hushall.needs import analyse_needs\n")
    assert import_graph(tmp_path) == {("model", "needs"): ["model/m.py:2"]}
