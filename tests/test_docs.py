"""Generated documentation stays in step with the one table description."""

from __future__ import annotations

from pathlib import Path

from hushall.data.schema import markdown_docs

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_data_docs_are_generated_from_the_schema() -> None:
    assert (DOCS / "data.md").read_text(encoding="utf-8") == markdown_docs() + "\n", (
        "docs/data.md is stale: run `hushall docs-data --out docs/data.md`"
    )


def test_readme_python_example_runs() -> None:
    """The README's Python example is run as written (with a shorter time limit and no explanations, for speed)."""
    import re

    text = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.S)
    assert code is not None
    source = code.group(1).replace("time_limit=60", "time_limit=10, explain=False")
    namespace: dict[str, object] = {}
    exec(compile(source, "README.md", "exec"), namespace)
    plan, fc = namespace["plan"], namespace["fc"]
    assert plan.status in ("optimal", "feasible")  # type: ignore[attr-defined]
    assert set(fc.years) == set(namespace["kommun"].years)  # type: ignore[attr-defined]
