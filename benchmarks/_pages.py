"""Realistic article pages for the benchmarks: a news site's template around a long article."""

from __future__ import annotations

_PARAGRAPH = (
    "<p>The regional court adjourned the hearing for the third time this month, citing the absence "
    'of a witness whose testimony the <a href="/a/court-watch/1187.html">defence</a> says is '
    "essential. Observers from <em>two</em> human-rights groups were <strong>not admitted</strong> "
    "to the courtroom, and journalists followed the session from a corridor screen.</p>\n"
)

_HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Court adjourns hearing again - The Ledger</title>
<link rel="stylesheet" href="/static/site.css">
<script>window.dataLayer = window.dataLayer || []; /* "<body>" in a string */</script>
<style>body > article { max-width: 42rem; } /* </body> in a comment */</style>
</head>
<body class="article-page" data-section="politics">
<header class="site-header"><a href="/">The Ledger</a>
<nav><ul>{nav}</ul></nav></header>
<!-- <body> inside a comment must not be mistaken for the real one -->
<main>
<article id="story" class="story">
<h1>Court adjourns hearing again</h1>
"""

_TAIL = """</article>
<aside class="related"><h2>Related</h2><ul>{related}</ul></aside>
</main>
<footer class="site-footer"><p>&copy; The Ledger</p></footer>
<script src="/static/site.js" defer></script>
</body>
</html>
"""


def article_page(size: int = 100_000) -> bytes:
    """An HTML article page of about ``size`` bytes, notice placement points all present."""
    nav = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(12))
    related = "".join(f'<li><a href="/a/related/{i}.html">Related story {i}</a></li>' for i in range(20))
    head = _HEAD.replace("{nav}", nav)
    tail = _TAIL.replace("{related}", related)
    count = max(1, (size - len(head) - len(tail)) // len(_PARAGRAPH))
    return (head + _PARAGRAPH * count + tail).encode()
