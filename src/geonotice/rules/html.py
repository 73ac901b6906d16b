"""The HTML subset notice texts may use, and the check that names whatever falls outside it.

Texts are checked, never silently cleaned: a lawyer who wrote ``<b>`` must learn that it will not
be bold, rather than find out from a screenshot. The injector sanitizes again with nh3 when it
renders, as a second line of defence.
"""

from __future__ import annotations

from html.parser import HTMLParser

from geonotice.rules.vocabulary import ALLOWED_TAGS, LINK_SCHEMES


class _Walker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._reported: set[str] = set()

    def _once(self, message: str) -> None:
        if message not in self._reported:
            self._reported.add(message)
            self.problems.append(message)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self._once(f"tag <{tag}> is not allowed (allowed: {', '.join(f'<{t}>' for t in ALLOWED_TAGS)})")
            return
        for name, value in attrs:
            if tag == "a" and name == "href":
                scheme = (value or "").strip().split(":", 1)[0].lower() if ":" in (value or "") else ""
                if scheme not in LINK_SCHEMES:
                    self._once(
                        f"link target {value!r} is not allowed: use an http://, https:// or mailto: address"
                    )
            else:
                self._once(f"attribute {name!r} on <{tag}> is not allowed")
        if tag == "a" and not any(name == "href" for name, _ in attrs):
            self._once("a link <a> needs an href")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag not in ALLOWED_TAGS:
            self._once(f"tag <{tag}> is not allowed (allowed: {', '.join(f'<{t}>' for t in ALLOWED_TAGS)})")

    def handle_comment(self, data: str) -> None:
        self._once("HTML comments are not allowed")

    def handle_decl(self, decl: str) -> None:
        self._once(f"<!{decl}> is not allowed")

    def unknown_decl(self, data: str) -> None:
        self._once(f"<![{data}]> is not allowed")

    def handle_pi(self, data: str) -> None:
        self._once(f"<?{data}> is not allowed")


def html_problems(text: str) -> list[str]:
    """What in ``text`` falls outside the allowed subset, one message per kind (empty if all is well)."""
    walker = _Walker()
    walker.feed(text)
    walker.close()
    return walker.problems
