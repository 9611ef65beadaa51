"""The service's OpenAPI contract as a committed file, docs/openapi.json.

``python -m api.openapi [path]`` writes ``create_app().openapi()`` there
(sorted keys, indent 2, UTF-8 text); tests/api/test_openapi.py fails when the
app and the file differ, so every change to the contract shows in review.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from api.app import create_app

CONTRACT = Path(__file__).resolve().parents[1] / "docs" / "openapi.json"
REGENERATE = "python -m api.openapi"


def schema() -> dict[str, Any]:
    """The app's OpenAPI schema (no database is opened)."""
    return create_app("sqlite://").openapi()


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else CONTRACT
    target.write_text(render(schema()), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
