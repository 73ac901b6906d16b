"""The README's "Using it in your app", read from README.md itself, so that tests run what readers paste.

``readme_snippet()`` returns the section's Python block, the file name the text tells readers to save
it as, the command that serves it and the curl lines that try it, parsed as a shell would.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import NamedTuple

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "## Using it in your app"
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
#: Where the README's curl lines send their requests; tests serve on a free port instead.
README_ORIGIN = "http://127.0.0.1:8000"


class Curl(NamedTuple):
    """What one curl line asks for: its URL and the request headers it sends (``-H``)."""

    url: str
    headers: dict[str, str]


class Snippet(NamedTuple):
    file_name: str
    code: str
    command: list[str]
    curls: list[Curl]


def readme_section(heading: str) -> str:
    """The README's section that starts with ``heading`` (``## The rules in``), up to the next."""
    text = README.read_text(encoding="utf-8")
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start : end if end >= 0 else len(text)]


def code_blocks(section: str) -> list[tuple[str, str]]:
    """(language, body) of each fenced block of ``section``."""
    return _FENCE.findall(section)


def readme_snippet() -> Snippet:
    """The section's snippet; an ``AssertionError`` says what the section no longer has."""
    section = readme_section(SECTION)
    blocks = code_blocks(section)
    code = [body for language, body in blocks if language == "python"]
    assert len(code) == 1, f"the section has one Python block, not {len(code)}"
    name = re.search(r"Save this as `([\w.]+\.py)`", section)
    assert name is not None, "the section says which file to save the snippet in"
    lines = [line for language, body in blocks if language == "sh" for line in body.splitlines()]
    serve = [shlex.split(line) for line in lines if line.startswith("uvicorn ")]
    assert len(serve) == 1, f"the section has one uvicorn command, not {len(serve)}"
    curls = [curl(shlex.split(line, comments=True)) for line in lines if line.startswith("curl ")]
    return Snippet(name[1], code[0], serve[0], curls)


def curl(argv: list[str]) -> Curl:
    """A curl command line as a request.

    Raises:
        AssertionError: it uses an option not followed here (only ``-s``, ``-i`` and ``-H`` are).
    """
    headers: dict[str, str] = {}
    urls: list[str] = []
    arguments = iter(argv[1:])
    for argument in arguments:
        if argument == "-H":
            name, _, value = next(arguments).partition(":")
            headers[name.strip()] = value.strip()
        elif re.fullmatch(r"-[si]+", argument):
            continue  # quiet, and show the response headers: what is shown, not what is sent
        else:
            assert not argument.startswith("-"), f"a README curl line uses {argument}, not followed here"
            urls.append(argument)
    assert len(urls) == 1, f"a curl line has one URL, not {urls}"
    return Curl(urls[0], headers)
