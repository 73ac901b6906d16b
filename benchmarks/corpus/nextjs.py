"""A Next.js (pages router) news site: server-rendered article, then a large ``__NEXT_DATA__``.

The page props repeat the whole article as structured JSON (the CMS's rich-text tree, with HTML
strings), plus the navigation, the most-read list and the related stories, which is what makes
``__NEXT_DATA__`` several hundred kilobytes. Next.js escapes ``<`` in it as ``\\u003c``, so this
script is long but holds little markup. The head carries emotion's style tags, preloads of the
build's chunks and ``next-head-count``; the end of the body is the chunk scripts.
"""

from __future__ import annotations

import html
import json
from random import Random

from ._builder import PageBuilder
from ._head import css, meta_tags, news_article_json_ld
from ._prose import EN_WORDS, person, sentence, slug
from ._scripts import data_layer, gtm_body, gtm_head

SITE = "www.meridian-news.example"
TITLE = "Inside the negotiations that stalled the grain corridor for six weeks"
BUILD = "k3Jd9xPq2mVb7RtYw1LzA"


def _chunk(rng: Random, name: str) -> str:
    return f"/_next/static/chunks/{name}-{rng.randbytes(8).hex()}.js"


def build(rng: Random, paragraphs: int = 110, story_cards: int = 1200) -> PageBuilder:
    page = PageBuilder()
    story_id = rng.randrange(10**7)
    url = f"https://{SITE}/a/world/{slug(rng)}/{story_id}.html"
    image = f"https://images.meridian-news.example/{story_id}/1200x630.jpg"
    description = sentence(rng, EN_WORDS, 16, 22)
    chunks = [_chunk(rng, n) for n in ("webpack", "framework", "main", "pages/_app", "pages/a/[...slug]")]
    chunks += [_chunk(rng, str(rng.randrange(100, 999))) for _ in range(14)]
    page.add(
        '<!DOCTYPE html><html lang="en"><head><meta charSet="utf-8"/>',
        '<meta name="viewport" content="width=device-width"/>',
        f"<title>{html.escape(TITLE)} | Meridian</title>",
        meta_tags(rng, site=SITE, title=TITLE, description=description, url=url, image=image, xhtml=True),
        '<meta name="next-head-count" content="58"/>',
        f'<link rel="preload" href="/_next/static/css/{rng.randbytes(8).hex()}.css" as="style"/>',
        f'<link rel="stylesheet" href="/_next/static/css/{rng.randbytes(8).hex()}.css" data-n-g=""/>',
        '<noscript data-n-css=""></noscript>',
        "".join(f'<link rel="preload" href="{c}" as="script"/>' for c in chunks),
        "".join(
            f'<style data-emotion="css {rng.randbytes(3).hex()}">'
            + css(rng, f"css-{rng.randbytes(3).hex()}", 6)
            + "</style>"
            for _ in range(45)
        ),
        news_article_json_ld(rng, site=SITE, title=TITLE, url=url, image=image),
        gtm_head("GTM-MRDN42"),
        data_layer(rng, section="world", title=TITLE),
        '<script>(function(){try{var m=localStorage.getItem("theme");if(m==="dark"){document.documentElement'
        '.dataset.theme="dark"}}catch(e){}})()</script>',
    )
    page.end_head()
    page.body("<body>")
    page.add(gtm_body("GTM-MRDN42"), '<div id="__next">')
    nav = [{"label": rng.choice(EN_WORDS).title(), "href": f"/section/{slug(rng, n=2)}"} for _ in range(40)]
    page.add(
        '<div class="css-1x2y3z layout"><header class="css-hdr1"><a class="css-logo" href="/" '
        'aria-label="Meridian home">'
        '<svg viewBox="0 0 120 24" width="120" height="24" aria-hidden="true"><path d="M0 0h24v24H0z"/>'
        "</svg></a>"
        '<nav class="css-nav"><ul>',
        "".join(
            f'<li class="css-nav-item"><a href="{n["href"]}">{html.escape(n["label"])}</a></li>' for n in nav
        ),
        '</ul></nav></header><main class="css-main" id="main-content">',
    )
    page.article('<article class="css-story" data-testid="story">')
    page.add('<header class="css-story-header"><span class="css-kicker">Analysis</span>')
    page.h1('<h1 class="css-headline" data-testid="headline">', TITLE)
    author = person(rng)
    page.byline(
        '<p class="byline css-byline" data-testid="byline">',
        f'By <a href="/author/{slug(rng, n=2)}">{author}</a><span class="css-sep"> | </span>'
        '<time dateTime="2026-11-27T07:12:00.000Z">Nov. 27, 2026</time>',
    )
    page.add(
        '</header><figure class="css-hero"><img alt="" fetchpriority="high" width="1200" height="630" '
        'decoding="async" '
        f'data-nimg="1" style="color:transparent" srcSet="/_next/image?url={image}&amp;w=1200&amp;q=75 1x, '
        f'/_next/image?url={image}&amp;w=3840&amp;q=75 2x" src="/_next/image?url={image}&amp;w=3840&amp;'
        'q=75"/>'
        "<figcaption>Ships waiting at the anchorage &gt; 40 of them.</figcaption></figure>"
    )
    page.element("article-body", '<div class="css-story-body" id="article-body">')
    blocks: list[dict[str, object]] = []
    for i in range(paragraphs):
        text = sentence(rng, EN_WORDS) + " " + sentence(rng, EN_WORDS) + " " + sentence(rng, EN_WORDS)
        href = f"/a/{slug(rng)}/{rng.randrange(10**7)}.html"
        cut = text.find(" ", len(text) // 2)
        page.add(
            f'<p class="css-par">{html.escape(text[:cut])} <a class="css-link" href="{href}">'
            f"{html.escape(text[cut + 1 :])}</a></p>"
        )
        blocks.append(
            {
                "type": "paragraph",
                "id": rng.randbytes(6).hex(),
                "html": f'{html.escape(text[:cut])} <a href="{href}">{html.escape(text[cut + 1 :])}</a>',
                "children": [
                    {"type": "text", "text": text[:cut]},
                    {"type": "link", "href": href, "text": text[cut + 1 :]},
                ],
            }
        )
        if i % 12 == 11:
            page.add(
                f'<aside class="css-inline-ad"><div id="ad-inline-{i}" class="ad-slot" '
                'data-ad-size="300x250"></div></aside>'
            )
            blocks.append({"type": "ad", "slot": f"ad-inline-{i}"})
        if i == 20:
            # An embedded post: an article of its own, inside the story.
            page.add(
                '<article class="css-embed" data-embed="instagram"><blockquote class="instagram-media" '
                f'data-instgrm-permalink="https://www.instagram.com/p/{rng.randbytes(6).hex()}/"><p>'
                f"{html.escape(sentence(rng, EN_WORDS))}</p></blockquote></article>"
            )
            blocks.append(
                {
                    "type": "embed",
                    "provider": "instagram",
                    "html": '<blockquote class="instagram-media"></blockquote>',
                }
            )
    page.add('</div><footer class="css-story-footer"><ul class="css-tags">')
    page.add("".join(f'<li><a href="/tag/{w}">{w}</a></li>' for w in rng.sample(EN_WORDS, 8)))
    page.add("</ul></footer></article>")
    cards = [
        {
            "id": rng.randrange(10**7),
            "headline": sentence(rng, EN_WORDS, 6, 12)[:-1],
            "summary": sentence(rng, EN_WORDS, 14, 24),
            "url": f"/a/{slug(rng)}/{rng.randrange(10**7)}.html",
            "image": {
                "src": f"https://images.meridian-news.example/{rng.randrange(10**7)}/640x360.jpg",
                "alt": "",
                "width": 640,
                "height": 360,
            },
            "section": rng.choice(("world", "politics", "business", "climate", "culture")),
            "authors": [{"name": person(rng), "slug": slug(rng, n=2)}],
            "publishedAt": f"2026-11-{rng.randrange(10, 28)}T{rng.randrange(10, 23)}:00:00.000Z",
        }
        for _ in range(story_cards)
    ]
    page.add(
        '<section class="css-most-read" aria-labelledby="most-read"><h2 id="most-read">Most read</h2><ol>'
    )
    page.add(
        "".join(f'<li><a href="{c["url"]}">{html.escape(str(c["headline"]))}</a></li>' for c in cards[:10])
    )
    page.add("</ol></section></main>")
    page.add(
        '<footer class="css-footer"><p>&copy; 2026 Meridian News</p><ul>',
        "".join(f'<li><a href="{n["href"]}">{html.escape(n["label"])}</a></li>' for n in nav),
        "</ul></footer></div></div>",
    )
    next_data = {
        "props": {
            "pageProps": {
                "story": {
                    "id": story_id,
                    "headline": TITLE,
                    "description": description,
                    "byline": [{"name": author}],
                    "body": blocks,
                    "seo": {"canonical": url, "image": image},
                },
                "navigation": nav,
                "mostRead": cards[:10],
                "related": cards[10:],
                "ads": {
                    "slots": [
                        {"id": f"ad-inline-{i}", "sizes": [[300, 250]]} for i in range(11, paragraphs, 12)
                    ]
                },
            },
            "__N_SSP": True,
        },
        "page": "/a/[...slug]",
        "query": {"slug": ["world", "grain-corridor", str(story_id)]},
        "buildId": BUILD,
        "isFallback": False,
        "gssp": True,
        "scriptLoader": [],
    }
    page.add(
        '<script id="__NEXT_DATA__" type="application/json">',
        _escape_json(json.dumps(next_data, ensure_ascii=False, separators=(",", ":"))),
        "</script>",
    )
    page.add("".join(f'<script src="{c}" defer=""></script>' for c in chunks[:5]))
    page.add(
        f'<script src="/_next/static/{BUILD}/_buildManifest.js" defer=""></script>'
        f'<script src="/_next/static/{BUILD}/_ssgManifest.js" defer=""></script>'
    )
    page.end_body()
    page.add("</html>")
    return page


def _escape_json(text: str) -> str:
    # What Next.js does to the JSON it puts in a script (htmlEscapeJsonString).
    for raw, escaped in (
        ("&", "\\u0026"),
        (">", "\\u003e"),
        ("<", "\\u003c"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text
