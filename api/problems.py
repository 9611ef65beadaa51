"""Problems the service reports, in the CLI's shape, and its error answers.

Every answer that is not a validation result carries the same body as a
failed validation: ``ok`` false, a Chinese ``detail`` and the ``problems``
(severity, file, row, column, message, text), so the page and any caller
read one shape.  No answer ever carries a Python traceback.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from scheduler.app.errors import StaleInputs, UseCaseError
from scheduler.io import Problem, Report
from scheduler.store.errors import StoreError

log = logging.getLogger("onevisit.api")

REQUEST = "（请求）"  # the "file" of a problem with the request itself

# Starlette's and FastAPI's English details for a request body that cannot be
# parsed; such an upload is answered 422 like any other unusable upload.
_UNPARSABLE_BODY = {
    "Invalid multipart data.": "上传内容无法解析（文件名过长、上传中断或不是浏览器表单格式）",
    "There was an error parsing the body": "请求内容无法解析",
}
_STATUS_TEXT = {
    400: "请求格式不正确",
    404: "找不到该地址",
    405: "不支持该请求方法",
    413: "上传内容过大",
}


class ProblemModel(BaseModel):
    """One problem, as documented in /docs."""

    severity: str
    file: str
    row: int | None
    column: str | None
    message: str
    text: str


class ErrorModel(BaseModel):
    """The body of every error answer, as documented in /docs."""

    ok: bool
    detail: str
    problems: list[ProblemModel]
    summary: None


ERROR_TEXT: dict[int, str] = {
    401: "没有访问令牌，或令牌无效、已过期 (no token, or a bad or expired one)",
    403: "角色或部门无权进行此操作 (role or office not allowed)",
    404: "没有该资源，或无权查看 (not found, or not yours to see)",
    409: "与轮次或作业的当前状态冲突 (conflicts with the current state)",
    413: "上传文件总大小超过上限 (upload too large)",
    422: "请求内容不正确 (invalid request)",
    500: "服务内部错误 (unexpected error; details in the server log)",
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of an operation: its error answers (and 500,
    which any operation may give), each with :class:`ErrorModel`."""
    return {code: {"model": ErrorModel, "description": ERROR_TEXT[code]} for code in sorted({*codes, 500})}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    **error_responses(413, 422),
    422: {"model": ErrorModel, "description": "上传的文件无法检查：文件名、类型或内容 (unusable upload)"},
}


class UploadRejected(Exception):
    """An upload that cannot be validated; answered with *status* and *problems*."""

    def __init__(self, problems: Iterable[Problem], status_code: int = 422) -> None:
        self.problems = list(problems)
        self.status_code = status_code
        super().__init__("; ".join(str(p) for p in self.problems))


def problem_json(problem: Problem) -> dict[str, Any]:
    """One problem as the CLI's ``--json`` prints it, plus its one-line text."""
    return {
        "severity": problem.severity.value, "file": problem.file, "row": problem.row,
        "column": problem.column, "message": problem.message, "text": str(problem),
    }


def error_body(problems: Iterable[Problem]) -> dict[str, Any]:
    """The body of every error answer: the problems and their text joined."""
    listed = list(problems)
    return {
        "ok": False,
        "detail": "\n".join(str(p) for p in listed),
        "problems": [problem_json(p) for p in listed],
        "summary": None,
    }


def http_error_message(status_code: int, detail: Any) -> tuple[int, str]:
    """The status and Chinese message for Starlette's own HTTP errors."""
    text = str(detail)
    if status_code == 400 and text in _UNPARSABLE_BODY:
        return 422, f"{_UNPARSABLE_BODY[text]}（{text}）"
    label = _STATUS_TEXT.get(status_code)
    if label is None:
        return status_code, text
    return status_code, label if text in ("", label) else f"{label}（{text}）"


#: Chinese for Pydantic's error types (the English ``msg`` is kept after it).
_PYDANTIC_TYPES = {
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "string_type": "应为文本",
    "string_too_long": "文本过长",
    "string_pattern_mismatch": "取值不在允许的范围内",
    "bool_parsing": "应为 true 或 false",
    "dict_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "json_invalid": "不是有效的 JSON",
    "list_type": "应为列表",
}


def validation_error_message(error: dict[str, Any]) -> str:
    """A Chinese message for one of FastAPI's request validation errors."""
    where = tuple(error.get("loc", ()))
    parts = [str(part) for part in where if part not in ("body", "query", "path")]
    field = ".".join(parts)
    if parts[:1] == ["files"]:
        if error.get("type") == "missing":
            return "没有上传文件，请选择要检查的名录库文件"
        return "「files」应为上传的文件（收到的是文本，或文件没有文件名），请选择要检查的名录库文件"
    kind = str(error.get("type", ""))
    body_shape = ("missing", "dict_type", "model_attributes_type", "json_invalid")
    if not field and where[:1] == ("body",) and kind in body_shape:
        return ("请求体应为 JSON 对象（Content-Type: application/json），字段见 /docs "
                f"(the body must be a JSON object: {error.get('msg', '')})")
    if kind == "missing":
        return f"缺少字段「{field}」"
    label = _PYDANTIC_TYPES.get(kind)
    if label is not None:
        return f"字段「{field}」{label}（{error.get('msg', '')}）"
    return f"字段「{field}」不正确（{error.get('msg', '')}）"


async def _upload_rejected(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, UploadRejected)
    return JSONResponse(error_body(exc.problems), status_code=exc.status_code)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status, message = http_error_message(exc.status_code, exc.detail)
    return JSONResponse(error_body([Problem(REQUEST, None, None, message)]), status_code=status,
                        headers=exc.headers)


async def _invalid_request(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    messages = dict.fromkeys(validation_error_message(e) for e in exc.errors())
    problems = [Problem(REQUEST, None, None, m) for m in messages]
    return JSONResponse(error_body(problems), status_code=422)


def use_case_status(exc: UseCaseError) -> int:
    """422 for what is wrong with what was sent (rosters, round file, draw
    values, results); 409 for what conflicts with the stored state; an
    error may name its own (``http_status``, say 404 for an unknown record)."""
    own = getattr(exc, "http_status", None)
    if isinstance(own, int):
        return own
    if isinstance(exc, StoreError | StaleInputs):
        return 409
    return 422


async def _use_case_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, UseCaseError)
    report = getattr(exc, "report", None)
    listed = report.sorted() if isinstance(report, Report) else []
    problems = listed or [Problem(REQUEST, None, None, "\n".join(exc.lines))]
    return JSONResponse(error_body(problems), status_code=use_case_status(exc))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    incident = secrets.token_hex(4)
    log.error("unexpected error %s on %s %s", incident, request.method, request.url.path, exc_info=exc)
    message = f"服务内部错误，请稍后重试；如仍出错，请联系管理员并提供错误编号 {incident}"
    return JSONResponse(error_body([Problem(REQUEST, None, None, message)]), status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    """Chinese JSON answers for every error, tracebacks only in the log."""
    app.add_exception_handler(UploadRejected, _upload_rejected)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(UseCaseError, _use_case_error)
    app.add_exception_handler(Exception, _unexpected)
