"""The validation page never stays on "正在检查……".

Whatever the answer (a 2xx result, a non-2xx error, a body that is not JSON,
or no answer at all) the script shows a Chinese message and re-enables the
form.  A browser test joins these when the suite gets Playwright; until then
these tests read the script.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from api.app import app

PAGE = TestClient(app).get("/").text
SCRIPT = PAGE[PAGE.index("<script>"):PAGE.index("</script>")]


def _submit_handler() -> str:
    start = SCRIPT.index('form.addEventListener("submit"')
    return SCRIPT[start:]


def test_non_2xx_answers_show_the_problems() -> None:
    handler = _submit_handler()
    assert "if (!response.ok) showError(response.status, data);" in handler
    show_error = SCRIPT[SCRIPT.index("function showError"):SCRIPT.index("async function readJson")]
    assert "problemTable(problems)" in show_error and "HTTP ${esc(status)}" in show_error


def test_a_body_that_is_not_json_is_an_error_not_a_crash() -> None:
    assert re.search(r"async function readJson\(response\) \{\s*try \{ return await response\.json\(\); \} catch \{ return null; \}", SCRIPT)
    assert "const data = await readJson(response);" in _submit_handler()


def test_network_errors_are_caught_and_the_form_comes_back() -> None:
    handler = _submit_handler()
    waiting = handler.index('result.textContent = "正在检查……";')
    fetch = handler.index("await fetch(")
    catch = handler.index("} catch (err) {")
    final = handler.index("} finally {")
    assert handler.index("try {") < fetch < catch < final and waiting < fetch
    assert "无法连接服务器" in handler[catch:final]
    assert "button.disabled = false;" in handler[final:]
    assert "button.disabled = true;" in handler[:fetch]
