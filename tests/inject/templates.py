"""Real-looking article pages for the placement tests: a WordPress news theme and a Next.js page.

Deterministic (a fixed seed), modeled on what those templates put around an article, including
what makes placement hard: a logo in an ``<h1>`` on one of them, comments that are articles
inside the article, ``<template>`` markup (Alpine, web components) with its own articles and
headlines, scripts and JSON that mention ``</article>``, ``<h1>`` and ``class="byline"``,
attributes with ``>`` in quotes, an inline SVG sprite, uppercase tags, and an author box after the
article text. Every page has what the tested placements look for.
"""

from __future__ import annotations

import json
from random import Random

# fmt: off
WORDS = (
    "the", "court", "adjourned", "hearing", "again", "witness", "defence", "observers", "journalists",
    "regional", "printers", "refused", "orders", "independent", "papers", "minister", "said", "report",
    "sources", "officials", "readers", "sharing", "outlet", "undesirable", "organization", "published",
)
# fmt: on


def _sentence(rng: Random, words: int = 18) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _paragraphs(rng: Random, count: int) -> str:
    out = []
    for i in range(count):
        link = f' <a href="/a/story-{rng.randrange(999)}/{i}.html" data-track=\'{{"pos":{i}}}\'>more</a>'
        out.append(f"<p>{_sentence(rng)} {_sentence(rng)}{link if i % 3 == 0 else ''} {_sentence(rng)}</p>\n")
    return "".join(out)


def wordpress(seed: int = 7) -> bytes:
    """A WordPress news theme: Yoast meta, block CSS, emoji script, the site logo as ``<h1>`` on every
    page (so ``after-headline`` finds the logo: such sites use ``article h1``), comments as
    articles inside the article, an author box after the text."""
    rng = Random(seed)
    meta = "".join(
        f'<meta property="og:tag{i}" content="Value {i} &quot;quoted&quot; a>b">\n' for i in range(30)
    )
    head = (
        '<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta charset="UTF-8">\n'
        f"<title>Court adjourns hearing again &#8211; The Ledger</title>\n{meta}"
        '<script type="application/ld+json">'
        + json.dumps({"@type": "NewsArticle", "headline": "<h1>Court</h1>", "author": {"name": "</article>"}})
        + "</script>\n"
        '<script>window._wpemojiSettings = {"source":{"concatemoji":"wp-emoji.js"}};'
        "if (a < b && c > d) { document.write('<article class=\"byline\"></h1>'); }</script>\n"
        '<style id="wp-block-library-inline-css">.wp-block-quote>p{margin:0}'
        " article p.byline{color:#555}</style>\n"
        "</head>\n"
    )
    comments = "".join(
        f'<li><article id="div-comment-{i}" class="comment-body"><footer class="comment-meta">'
        f'<b class="fn">Reader {i}</b></footer><div class="comment-content"><p>{_sentence(rng)}</p>'
        "</div></article></li>\n"
        for i in range(6)
    )
    body = (
        '<body class="post-template-default single single-post">\n'
        '<div id="page" class="site"><a class="skip-link" href="#content">Skip</a>\n'
        '<header id="masthead" class="site-header"><h1 class="site-title"><a href="/">The Ledger</a></h1>\n'
        '<nav class="main-navigation"><ul id="primary-menu">'
        + "".join(f'<li class="menu-item"><a href="/section/{i}">Section {i}</a></li>' for i in range(20))
        + "</ul></nav></header>\n"
        '<!-- wp:post-content <article class="post"> </article> -->\n'
        '<div id="content" class="site-content"><main id="main" class="site-main">\n'
        '<ARTICLE id="post-1042" class="post-1042 post type-post status-publish">\n'
        '<header class="entry-header"><h1 class="entry-title">Court adjourns hearing again</h1>'
        '<div class="entry-meta"><p class="byline">By <span class="author vcard">Marta Oliynyk</span>'
        "</p></div></header>\n"
        f'<div class="entry-content" itemprop="articleBody">\n{_paragraphs(rng, 40)}</div>\n'
        '<div class="author-box" data-title="About > the author"><img class="avatar" src="/a.png" alt="">'
        f"<p>{_sentence(rng)}</p></div>\n"
        '<section id="comments" class="comments-area"><h2>Comments</h2><ol class="comment-list">\n'
        f"{comments}</ol></section>\n"
        "</ARTICLE>\n</main></div>\n"
        '<aside id="secondary" class="widget-area"><section class="widget"><h2>Related</h2><ul>'
        + "".join(f'<li><a href="/a/related/{i}.html">Related story {i}</a></li>' for i in range(15))
        + "</ul></section></aside>\n"
        '<footer id="colophon" class="site-footer"><p>&copy; The Ledger</p></footer></div>\n'
        '<script src="/wp-includes/js/wp-embed.min.js"></script>\n</body>\n</html>\n'
    )
    return (head + body).encode()


def nextjs(seed: int = 11) -> bytes:
    """A Next.js page: server-rendered article (headline first, no site ``<h1>``), an Alpine-style
    ``<template>`` with a card article and headline, an inline SVG sprite, then a large
    ``__NEXT_DATA__`` JSON script full of markup in strings."""
    rng = Random(seed)
    paragraphs = _paragraphs(rng, 30)
    data = {
        "props": {
            "pageProps": {
                "article": {"html": paragraphs + '</article><h1 class="byline">x</h1>', "title": "Court"},
                "related": [{"html": f"<article><h1>Story {i}</h1></article>"} for i in range(80)],
            }
        },
        "page": "/a/[slug]",
    }
    sprite = "".join(
        f'<symbol id="icon-{i}" viewBox="0 0 24 24"><path d="M{i} 0L24 {i}z"/></symbol>' for i in range(30)
    )
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charSet="utf-8"/>'
        "<title>Court adjourns hearing again | Courier</title>"
        '<link rel="preload" href="/_next/static/css/app.css" as="style"/>'
        '<script src="/_next/static/chunks/main.js" defer=""></script>'
        '</head><body><div id="__next">'
        f'<svg style="display:none" xmlns="http://www.w3.org/2000/svg">{sprite}</svg>'
        '<header class="Header_root__x1"><a class="Header_logo__y2" href="/">Courier</a></header>'
        '<div x-data="{open:false}"><template x-if="open"><article class="card"><h1>Card</h1>'
        '<p class="byline">card</p></article></template></div>'
        '<main class="Article_main__z3"><article class="Article_article__a4" data-section="politics">'
        '<h1 class="Article_headline__b5">Court adjourns hearing again</h1>'
        '<p class="byline Article_byline__c6">By <a href="/authors/marta">Marta Oliynyk</a></p>'
        f'<div class="Article_body__d7">{paragraphs}</div>'
        '<div class="author-box"><p>About the author</p></div>'
        "</article></main></div>"
        '<script id="__NEXT_DATA__" type="application/json">'
        + json.dumps(data).replace("</", "<\\/", 1)
        + "</script></body></html>"
    )
    return page.encode()
