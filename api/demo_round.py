"""``onevisit serve --demo``: the bundled sample county as a round in the
service's database, drawn and solved, with an inspector and a township
office to sign in as, so a newcomer has something to use at once.

It goes through the same service methods as the API (freeze, create, draw,
a plan version), and solves in-process with the CLI's use case.  It runs
once per database: a database that already has the demo round is left as
it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from api.round_service import RoundService
from scheduler import planfile
from scheduler.app.demo import BEACON, REVEALS
from scheduler.app.scheduling import schedule
from scheduler.assign.solver import SolverSettings
from scheduler.sample import sample_dir
from scheduler.store import accounts, audit
from scheduler.store import rounds as stored
from scheduler.store.db import unit_of_work
from scheduler.store.models import Round, User

ACTOR = "cli:serve --demo"
ROUND_FILE = "round.toml"
TOKEN_DAYS = 30


@dataclass(frozen=True)
class DemoAccount:
    name: str
    role: str
    scope: str  # inspector id or township
    token: str  # shown once


@dataclass(frozen=True)
class DemoRound:
    round_id: int
    created: bool  # False: the database had it already
    visits: int
    accounts: tuple[DemoAccount, ...]


def _roster_files() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(sample_dir().iterdir())
            if p.is_file() and p.suffix in {".csv", ".xlsx"}}


def _existing(rounds: RoundService, name: str) -> int | None:
    with rounds.reading() as session:
        return session.scalar(select(Round.id).where(Round.name == name)
                              .order_by(Round.id).limit(1))


def _account(rounds: RoundService, name: str, role: str, **scope: str) -> DemoAccount | None:
    with unit_of_work(rounds.database.engine()) as session:
        if session.scalar(select(User).where(User.name == name)) is not None:
            return None
        user = accounts.add_user(session, name=name, role=role, **scope)
        issued = accounts.create_token(session, user, days=TOKEN_DAYS)
        audit.append(session, actor=ACTOR, action="user.add", subject=f"user:{name}",
                     details={"role": role, **scope, "demo": True})
        audit.append(session, actor=ACTOR, action="token.create", subject=f"user:{name}",
                     details={"prefix": issued.record.prefix, "demo": True})
        return DemoAccount(name, role, next(iter(scope.values())), issued.token)


def load_demo(rounds: RoundService, *, time_limit: float = 20.0,
              on_step: Callable[[str], None] = lambda _: None) -> DemoRound:
    """The sample county's round in the database: uploaded, created, drawn
    with the demo's public beacon and reveals, and solved (plan version 1,
    not published).  Idempotent."""
    text = (sample_dir() / ROUND_FILE).read_bytes()
    on_step("上传示例县名录库 (uploading the sample rosters)")
    frozen = rounds.freeze_rosters(ACTOR, _roster_files())
    facts = rounds.round_facts(frozen.id, text)
    found = _existing(rounds, facts.name)
    if found is not None:
        return DemoRound(found, False, 0, ())
    round_id = rounds.create_round(ACTOR, frozen.id, text, facts)
    on_step("公布承诺值并抽取检查对象 (announcing the commitments, drawing)")
    rounds.announce(ACTOR, round_id)
    rounds.make_draw(ACTOR, round_id, beacon=BEACON, reveals=dict(REVEALS))
    on_step("安排检查并抽取执法人员 (scheduling)")
    with rounds.reading() as session:
        round_ = session.get(Round, round_id)
        assert round_ is not None
        draw_row = stored.draw_of(session, round_id)
        assert draw_row is not None
        inputs, draw = rounds.inputs(session, round_), rounds.draw(session, round_, draw_row)
    plan = schedule(inputs, draw, SolverSettings(time_limit=time_limit))
    with unit_of_work(rounds.database.engine()) as session:
        rounds.add_plan(session, ACTOR, round_id, planfile.to_bytes(plan))
    first = min(plan.visits, key=lambda v: (v.date, v.visit_id))
    made = [_account(rounds, f"演示检查员-{first.team.ids[0]}", "inspector", inspector_id=first.team.ids[0]),
            _account(rounds, f"演示乡镇-{first.township}", "township", township=first.township)]
    return DemoRound(round_id, True, len(plan.visits), tuple(a for a in made if a is not None))
