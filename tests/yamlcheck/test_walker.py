"""The walker on a small format declared here as data: every problem at once, at its place, with
its breadcrumb, and the values parsed where they are valid."""

from __future__ import annotations

from geonotice.yamlcheck import INVALID, Field, Walker, load_marked
from geonotice.yamlcheck.values import INTEGER, TextRule, items, section, text, text_list

WORD = TextRule("a word", None, lambda word: None)
SIZE = (Field("width", INTEGER, "How wide.", required=True), Field("depth", INTEGER, "How deep."))
SHELF = (
    Field("title", text(WORD, {"type": "string"}), "The shelf's title.", required=True),
    Field("tags", text_list(WORD, {"type": "string"}), "Tags."),
    Field("size", section(SIZE), "Its size."),
)
LIBRARY = (
    Field(
        "shelves",
        items(SHELF, label=lambda node, index: f"shelf {index + 1}"),
        "The shelves.",
        required=True,
        missing="list the shelves",
    ),
)


def walk(text: str) -> tuple[object, list[str]]:
    root, problems = load_marked(text, "lib.yaml")
    assert root is not None and problems == []
    walker = Walker("lib.yaml")
    mapping = walker.root(root, "a library is a mapping (shelves: ...)")
    top = None if mapping is None else walker.section(mapping, LIBRARY, "")
    return top, [f"{p.line}:{p.column}: {p.code}: {p.message}" for p in sorted(walker.problems)]


def test_a_valid_file_gives_parsed_values_and_clean_sections() -> None:
    top, problems = walk("shelves:\n  - {title: Poems, tags: verse, size: {width: 3}}\n")
    assert problems == []
    (shelf,) = top.get("shelves")  # type: ignore[attr-defined]
    assert shelf.clean and shelf.index == 0 and shelf.where == "shelf 1"
    assert (shelf.get("title"), shelf.get("tags"), shelf.get("size").get("width")) == ("Poems", ["verse"], 3)


def test_every_problem_comes_out_with_its_place_and_breadcrumb() -> None:
    top, problems = walk(
        "shelves:\n  - title: NO\n    tagz: [a]\n    size: {width: wide, depht: 2}\n  - 5\n  - {size: {}}\n"
        "extra: 1\n"
    )
    assert problems == [
        "2:12: quote-it: shelf 1: title: YAML read NO as the boolean false; "
        'write it in quotes ("NO") if you mean the text',
        "3:5: unknown-key: shelf 1: unknown key 'tagz' (did you mean 'tags'?)",
        "4:19: wrong-type: shelf 1: size.width: expected a whole number, got the text 'wide'",
        "4:25: unknown-key: shelf 1: size: unknown key 'depht' (did you mean 'depth'?)",
        "5:5: wrong-type: shelves[1]: expected a mapping (key: value lines), got the integer 5",
        "6:5: missing-key: shelf 3: missing key 'title': The shelf's title.",
        "6:12: missing-key: shelf 3: size: missing key 'width': How wide.",
        "7:1: unknown-key: unknown key 'extra' (expected one of: shelves)",
    ]
    shelf, empty = top.get("shelves")  # type: ignore[attr-defined]
    assert (
        empty.index == 2
        and not shelf.clean
        and shelf.values["title"] is INVALID
        and shelf.get("title") is None
    )


def test_a_missing_required_key_says_how_to_fix_it() -> None:
    assert walk("{}\n")[1] == ["1:1: missing-key: missing key 'shelves': list the shelves"]
    assert walk("- a\n")[1] == ["1:1: wrong-type: a library is a mapping (shelves: ...), not a list"]
