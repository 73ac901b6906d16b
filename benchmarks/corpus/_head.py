"""What fills an article page's head besides scripts: minified CSS, the forty-odd meta and link
tags of SEO, Open Graph and Twitter cards, schema.org JSON-LD, old-IE conditional comments."""

from __future__ import annotations

import html
import json
from random import Random

from ._prose import EN_WORDS, person, slug

_PROPERTIES = (
    "color:#{c}",
    "background:#{c}",
    "margin:0 0 {n}px",
    "padding:{n}px {m}px",
    "font-size:{n}px",
    "line-height:1.{m}",
    "display:flex",
    "align-items:center",
    "border-bottom:1px solid #{c}",
    "max-width:{w}px",
    "grid-template-columns:repeat(auto-fill,minmax({w}px,1fr))",
    "transition:opacity .2s ease-in-out",
    "font-family:var(--font-{m}),Georgia,serif",
    "position:relative",
    "z-index:{n}",
)


_ELEMENTS = ("a", "span", "li", "p", "h2", "h3", "img", "svg", "button", "figure", "figcaption", "div")


_STATES = ("", "", "", ":hover", ":focus-visible", "::before", "::after", ":first-child", ":not(:last-child)")


def css(rng: Random, prefix: str, rules: int) -> str:
    """Minified CSS of BEM-named components, child combinators and media queries included."""
    blocks = ("header", "nav", "card", "teaser", "article", "byline", "share", "footer", "promo", "ad")
    out = []
    for i in range(rules):
        block = rng.choice(blocks)
        element = rng.choice(("title", "link", "item", "media", "label", "meta", "icon", "body"))
        selector = f".{prefix}-{block}__{element}{rng.choice(_STATES)}"
        if rng.random() < 0.35:
            selector += f">{rng.choice(_ELEMENTS)}"
        if rng.random() < 0.2:
            selector += (
                f",.{prefix}-{block}--{rng.choice(('dark', 'wide', 'compact'))} {rng.choice(_ELEMENTS)}"
            )
        declarations = ";".join(
            p.format(
                c=f"{rng.randrange(1 << 24):06x}",
                n=rng.randrange(2, 48),
                m=rng.randrange(1, 9),
                w=rng.choice((120, 240, 320, 640, 1024, 1280)),
            )  # fmt: skip
            for p in rng.sample(_PROPERTIES, rng.randint(2, 6))
        )
        rule = f"{selector}{{{declarations}}}"
        if i % 17 == 16:
            rule = f"@media (min-width:{rng.choice((600, 768, 1024))}px){{{rule}}}"
        out.append(rule)
    return "".join(out)


def meta_tags(
    rng: Random, *, site: str, title: str, description: str, url: str, image: str, xhtml: bool = False
) -> str:
    """The forty-odd meta and link tags of an article head: SEO, Open Graph, Twitter, app links,
    icons, preconnects, alternates. ``xhtml`` writes ``<meta ... />`` as WordPress does."""
    end = " />" if xhtml else ">"
    t = html.escape(title)
    d = html.escape(description)
    lines = [
        f'<meta name="viewport" content="width=device-width, initial-scale=1"{end}',
        f'<meta name="description" content="{d}"{end}',
        f'<meta name="robots" content="index, follow, max-image-preview:large, max-snippet:-1"{end}',
        f'<link rel="canonical" href="{url}"{end}',
        f'<meta property="og:locale" content="en_US"{end}',
        f'<meta property="og:type" content="article"{end}',
        f'<meta property="og:title" content="{t}"{end}',
        f'<meta property="og:description" content="{d}"{end}',
        f'<meta property="og:url" content="{url}"{end}',
        f'<meta property="og:site_name" content="{site}"{end}',
        f'<meta property="og:image" content="{image}"{end}',
        f'<meta property="og:image:width" content="1200"{end}',
        f'<meta property="og:image:height" content="630"{end}',
        '<meta property="article:published_time" '
        f'content="2026-11-2{rng.randrange(10)}T0{rng.randrange(10)}:12:00+00:00"{end}',
        f'<meta property="article:modified_time" content="2026-11-28T1{rng.randrange(10)}:40:00+00:00"{end}',
        f'<meta property="article:section" content="World"{end}',
        f'<meta name="twitter:card" content="summary_large_image"{end}',
        f'<meta name="twitter:site" content="@{site.split(".")[0]}"{end}',
        f'<meta name="twitter:title" content="{t}"{end}',
        f'<meta name="twitter:description" content="{d}"{end}',
        f'<meta name="twitter:image" content="{image}"{end}',
        f'<meta name="twitter:label1" content="Written by"{end}<meta name="twitter:data1" '
        f'content="{person(rng)}"{end}',
        f'<meta name="apple-itunes-app" content="app-id={rng.randrange(10**9)}, app-argument={url}"{end}',
        f'<meta name="theme-color" content="#ffffff" media="(prefers-color-scheme: light)"{end}',
        f'<meta name="theme-color" content="#111111" media="(prefers-color-scheme: dark)"{end}',
        f'<meta name="format-detection" content="telephone=no"{end}',
        f'<meta name="google-site-verification" content="{rng.randbytes(16).hex()}"{end}',
        f'<meta name="parsely-metadata" content=\'{{"section":"world","tags":["courts","media"],'
        f'"score":{rng.random():.3f}}}\'{end}',
        f'<link rel="icon" href="/favicon.ico" sizes="32x32"{end}',
        f'<link rel="icon" href="/icon.svg" type="image/svg+xml"{end}',
        f'<link rel="apple-touch-icon" href="/apple-touch-icon.png"{end}',
        f'<link rel="manifest" href="/site.webmanifest"{end}',
        f'<link rel="alternate" type="application/rss+xml" title="{site} &raquo; Feed" '
        f'href="https://{site}/feed/"{end}',
        f'<link rel="amphtml" href="{url}?outputType=amp"{end}',
    ]
    for host in (
        "fonts.gstatic.com",
        "cdn.ampproject.org",
        "securepubads.g.doubleclick.net",
        "www.googletagmanager.com",
    ):
        lines.append(f'<link rel="preconnect" href="https://{host}" crossorigin{end}')
        lines.append(f'<link rel="dns-prefetch" href="//{host}"{end}')
    for lang in ("en", "de", "fr", "es", "ru", "uk"):
        lines.append(
            f'<link rel="alternate" hreflang="{lang}" '
            f'href="https://{site}/{lang}{url[url.find("/a/") :]}"{end}'
        )
    for weight in (400, 700):
        lines.append(
            f'<link rel="preload" href="/fonts/publico-{weight}.woff2" as="font" type="font/woff2" '
            f"crossorigin{end}"
        )
    return "\n".join(lines) + "\n"


def news_article_json_ld(rng: Random, *, site: str, title: str, url: str, image: str, body: str = "") -> str:
    """A schema.org NewsArticle, as SEO plugins write it (``articleBody`` may carry HTML)."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": title,
        "image": [image, image.replace("1200x630", "1200x1200"), image.replace("1200x630", "800x600")],
        "datePublished": "2026-11-27T07:12:00+00:00",
        "dateModified": "2026-11-28T11:40:00+00:00",
        "author": [
            {"@type": "Person", "name": person(rng), "url": f"https://{site}/author/{slug(rng, n=2)}"}
        ],
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": site,
            "logo": {"@type": "ImageObject", "url": f"https://{site}/logo.png", "width": 600, "height": 60},
        },
        "isAccessibleForFree": True,
        "articleSection": "World",
        "keywords": [rng.choice(EN_WORDS) for _ in range(12)],
    }
    if body:
        data["articleBody"] = body
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>\n'


def conditional_comments() -> str:
    """Old-IE conditional comments, which many themes still print."""
    return (
        '<!--[if lt IE 9]><script src="/js/html5shiv.min.js"></script><![endif]-->\n'
        '<!--[if IE]><link rel="stylesheet" href="/css/ie.css"><![endif]-->\n'
        '<!--[if !IE]><!--><script>document.documentElement.className+=" js";</script><!--<![endif]-->\n'
    )
