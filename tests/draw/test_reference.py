"""The tool's draw against an independent reference written from docs/draw-spec.md.

``reference_draw`` is a from-scratch implementation of the spec (standard library
only).  These tests check that it reproduces the spec's own worked examples, a set
of golden vectors computed once by the reference and written here as literals, and
that ``onevisit draw`` / ``onevisit demo`` publish exactly the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import builders
import pytest
import reference_draw as ref
from typer.testing import CliRunner

from scheduler.app.demo import BEACON as DEMO_BEACON
from scheduler.app.demo import REVEALS as DEMO_REVEALS
from scheduler.cli import app
from scheduler.io import Report, load


def sha(b: bytes) -> bytes:
    return hashlib.sha256(b).digest()


def canonical(plan: dict[str, Any]) -> bytes:
    return (json.dumps(plan, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def invoke(*args: str) -> None:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output


def strata_of(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return [{k: s[k] for k in ("item", "credit_class", "N", "n", "threshold")} for s in manifest["strata"]]


# --------------------------------------------------------------------------- a. the spec's examples

EXAMPLE_P = "4691679066c451ce7011929d3b82cfe0c707c322e051a4dda4e648f5957db9d9"
EXAMPLE_D = "e6cefdbdb0fd469546e55999430cceac63716509eb50ab71896106f8c6ce4e29"
EXAMPLE_S = "1f65f0e41251c4b93b260041cc1f0a20df06d342e8df8fdc89ed6a9b714f001b"
EXAMPLE_TICKETS = [  # §4 table: uscc, coordinated ticket, independent ticket for SCJG-001
    ("914403001922038216", "94e9807b763249e5955702012c004c38c37a1e9ded815c242e1d005345ae394c", "ea4de846db07dacde2518a4ed22c84821c3072c5247bd031af9d3d5509b695b1"),
    ("91440300708461136T", "1b3d07dc0683fd8687e64e952dccf874660b640a57ed95a69ccb2b6485e67819", "8304cd389ec3213a58a2853541fcc7a4a8f0afe5102304672de1be66ab2aa11d"),
    ("91330100716105852F", "9b6a9d49dd3887ba4b997e460b82f43985fda52e6855e838a131c09a3479d895", "21c51f059156d511db748bc6e888d48dd387ed29ff73faeb69c850bb7439fde1"),
    ("91110108551385082Q", "331ff7c39d7d299127a44d9ae525271d7a0503f6f60100b3e4a7327e1e1f74fc", "905ce82722c001bdb2eca1a98a0dd724c33213cbc6dbe40805f4cc309c9ceea6"),
]


def test_spec_length_prefix_example() -> None:
    assert ref.lp(b"onevisit-seed-v1").hex() == "00000010" + "6f6e6576697369742d736565642d7631"


def test_spec_seed_examples() -> None:
    P, D = sha(b'{"example": "plan"}\n'), sha(b"item,credit_class,uscc\n")
    assert (P.hex(), D.hex()) == (EXAMPLE_P, EXAMPLE_D)
    assert ref.seed(P, D, "03 07 12 19 25 31 + 09", ["alpha", "贝塔"]).hex() == EXAMPLE_S
    assert ref.seed(P, D, "", ["12345"]).hex() == "dd64fbaca38e6499d1bd73d7bfa8a9231ab67ebbb4674a6c912cdebefa60b028"


@pytest.mark.parametrize(("uscc", "coordinated", "independent"), EXAMPLE_TICKETS)
def test_spec_ticket_examples(uscc: str, coordinated: str, independent: str) -> None:
    S = bytes.fromhex(EXAMPLE_S)
    assert ref.ticket(S, uscc).hex() == coordinated
    assert ref.ticket(S, uscc, "SCJG-001").hex() == independent


# --------------------------------------------------------------------------- b. golden vectors

day = dt.date
SECRET = "golden-secret-1"
TOWNS = ["城关镇", "东城街道", "清河镇"]
GOLDEN_ENTERPRISES = [  # make_uscc(i), class, 监管标签, 登记状态, 上次检查日期
    (1, "A", "公共场所", "存续", None),
    (2, "A", "", "存续", None),
    (3, "A", "公共场所；餐饮服务", "在业", None),
    (4, "A", "", "开业", day(2025, 11, 20)),
    (5, "B", "公共场所", "存续", None),
    (6, "B", "", "存续", None),                    # history row last year: not counted by the cap
    (7, "B", "公共场所", "存续", day(2026, 6, 1)),   # cool-down: after 2026-04-15
    (8, "B", "", "存续", None),
    (9, "C", "公共场所", "存续", None),
    (10, "C", "", "注销", None),                   # inactive
    (11, "C", "公共场所", "存续", day(2026, 4, 15)),  # exactly reference_date - 180 days: still eligible
    (12, "C", "", "存续", None),                   # one history row in 2026: yearly cap 1
    (13, "D", "公共场所", "存续", None),
    (14, "D", "公共场所", "在业", None),
]
GOLDEN_HISTORY = [(12, day(2026, 2, 10)), (6, day(2025, 12, 30))]
GOLDEN_ITEMS = [  # rows of items.csv (ratios written both ways)
    ["WSJK-001", "卫生健康", "公共场所卫生监督检查", "公共场所", "10%", "0.3", "50%", "1", "", ""],
    ["SCJG-001", "市场监管", "企业公示信息抽查", "", "0.5", "40%", "0.34", "0.5", "", ""],
]
GOLDEN_ROUND = """\
name = "金样轮次"
code = "金样〔2026〕1号"
lead_agency = "市场监管"

[window]
start = 2026-10-12
end = 2026-12-25

[exclusions]
cooldown_days = 180
yearly_cap = 1

[seed]
beacon_description = "无（使用普通种子）"
"""
GOLDEN_PLAN: dict[str, Any] = {  # hand-written from spec §1
    "algorithm": "onevisit-draw-sha256-v2",
    "round": {"name": "金样轮次", "code": "金样〔2026〕1号", "window": {"start": "2026-10-12", "end": "2026-12-25"}, "lead_agency": "SCJG"},
    "eligibility": {"statuses": ["在业", "存续", "开业"], "reference_date": "2026-10-12", "cooldown_days": 180, "yearly_cap": 1,
                    "allow_zero_ratio": False},
    "sample_size": "n = min(N, ceil(r * N))",
    "items": [
        {"code": "SCJG-001", "agency": "SCJG", "agency_name": "市场监管", "name": "企业公示信息抽查", "target_tags": [],
         "ratios": {"A": "0.5", "B": "0.4", "C": "0.34", "D": "0.5"}},
        {"code": "WSJK-001", "agency": "WSJK", "agency_name": "卫生健康", "name": "公共场所卫生监督检查", "target_tags": ["公共场所"],
         "ratios": {"A": "0.1", "B": "0.3", "C": "0.5", "D": "1"}},
    ],
    "seed": {"beacon_description": "无（使用普通种子）", "commitments": []},
}

GOLDEN_FRAME = """\
item,credit_class,uscc
SCJG-001,A,91330799000000019J
SCJG-001,A,91330799000000027D
SCJG-001,A,913307990000000358
SCJG-001,A,913307990000000433
SCJG-001,B,91330799000000051X
SCJG-001,B,9133079900000006XM
SCJG-001,B,91330799000000086G
SCJG-001,C,91330799000000094B
SCJG-001,C,91330799000000115U
SCJG-001,D,91330799000000131H
SCJG-001,D,9133079900000014X9
WSJK-001,A,91330799000000019J
WSJK-001,A,913307990000000358
WSJK-001,B,91330799000000051X
WSJK-001,C,91330799000000094B
WSJK-001,C,91330799000000115U
WSJK-001,D,91330799000000131H
WSJK-001,D,9133079900000014X9
"""
GOLDEN_D = "d76efd76bb75dd0451bea252e80a22b75ca675fcac010f71b2ea76df49447aac"
GOLDEN_STRATA = [  # item, class, N, n (identical in both modes, §8)
    ("SCJG-001", "A", 4, 2), ("SCJG-001", "B", 3, 2), ("SCJG-001", "C", 2, 1), ("SCJG-001", "D", 2, 1),
    ("WSJK-001", "A", 2, 1), ("WSJK-001", "B", 1, 1), ("WSJK-001", "C", 2, 1), ("WSJK-001", "D", 2, 2),
]
GOLDEN: dict[str, dict[str, Any]] = {
    "coordinated": {
        "algorithm": "onevisit-draw-sha256-v2",
        "P": "6c4c42c85c3263963b958e885a31d150a24f3cc38d77dcc59b99ab956fd9b17b",
        "S": "a1521fe3486f38eaf86cf99c5a8fd1f6890b5596e0e4ed3a311cd6427090d1e9",
        "selected": [
            "SCJG-001,A,91330799000000019J,2d0e753564a73adf4140e6e8b2841af1fe383d00eacdb0307922e864ef43d574",
            "SCJG-001,A,913307990000000433,30d05d70d448ce93f8b7f9fbace9684a7ec3c567dc123f857dc68420d9ef3aae",
            "SCJG-001,B,91330799000000051X,2756d0782e7bfec50b2db2b5e02258cc2c0e28cd74ea752d10e7c93b154a3379",
            "SCJG-001,B,91330799000000086G,98d7c0d3bc6c9dc1ad1c66b1c66248d1d70d13620ec33efa673eb0dd68fe88ac",
            "SCJG-001,C,91330799000000094B,69431bbdb7fd90782a3a23e9c54f84b75af3af6a93a93aba99424790764ca8b9",
            "SCJG-001,D,9133079900000014X9,1f271db87ce9f749f7a991e4fca12f408cf7c09d82bac406da024732ac1f09e2",
            "WSJK-001,A,91330799000000019J,2d0e753564a73adf4140e6e8b2841af1fe383d00eacdb0307922e864ef43d574",
            "WSJK-001,B,91330799000000051X,2756d0782e7bfec50b2db2b5e02258cc2c0e28cd74ea752d10e7c93b154a3379",
            "WSJK-001,C,91330799000000094B,69431bbdb7fd90782a3a23e9c54f84b75af3af6a93a93aba99424790764ca8b9",
            "WSJK-001,D,9133079900000014X9,1f271db87ce9f749f7a991e4fca12f408cf7c09d82bac406da024732ac1f09e2",
            "WSJK-001,D,91330799000000131H,b37e172b0b04e0de0a9d4973a11485eaadca4b498545e1a398db56d45d18f3df",
        ],
    },
    "independent": {
        "algorithm": "onevisit-draw-sha256-indep-v2",
        "P": "5a6d24876751ffe0cb94ae590d994f1aa06e95ed2d9bf2b90a70a4d51f9c62da",
        "S": "4bb73b14705d63433f920d23bcf4b9d10cb242c68e839214b7bbfd56924b2a68",
        "selected": [
            "SCJG-001,A,91330799000000019J,447a0c2c9b5545bd3a165fef038d8c76e0d2548571a88d6fa33d32ba7433258e",
            "SCJG-001,A,913307990000000433,8e20f6803f4cba90f261439e1b1a0a2eda8c52f8c6892703f9d777b26ab9c1fa",
            "SCJG-001,B,91330799000000086G,0bde6a9565c3d55803e037a0fe72ae21fc45fe99aab08a3afd8cbe7bcf158e4e",
            "SCJG-001,B,91330799000000051X,7e6ed34a5f130dc51f0ff16f300dd495fba089f79122b7fe89685e6008b0d808",
            "SCJG-001,C,91330799000000094B,2cf0854b5c2c7e3fce19507b876597003a5c33fed680c6d18e87bc47ece18a07",
            "SCJG-001,D,91330799000000131H,c754c74863e3a546e45bd60dec82f11a5bc8a485f2674e7ea7d6a6f1f8510e6f",
            "WSJK-001,A,91330799000000019J,7aaa69b9f1e06cdc1c07617632e4e04ef4ebfe70b48c1223cd4923dd5b11caf3",
            "WSJK-001,B,91330799000000051X,88229ab1f6c5276aa81b12172c4e8e4c6496629927546eba6113028731c36046",
            "WSJK-001,C,91330799000000115U,3de386727032b99a1f32d00a33adbdfedec4e018c761e77f0648869163d4b314",
            "WSJK-001,D,91330799000000131H,09e50604c9e72025a3269b9f1a7f86c5e3829657f284307666af89a1f070187c",
            "WSJK-001,D,9133079900000014X9,6734245adff4304a91bc3b83a0d5e720d42596a21cdf97e85b39e375ccf6dabd",
        ],
    },
}
GOLDEN_AGENCY = {"SCJG-001": "SCJG", "WSJK-001": "WSJK"}
MODES = ["coordinated", "independent"]


def golden_plan(mode: str) -> dict[str, Any]:
    return {**GOLDEN_PLAN, "algorithm": GOLDEN[mode]["algorithm"]}


def golden_records() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    enterprises = [{"uscc": builders.make_uscc(i), "credit_class": c, "tags": {t for t in tags.split("；") if t},
                    "status": status, "last_inspected": last} for i, c, tags, status, last in GOLDEN_ENTERPRISES]
    history = [{"uscc": builders.make_uscc(i), "date": d} for i, d in GOLDEN_HISTORY]
    return enterprises, history


def selection_csv(lines: list[str]) -> bytes:
    return ("item,credit_class,uscc,ticket\n" + "".join(line + "\n" for line in lines)).encode()


def public_selection_csv(lines: list[str]) -> bytes:
    """The public selection.csv (§6) written out from the literal sealed lines: class dropped,
    the item's agency instead, sorted by item code, then ticket, then USCC."""
    rows = sorted((line.split(",") for line in lines), key=lambda p: (p[0], p[3], p[2]))
    return ("item,agency,uscc,ticket\n" + "".join(f"{i},{GOLDEN_AGENCY[i]},{u},{t}\n" for i, _, u, t in rows)).encode()


def expected_items() -> list[dict[str, Any]]:
    return [{"item": item, "agency": GOLDEN_AGENCY[item], "N": sum(N for i, _, N, _ in GOLDEN_STRATA if i == item),
             "n": sum(n for i, _, _, n in GOLDEN_STRATA if i == item)} for item in ("SCJG-001", "WSJK-001")]


def expected_strata(mode: str) -> list[dict[str, Any]]:
    """The literal strata; the threshold is the largest selected ticket of the stratum (§5)."""
    out = []
    for item, cls, N, n in GOLDEN_STRATA:
        tickets = [line.split(",")[3] for line in GOLDEN[mode]["selected"] if line.startswith(f"{item},{cls},")]
        assert len(tickets) == n
        out.append({"item": item, "credit_class": cls, "N": N, "n": n, "threshold": max(tickets) if tickets else None})
    return out


@pytest.mark.parametrize("mode", MODES)
def test_golden_reference(mode: str) -> None:
    plan_bytes = canonical(golden_plan(mode))
    assert sha(plan_bytes).hex() == GOLDEN[mode]["P"]
    enterprises, history = golden_records()
    frame = ref.build_frame_csv(golden_plan(mode), enterprises, history)
    assert frame.decode() == GOLDEN_FRAME
    assert sha(frame).hex() == GOLDEN_D
    assert ref.seed(sha(plan_bytes), sha(frame), "", [SECRET]).hex() == GOLDEN[mode]["S"]
    selection, strata = ref.draw(plan_bytes, frame, "", [SECRET])
    assert selection == selection_csv(GOLDEN[mode]["selected"])
    assert strata == expected_strata(mode)
    assert ref.public(plan_bytes, selection, strata) == (public_selection_csv(GOLDEN[mode]["selected"]), expected_items())
    assert all(0 < s["n"] < s["N"] for s in strata[:5])  # several strata draw strictly between 0 and N


def write_golden_folder(folder: Path) -> tuple[Path, Path]:
    data = folder / "data"
    data.mkdir(parents=True)
    header = ["统一社会信用代码", "企业名称", "乡镇街道", "信用风险分类", "监管标签", "登记状态", "上次检查日期"]
    builders.write_csv(data / "enterprises.csv", header, [
        [builders.make_uscc(i), f"金样企业{i}有限公司", TOWNS[i % 3], c, tags, status, last.isoformat() if last else ""]
        for i, c, tags, status, last in GOLDEN_ENTERPRISES])
    builders.write_csv(data / "items.csv", builders.ITEM_HEADER, GOLDEN_ITEMS)
    builders.write_csv(data / "inspectors.csv", builders.INSPECTOR_HEADER, builders.inspector_rows())
    builders.write_csv(data / "history.csv", ["统一社会信用代码", "检查日期", "部门"],
                       [[builders.make_uscc(i), d.isoformat(), "市场监管"] for i, d in GOLDEN_HISTORY])
    round_file = folder / "round.toml"
    round_file.write_text(GOLDEN_ROUND, encoding="utf-8")
    return data, round_file


def semantics(plan: dict[str, Any]) -> tuple[Any, ...]:
    items = [(i["code"], tuple(i["target_tags"]), {c: Fraction(r) for c, r in i["ratios"].items()}) for i in plan["items"]]
    return plan["algorithm"], plan["eligibility"], items


@pytest.mark.parametrize("mode", MODES)
def test_golden_tool(mode: str, tmp_path: Path) -> None:
    data, round_file = write_golden_folder(tmp_path)
    out = tmp_path / "draw"
    invoke("draw", "--data", str(data), "--round", str(round_file), "--seed", SECRET, "--out", str(out), "--mode", mode)
    sealed = out / "封存"
    plan_bytes = (out / "plan.json").read_bytes()
    assert (sealed / "plan.json").read_bytes() == plan_bytes
    frame = (sealed / "frame.csv").read_bytes()
    manifest = json.loads((sealed / "manifest.json").read_text(encoding="utf-8"))
    public = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    # the published rule means what the hand-written one means (and, here, is byte-identical to it)
    assert semantics(json.loads(plan_bytes)) == semantics(golden_plan(mode))
    assert plan_bytes == canonical(golden_plan(mode))
    # the tool's frame, seed and selection are the golden literals
    assert frame.decode() == GOLDEN_FRAME
    assert not (out / "frame.csv").exists()
    for m in (manifest, public):
        assert sha(plan_bytes).hex() == m["plan_sha256"] == GOLDEN[mode]["P"]
        assert sha(frame).hex() == m["frame_sha256"] == GOLDEN_D
        assert m["seed_inputs"] == {"beacon": "", "secrets": [{"party": "seed", "secret": SECRET}]}
        assert ref.seed(sha(plan_bytes), sha(frame), "", [SECRET]).hex() == m["seed"] == GOLDEN[mode]["S"]
        assert m["items"] == expected_items()
    assert (sealed / "selection.csv").read_bytes() == selection_csv(GOLDEN[mode]["selected"])
    assert strata_of(manifest) == expected_strata(mode)
    assert (out / "selection.csv").read_bytes() == public_selection_csv(GOLDEN[mode]["selected"])
    assert "strata" not in public and public["folder"] == "public"
    # and the reference, fed the tool's published files, agrees
    assert ref.draw(plan_bytes, frame, "", [SECRET]) == (selection_csv(GOLDEN[mode]["selected"]), expected_strata(mode))


# --------------------------------------------------------------------------- c. the bundled sample


@pytest.fixture(scope="module")
def demo_draw(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> Path:
    """The sample county drawn as `onevisit demo` draws it (its beacon and revealed secrets)."""
    out = tmp_path_factory.mktemp("demo") / "draw"
    invoke("draw", "--data", str(sample_dir), "--out", str(out), "--beacon", DEMO_BEACON,
           *(arg for party, secret in DEMO_REVEALS for arg in ("--reveal", f"{party}={secret}")))
    return out


def test_sample_draw_reproduced(demo_draw: Path) -> None:
    sealed = demo_draw / "封存"
    plan_bytes = (demo_draw / "plan.json").read_bytes()
    frame = (sealed / "frame.csv").read_bytes()
    manifest = json.loads((sealed / "manifest.json").read_text(encoding="utf-8"))
    beacon = manifest["seed_inputs"]["beacon"]
    secrets = [s["secret"] for s in manifest["seed_inputs"]["secrets"]]
    commitments = json.loads(plan_bytes)["seed"]["commitments"]
    assert [s["party"] for s in manifest["seed_inputs"]["secrets"]] == [c["party"] for c in commitments]
    assert [sha(s.encode()).hex() for s in secrets] == [c["sha256"] for c in commitments]
    assert sha(plan_bytes).hex() == manifest["plan_sha256"]
    assert sha(frame).hex() == manifest["frame_sha256"]
    assert ref.seed(sha(plan_bytes), sha(frame), beacon, secrets).hex() == manifest["seed"]
    selection, strata = ref.draw(plan_bytes, frame, beacon, secrets)
    assert selection == (sealed / "selection.csv").read_bytes()
    assert strata == strata_of(manifest)
    public_selection, items = ref.public(plan_bytes, selection, strata)
    assert public_selection == (demo_draw / "selection.csv").read_bytes()
    public = json.loads((demo_draw / "manifest.json").read_text(encoding="utf-8"))
    assert public["items"] == items == manifest["items"]
    assert {k: public[k] for k in ("plan_sha256", "frame_sha256", "seed", "seed_inputs")} == {
        k: manifest[k] for k in ("plan_sha256", "frame_sha256", "seed", "seed_inputs")}


def test_sample_frame_rebuilt_from_rosters(demo_draw: Path, sample_dir: Path) -> None:
    inputs = load([sample_dir], Report())
    assert inputs is not None
    enterprises = [{"uscc": r.uscc, "credit_class": r.credit_class, "tags": {t for t in str(r.tags).split(";") if t},
                    "status": r.status, "last_inspected": r.last_inspected} for r in inputs.dataset.enterprises.itertuples()]
    history = inputs.dataset.history
    records = [{"uscc": r.uscc, "date": r.date} for r in history.itertuples()] if history is not None else []
    plan = json.loads((demo_draw / "plan.json").read_bytes())
    assert ref.build_frame_csv(plan, enterprises, records) == (demo_draw / "封存" / "frame.csv").read_bytes()
