"""docs/openapi.json is the app's schema: a change to the API is a change to
that file, reviewed with it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from api import openapi


def mismatch(committed: dict[str, Any], current: dict[str, Any]) -> str | None:
    """Why the committed contract is not the app's, or None."""
    if committed == current:
        return None
    paths = sorted(set(committed.get("paths", {})) ^ set(current.get("paths", {})))
    changed = sorted(p for p in set(committed.get("paths", {})) & set(current.get("paths", {}))
                     if committed["paths"][p] != current["paths"][p])
    return (f"docs/openapi.json 与服务的接口定义不一致，请运行 `{openapi.REGENERATE}` 重新生成，"
            f"并用 `git diff docs/openapi.json` 检查改动后一并提交。"
            f"(The committed API contract differs from the app's schema: run `{openapi.REGENERATE}`, "
            f"review `git diff docs/openapi.json` and commit it.) "
            f"Paths added or removed: {paths or 'none'}; paths changed: {changed or 'none'}.")


def test_the_committed_contract_is_the_apps_schema() -> None:
    text = openapi.CONTRACT.read_text(encoding="utf-8")
    current = openapi.schema()
    problem = mismatch(json.loads(text), current)
    assert problem is None, problem
    assert text == openapi.render(current), f"{openapi.CONTRACT} is not in the generator's format: run {openapi.REGENERATE}"


def test_a_changed_contract_is_caught_and_says_how_to_regenerate() -> None:
    committed = json.loads(openapi.CONTRACT.read_text(encoding="utf-8"))
    changed = json.loads(json.dumps(committed))
    changed["paths"]["/api/health"]["get"]["responses"].pop("200")
    problem = mismatch(changed, openapi.schema())
    assert problem is not None
    assert openapi.REGENERATE in problem and "重新生成" in problem and "git diff docs/openapi.json" in problem
    assert "paths changed: ['/api/health']" in problem
    del changed["paths"]["/api/me"]
    assert "Paths added or removed: ['/api/me']" in (mismatch(changed, openapi.schema()) or "")


def test_main_writes_the_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "openapi.json"
    assert openapi.main([str(target)]) == 0
    text = target.read_text(encoding="utf-8")
    assert text.endswith("}\n") and "双随机" in text  # UTF-8, not \\u escapes
    assert json.loads(text) == openapi.schema()
    assert str(target) in capsys.readouterr().out
