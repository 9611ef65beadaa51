"""Path parameters of the rounds and jobs API, bounded as the database
stores them (an id past PostgreSQL's ``integer`` is answered 422, never
sent to the database), with the examples /docs and the contract tests use."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

MAX_ID = 2**31 - 1  # the largest id an ``integer`` column holds (PostgreSQL; SQLite holds more)

RoundId = Annotated[int, Path(ge=1, le=MAX_ID, description="轮次编号 (round id)", examples=[1])]
Version = Annotated[int, Path(ge=1, le=MAX_ID, description="安排版本 (plan version)", examples=[1])]
