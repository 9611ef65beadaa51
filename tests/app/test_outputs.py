"""Output folders: a command never deletes or overwrites what it did not
write (issue 9, defect 1).  Each case failed before the fix: the old
``staged_dir`` replaced whatever the path held."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.app.errors import OutputRefused
from scheduler.app.outputs import MARKER, marker_kind, output_folder


def write(out: Path, kind: str = "draw", force: bool = False, name: str = "new.txt") -> None:
    with output_folder(out, kind, force) as stage:
        (stage / name).write_text("ours", encoding="utf-8")


def test_a_new_folder_is_written_with_its_marker(tmp_path: Path) -> None:
    write(tmp_path / "out")
    assert (tmp_path / "out" / "new.txt").read_text(encoding="utf-8") == "ours"
    assert marker_kind(tmp_path / "out") == "draw"


def test_a_users_folder_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "报告.docx").write_bytes(b"user data")
    for force in (False, True):
        with pytest.raises(OutputRefused, match="不是 OneVisit 生成的"):
            write(out, force=force)
        assert sorted(p.name for p in out.iterdir()) == ["报告.docx"]
        assert (out / "报告.docx").read_bytes() == b"user data"


def test_a_file_is_never_replaced_by_a_folder(tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_text("keep me", encoding="utf-8")
    with pytest.raises(OutputRefused, match="不是文件夹"):
        write(report, force=True)
    assert report.read_text(encoding="utf-8") == "keep me"


def test_the_working_folder_and_its_parents_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    for target in (Path("."), Path(".."), work):
        with pytest.raises(OutputRefused, match="当前文件夹"):
            write(target, force=True)
    assert work.is_dir() and not any(work.iterdir())


def test_an_earlier_output_needs_force_and_only_its_own_kind(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out, "schedule", name="old.txt")
    with pytest.raises(OutputRefused, match="--force"):
        write(out, "schedule")
    with pytest.raises(OutputRefused, match="安排结果"):
        write(out, "draw", force=True)  # another command's output is not ours to replace
    assert (out / "old.txt").exists()
    write(out, "schedule", force=True)
    assert sorted(p.name for p in out.iterdir()) == sorted([MARKER, "new.txt"])


def test_force_never_deletes_files_added_to_or_changed_in_an_earlier_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out, "export", name="总表.xlsx")
    (out / "sub").mkdir()
    (out / "sub" / "签收记录.txt").write_text("signed", encoding="utf-8")  # the office's own note
    with pytest.raises(OutputRefused, match=r"sub/签收记录\.txt"):
        write(out, "export", force=True)
    assert (out / "sub" / "签收记录.txt").read_text(encoding="utf-8") == "signed"
    (out / "sub" / "签收记录.txt").unlink()
    (out / "总表.xlsx").write_text("edited by hand", encoding="utf-8")  # a workbook edited in place
    with pytest.raises(OutputRefused, match=r"总表\.xlsx"):
        write(out, "export", force=True)
    assert (out / "总表.xlsx").read_text(encoding="utf-8") == "edited by hand"


def test_an_earlier_output_without_its_file_list_is_not_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / MARKER).write_text('{"tool": "onevisit", "kind": "draw"}', encoding="utf-8")
    (out / "plan.json").write_text("{}", encoding="utf-8")
    with pytest.raises(OutputRefused, match="输出清单缺失"):
        write(out, force=True)
    assert (out / "plan.json").exists()


def test_an_empty_folder_is_used(tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    write(out)
    assert (out / "new.txt").exists()


def test_a_failure_inside_leaves_the_earlier_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out, name="old.txt")
    with pytest.raises(RuntimeError), output_folder(out, "draw", force=True) as stage:
        (stage / "half.txt").write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")
    assert (out / "old.txt").exists() and not (out / "half.txt").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder left behind


def test_a_forged_marker_of_another_tool_is_not_ours(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / MARKER).write_text('{"tool": "other", "kind": "draw"}', encoding="utf-8")
    (out / "data.csv").write_text("x", encoding="utf-8")
    with pytest.raises(OutputRefused):
        write(out, force=True)
    assert (out / "data.csv").exists()


def test_a_full_disk_is_a_chinese_message_and_keeps_the_earlier_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    write(out, name="old.txt")

    def full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("scheduler.atomic.os.fsync", full)
    with pytest.raises(OutputRefused, match="写入失败"):
        write(out, force=True)
    assert (out / "old.txt").exists() and not (out / "new.txt").exists()
