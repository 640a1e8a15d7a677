"""Generated documentation stays in step with the one table description."""

from __future__ import annotations

from pathlib import Path

from hushall.data.schema import markdown_docs

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_data_docs_are_generated_from_the_schema() -> None:
    assert (DOCS / "data.md").read_text(encoding="utf-8") == markdown_docs() + "\n", (
        "docs/data.md is stale: run `hushall docs-data --out docs/data.md`"
    )
