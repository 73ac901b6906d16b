"""``geonotice diff``: the impact on readers of a change to the rules."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from geonotice.cli import main
from geonotice.policy.impact import compare
from geonotice.rules import load_rules

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"

Capture = pytest.CaptureFixture[str]


@pytest.fixture
def old_new(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old", tmp_path / "new"
    for target in (old, new):
        shutil.copytree(RULES, target, ignore=shutil.ignore_patterns("policy"))
    return old, new


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_identical_rules_have_no_impact_and_exit_0(capsys: Capture, old_new: tuple[Path, Path]) -> None:
    old, new = old_new
    assert main(["diff", str(old), str(new)]) == 0
    assert capsys.readouterr().out == f"Impact of {old} -> {new}: none: no reader sees anything different\n"


def test_an_except_added_to_a_jurisdiction_is_a_lost_region(
    capsys: Capture, old_new: tuple[Path, Path]
) -> None:
    old, new = old_new
    edit(
        new / "10-russia.yaml",
        "      - UA-65  # Kherson oblast\n",
        "      - UA-65  # Kherson oblast\n    except: [UA-14]\n",
    )
    assert main(["diff", str(old), str(new)]) == 1
    assert capsys.readouterr().out.splitlines()[1:] == [
        "notice ru-undesirable-organization: changed",
        "  regions lost: UA-14 (now excepted)",
        "1 notice changed",
    ]


def test_every_kind_of_change_is_reported(capsys: Capture, old_new: tuple[Path, Path]) -> None:
    old, new = old_new
    russia = new / "10-russia.yaml"
    edit(russia, "      - UA-65  # Kherson oblast\n", "      - BY\n")
    edit(russia, '        - "/??/a/**"\n', '        - "/news/**"\n')
    edit(russia, "Under Russian law", "Under the law")
    edit(russia, "from: 2021-05-26", "from: 2021-06-01")
    edit(russia, "placement: start-of-article", "placement: end-of-body")
    (new / "20-belarus.yaml").unlink()
    edit(new / "00-settings.yaml", '  "/be/": be\n', "")
    assert main(["diff", str(old), str(new)]) == 1
    assert capsys.readouterr().out.splitlines()[1:] == [
        "notice ru-undesirable-organization: changed",
        "  regions gained: BY",
        "  regions lost: UA-65",
        "  pages newly covered: /news/**",
        "  pages no longer covered: /??/a/**",
        "  text changed: en",
        "  from: 2021-05-26 -> 2021-06-01",
        "  placement: start-of-article -> end-of-body",
        "notice by-extremist-materials: removed",
        "  regions lost: BY",
        "  jurisdictions lost: belarus",
        "  pages no longer covered: /a/**, /??/a/**, /api/articles/**",
        "  text removed: ru, be, uk, en",
        "page language of /be/: be -> (none)",
        "1 notice changed, 1 notice removed, 1 page language(s) changed",
    ]


def test_an_added_notice_lists_who_and_where(old_new: tuple[Path, Path]) -> None:
    old, new = old_new
    (old / "20-belarus.yaml").unlink()
    impact = compare(load_rules(old), load_rules(new))
    (added,) = impact.notices
    assert (added.id, added.status, added.regions_gained, added.texts_added) == (
        "by-extremist-materials",
        "added",
        ("BY",),
        ("ru", "be", "uk", "en"),
    )


def test_markdown_gives_a_table_for_a_review(capsys: Capture, old_new: tuple[Path, Path]) -> None:
    old, new = old_new
    edit(new / "10-russia.yaml", "      - UA-65  # Kherson oblast\n", "")
    edit(new / "20-belarus.yaml", 'regions: ["BY"]', 'regions: ["BY", "UA-65"]')
    assert main(["diff", str(old), str(new), "--format", "markdown"]) == 1
    assert capsys.readouterr().out.splitlines()[2:6] == [
        "| Notice | Change | Regions gained | Regions lost | Pages | Text | Other |",
        "|---|---|---|---|---|---|---|",
        "| `ru-undesirable-organization` | changed |  | UA-65 |  |  |  |",
        "| `by-extremist-materials` | changed | UA-65 |  |  |  |  |",
    ]


def test_json_for_machines(capsys: Capture, old_new: tuple[Path, Path]) -> None:
    old, new = old_new
    edit(new / "20-belarus.yaml", "from: 2023-03-01T00:00:00Z", "until: 2030-01-01")
    assert main(["diff", str(old), str(new), "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["impact"] is True
    (notice,) = document["notices"]
    assert notice["settings"] == {
        "from": {"old": "2023-03-01", "new": "(none)"},
        "until": {"old": "(none)", "new": "2030-01-01"},
    }


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def test_git_compares_the_committed_rules_with_the_working_tree(
    capsys: Capture, old_new: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = old_new[0]
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "rules")
    monkeypatch.chdir(repo)
    assert main(["diff", "--git", "HEAD", "."]) == 0
    edit(repo / "20-belarus.yaml", 'regions: ["BY"]', 'regions: ["BY", "RU"]')
    assert main(["diff", "--git", "HEAD", "."]) == 1
    out = capsys.readouterr().out
    assert "notice by-extremist-materials: changed\n  regions gained: RU\n" in out
    assert main(["diff", "--git", "HEAD", "20-belarus.yaml"]) == 1


def test_git_errors_are_one_line_settings_errors(
    capsys: Capture, old_new: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = old_new[0]
    assert main(["diff", "--git", "HEAD", str(repo)]) == 2
    assert "is not inside a git repository" in capsys.readouterr().err
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "rules")
    assert main(["diff", "--git", "no-such-rev", str(repo)]) == 2
    assert "--git: unknown revision 'no-such-rev'" in capsys.readouterr().err
    (repo / "later").mkdir()
    (repo / "later" / "a.yaml").write_text("version: 1\n")
    assert main(["diff", "--git", "HEAD", str(repo / "later")]) == 2
    assert "--git: later does not exist at HEAD" in capsys.readouterr().err


def test_rules_that_do_not_load_are_reported(capsys: Capture, old_new: tuple[Path, Path]) -> None:
    old, new = old_new
    edit(new / "20-belarus.yaml", 'regions: ["BY"]', 'regions: ["BX"]')
    assert main(["diff", str(old), str(new)]) == 2
    assert "unknown country code 'BX'" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["a"], ["a", "b", "c"], ["--git", "HEAD", "a", "b"]])
def test_the_paths_must_match_the_mode(capsys: Capture, args: list[str]) -> None:
    assert main(["diff", *args]) == 2
