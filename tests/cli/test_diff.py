"""``geonotice diff``: the impact on readers of a change to the rules."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from geonotice.cli import main
from geonotice.policy.impact import compare
from geonotice.policy.impact_formats import format_markdown
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
    # The draft label uses the same jurisdiction: it changes too, for no reader.
    assert capsys.readouterr().out.splitlines()[1:] == [
        "notice ru-undesirable-organization: changed",
        "  regions lost: UA-14 (Donetsk oblast), now excepted",
        "notice ru-foreign-agent-label: draft changed: no reader sees a draft",
        "  regions lost: UA-14 (Donetsk oblast), now excepted",
        "1 notice changed, 1 draft changed",
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
    (new / "30-russia-foreign-agent.yaml").unlink()
    edit(new / "00-settings.yaml", '  "/be/": be\n', "")
    assert main(["diff", str(old), str(new)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:9] == [
        "notice ru-undesirable-organization: changed",
        "  regions gained: BY (Belarus)",
        "  regions lost: UA-65 (Kherson oblast)",
        "  pages newly covered: /news/**",
        "  pages no longer covered: /??/a/**",
        '  text changed (en): … this publication an "undesirable organization". Under [-Russian-] {+the+} '
        "law, taking part in the work …",
        "  from: 2021-05-26 -> 2021-06-01",
        "  placement: start-of-article -> end-of-body",
    ]
    # A removed notice is listed whole: who, where, when, how and what it said.
    assert lines[9:19] == [
        "notice by-extremist-materials: removed",
        "  regions: BY (Belarus)",
        "  jurisdictions: belarus",
        "  pages: /a/**, /??/a/**, /api/articles/**",
        "  content types: text/html, application/json",
        "  in force: from 2023-03-01, with no end",
        "  placement: start-of-body",
        "  priority: 50",
        "  default language: ru",
        "  text (ru): Для читателей в Беларуси. Белорусский суд внёс материалы этого издания в "
        "республиканский список «экстремистских материалов». Их распространение, включая репосты, может "
        "повлечь штраф или административный арест, а помощь изданию, в том числе донаты, преследуется как "
        "содействие «экстремистскому формированию». Как читать нас безопасно.",
    ]
    assert [line.split(":")[0] for line in lines[19:22]] == ["  text (be)", "  text (uk)", "  text (en)"]
    # A draft that goes away takes nothing from readers.
    assert lines[22:] == [
        "notice ru-foreign-agent-label: draft removed: no reader sees a draft",
        "  regions: RU (Russia); UA-09 (Luhansk oblast); UA-14 (Donetsk oblast); "
        "UA-23 (Zaporizhzhia oblast); UA-40 (Sevastopol); UA-43 (Autonomous Republic of Crimea); "
        "UA-65 (Kherson oblast)",
        "  jurisdictions: russia-and-occupied-ukraine",
        "  pages: /a/**, /??/a/**",
        "  content types: text/html",
        "  in force: always, with no end",
        "  placement: after-headline",
        "  priority: 0",
        "  style: label-large",
        "  default language: ru",
        "  text (ru): НАСТОЯЩИЙ МАТЕРИАЛ (ИНФОРМАЦИЯ) ПРОИЗВЕДЕН И РАСПРОСТРАНЕН ИНОСТРАННЫМ АГЕНТОМ "
        "«СВОБОДНАЯ ВЕДОМОСТЬ» ЛИБО КАСАЕТСЯ ДЕЯТЕЛЬНОСТИ ИНОСТРАННОГО АГЕНТА «СВОБОДНАЯ ВЕДОМОСТЬ».",
        "page language of /be/: be -> (none)",
        "1 notice changed, 1 notice removed, 1 draft removed, 1 page language changed",
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
    assert added.whole is not None
    assert (added.whole.start, added.whole.placement, added.whole.priority) == (
        "2023-03-01",
        "start-of-body",
        50,
    )


def test_a_draft_going_live_is_an_added_notice_and_back_a_removed_one(
    capsys: Capture, old_new: tuple[Path, Path]
) -> None:
    old, new = old_new
    edit(new / "30-russia-foreign-agent.yaml", "    status: draft\n", "")
    assert main(["diff", str(old), str(new)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:3] == ["notice ru-foreign-agent-label: added (it was a draft)", lines[2]]
    assert lines[-1] == "1 notice added"
    assert main(["diff", str(new), str(old)]) == 1
    assert (
        capsys.readouterr().out.splitlines()[1]
        == "notice ru-foreign-agent-label: removed (it is now a draft)"
    )


def test_a_change_to_a_draft_alone_has_no_impact(capsys: Capture, old_new: tuple[Path, Path]) -> None:
    old, new = old_new
    edit(new / "30-russia-foreign-agent.yaml", "style: label-large", "style: label-huge")
    assert main(["diff", str(old), str(new)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"Impact of {old} -> {new}: none: no reader sees anything different",
        "notice ru-foreign-agent-label: draft changed: no reader sees a draft",
        "  style: label-large -> label-huge",
        "1 draft changed",
    ]


def test_a_change_of_markup_alone_is_shown_as_markup(capsys: Capture, old_new: tuple[Path, Path]) -> None:
    old, new = old_new
    edit(
        new / "20-belarus.yaml",
        'href="https://news.example/safety">How',
        'href="https://news.example/help">How',
    )
    assert main(["diff", str(old), str(new)]) == 1
    assert capsys.readouterr().out.splitlines()[2] == (
        '  markup changed (en): … prosecuted as aiding an "extremist formation". '
        '[-<a href="https://news.example/safety">-] {+<a href="https://news.example/help">+} '
        "How to read us safely</a>.</p>"
    )


def test_markdown_is_a_review_comment(capsys: Capture, old_new: tuple[Path, Path]) -> None:
    old, new = old_new
    edit(new / "10-russia.yaml", "      - UA-65  # Kherson oblast\n", "")
    edit(new / "10-russia.yaml", "Under Russian law", "Under the law")
    edit(new / "20-belarus.yaml", 'regions: ["BY"]', 'regions: ["BY", "UA-65"]')
    assert main(["diff", str(old), str(new), "--format", "markdown"]) == 1
    out = capsys.readouterr().out
    assert out.startswith(
        f"### Reader impact: `{old}` → `{new}`\n\n"
        "**Readers would see something different:** 2 notices changed.\n\n"
        "#### `ru-undesirable-organization`: changed\n\n"
        '*Warning about the "undesirable organization" status in Russia*\n\n'
        "- **Regions lost:** UA-65 (Kherson oblast)\n\n"
        "**Text changed (en):**\n\n"
        "> A warning for readers in Russia and in the parts of Ukraine that Russia occupies. The Russian "
        'authorities have declared this publication an "undesirable organization". Under <del>Russian</del> '
        "<ins>the</ins> law, taking part"
    )
    assert "#### `by-extremist-materials`: changed\n\n" in out
    assert "- **Regions gained:** UA-65 (Kherson oblast)\n" in out
    # The draft sharing the jurisdiction is folded away: no reader sees it.
    assert (
        "<details>\n<summary>A draft, never shown to readers</summary>\n\n#### `ru-foreign-agent-label`"
        in out
    )
    assert out.endswith("</details>\n")


def test_markdown_escapes_what_markdown_would_read(old_new: tuple[Path, Path]) -> None:
    old, new = old_new
    edit(new / "20-belarus.yaml", "For readers in Belarus.", "For *readers* in Belarus | 1 < 2.")
    text = format_markdown(compare(load_rules(old), load_rules(new)))
    assert (
        r"For <del>readers</del> <ins>\*readers\*</ins> in <del>Belarus.</del> "
        r"<ins>Belarus \| 1 &lt; 2.</ins>" in text
    )


def test_json_for_machines(capsys: Capture, old_new: tuple[Path, Path]) -> None:
    old, new = old_new
    edit(new / "20-belarus.yaml", "from: 2023-03-01T00:00:00Z", "until: 2030-01-01")
    edit(new / "20-belarus.yaml", 'regions: ["BY"]', 'regions: ["BY", "UA-65"]')
    assert main(["diff", str(old), str(new), "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["impact"] is True
    (notice,) = document["notices"]
    assert notice["settings"] == {
        "from": {"old": "2023-03-01", "new": "(none)"},
        "until": {"old": "(none)", "new": "2030-01-01"},
    }
    assert notice["regions_gained"] == ["UA-65"]
    assert document["region_names"] == {"UA-65": "Kherson oblast"}


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
    assert "notice by-extremist-materials: changed\n  regions gained: RU (Russia)\n" in out
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


def test_a_moved_selector_placement_says_on_which_side_of_the_element(
    capsys: Capture, old_new: tuple[Path, Path]
) -> None:
    old, new = old_new
    edit(
        old / "10-russia.yaml",
        "placement: start-of-article",
        'placement: {selector: "p.byline", position: after}',
    )
    edit(
        new / "10-russia.yaml",
        "placement: start-of-article",
        'placement: {selector: "p.byline", position: before}',
    )
    assert main(["diff", str(old), str(new)]) == 1
    assert '  placement: after "p.byline" -> before "p.byline"' in capsys.readouterr().out.splitlines()
