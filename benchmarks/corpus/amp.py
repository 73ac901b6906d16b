"""An AMP article: ``<html ⚡>``, the AMP boilerplate, custom elements, one ``amp-custom`` style.

AMP allows no author scripts, so the head is the runtime, one ``<script async custom-element>``
per component, the boilerplate style (and its ``<noscript>`` twin) and up to 75 KB of CSS in
``<style amp-custom>``. The body is made of ``amp-*`` elements: a sidebar, analytics configured
by JSON inside ``<script type="application/json">``, images, ads, social embeds, and an
``amp-list`` whose ``amp-mustache`` template holds markup of its own.
"""

from __future__ import annotations

import html
import json
from random import Random

from ._blocks import nav_links
from ._builder import PageBuilder
from ._head import css, news_article_json_ld
from ._prose import EN_WORDS, paragraph, person, sentence, slug

SITE = "amp.northstar-daily.example"
TITLE = "Water shortages spread to three more districts as reservoirs fall"
COMPONENTS = ("amp-analytics", "amp-sidebar", "amp-ad", "amp-social-share", "amp-twitter", "amp-list",
              "amp-bind", "amp-iframe", "amp-accordion", "amp-consent", "amp-geo", "amp-video")  # fmt: skip
BOILERPLATE = (
    "body{-webkit-animation:-amp-start 8s steps(1,end) 0s 1 normal both;-moz-animation:-amp-start 8s "
    "steps(1,end) "
    "0s 1 normal both;-ms-animation:-amp-start 8s steps(1,end) 0s 1 normal both;animation:-amp-start 8s "
    "steps(1,end) "
    "0s 1 normal both}@-webkit-keyframes "
    "-amp-start{from{visibility:hidden}to{visibility:visible}}@-moz-keyframes "
    "-amp-start{from{visibility:hidden}to{visibility:visible}}@-ms-keyframes "
    "-amp-start{from{visibility:hidden}to"
    "{visibility:visible}}@-o-keyframes -amp-start{from{visibility:hidden}to{visibility:visible}}@keyframes "
    "-amp-start"
    "{from{visibility:hidden}to{visibility:visible}}"
)


def build(rng: Random, paragraphs: int = 64) -> PageBuilder:
    page = PageBuilder()
    url = f"https://www.northstar-daily.example/a/{slug(rng)}/{rng.randrange(10**6)}.html"
    image = f"https://cdn.northstar-daily.example/img/{rng.randrange(10**8)}/1200x630.jpg"
    page.add(
        '<!doctype html>\n<html ⚡ lang="en" i-amphtml-layout="" i-amphtml-no-boilerplate="">\n<head>\n',
        '<meta charset="utf-8">\n<meta name="viewport" content="width=device-width">\n',
        '<link rel="preload" as="script" href="https://cdn.ampproject.org/v0.mjs" crossorigin="anonymous">\n',
        '<script async nomodule src="https://cdn.ampproject.org/v0.js"></script>\n',
        '<script async src="https://cdn.ampproject.org/v0.mjs" type="module" crossorigin="anonymous">'
        "</script>\n",
    )
    for component in COMPONENTS:
        version = "0.2" if component in ("amp-list", "amp-ad") else "0.1"
        page.add(
            f'<script async custom-element="{component}" '
            f'src="https://cdn.ampproject.org/v0/{component}-{version}.js"></script>\n'
        )
    page.add(
        '<script async custom-template="amp-mustache" '
        'src="https://cdn.ampproject.org/v0/amp-mustache-0.2.js"></script>\n',
        f"<title>{html.escape(TITLE)} | Northstar Daily</title>\n",
        f'<link rel="canonical" href="{url}">\n',
        f'<meta name="description" content="{html.escape(sentence(rng, EN_WORDS, 16, 22))}">\n',
        f'<meta property="og:title" content="{html.escape(TITLE)}">\n<meta property="og:image" '
        f'content="{image}">\n',
        news_article_json_ld(rng, site="www.northstar-daily.example", title=TITLE, url=url, image=image),
        f"<style amp-boilerplate>{BOILERPLATE}</style><noscript><style amp-boilerplate>"
        f"body{{-webkit-animation:none;"
        "-moz-animation:none;-ms-animation:none;animation:none}</style></noscript>\n",
        "<style amp-custom>",
        css(rng, "ns", 320),
        "</style>\n",
    )
    page.end_head()
    page.body('<body class="ns-amp">')
    page.add(
        "\n",
        '<amp-consent id="consent" layout="nodisplay"><script type="application/json">'
        '{"consentInstanceId":"ns",'
        '"consentRequired":"remote","checkConsentHref":"https://www.northstar-daily.example/consent",'
        '"promptUI":"consent-ui"}</script><div id="consent-ui" class="ns-consent"><p>We use cookies &amp; '
        "similar "
        'technologies.</p><button on="tap:consent.accept">Accept</button></div></amp-consent>\n',
        '<amp-analytics type="gtag" data-credentials="include"><script type="application/json">',
        json.dumps(
            {
                "vars": {"gtag_id": "G-N0RTH5", "config": {"G-N0RTH5": {"groups": "default"}}},
                "triggers": {
                    "scroll": {"on": "scroll", "scrollSpec": {"verticalBoundaries": [25, 50, 75, 90]}},
                    "share": {"on": "click", "selector": "amp-social-share", "vars": {"event_name": "share"}},
                },
            }
        ),
        "</script></amp-analytics>\n",
        '<amp-analytics type="comscore"><script type="application/json">'
        f'{{"vars":{{"c2":"{rng.randrange(10**7)}"}},"extraUrlParams":{{"comscorekw":"amp"}}}}'
        "</script></amp-analytics>\n",
        '<amp-sidebar id="sidebar" layout="nodisplay" side="left"><nav class="ns-sidebar"><ul>',
        nav_links(rng, 60, cls="ns-sidebar"),
        "</ul></nav></amp-sidebar>\n",
        '<header class="ns-header"><button class="ns-burger" on="tap:sidebar.toggle" aria-label="Menu">'
        "&#9776;</button>"
        '<a href="https://www.northstar-daily.example/"><amp-img src="/logo.svg" width="160" height="28" '
        'alt="Northstar Daily">'
        "</amp-img></a></header>\n",
        '<main id="content" role="main">\n',
    )
    page.article('<article class="ns-article">')
    page.h1('<h1 class="ns-headline">', TITLE)
    page.byline(
        '<p class="byline">', f'By {person(rng)} &middot; <time datetime="2026-11-27">Nov 27, 2026</time>'
    )
    page.add(
        f'<amp-img src="{image}" width="1200" height="630" layout="responsive" alt="A reservoir &gt; half '
        'empty">'
        '<noscript><img src="' + image + '" width="1200" height="630" alt=""></noscript></amp-img>\n',
        '<div class="ns-share">'
        + "".join(
            f'<amp-social-share type="{t}" width="32" height="32"></amp-social-share>'
            for t in ("facebook", "twitter", "email")
        )
        + "</div>\n",
    )
    page.element("article-body", '<div class="ns-body" id="article-body">')
    page.add("\n")
    for i in range(paragraphs):
        page.add(paragraph(rng, site="https://www.northstar-daily.example"))
        if i % 10 == 5:
            page.add(
                '<amp-ad width="300" height="250" type="doubleclick" '
                f'data-slot="/{rng.randrange(10**8)}/amp/article" '
                f'data-multi-size="320x50,300x100" json=\'{{"targeting":{{"pos":["{i}"],"kw":["water",'
                f'"drought"]}}}}\'>'
                "<div placeholder></div><div fallback></div></amp-ad>\n"
            )
        if i == 12:
            page.add(
                '<amp-twitter width="375" height="472" layout="responsive" '
                f'data-tweetid="{rng.randrange(10**18)}">'
                f"<blockquote placeholder><p>{html.escape(sentence(rng, EN_WORDS))}</p></blockquote>"
                "</amp-twitter>\n"
            )
        if i == 20:
            page.add(
                '<amp-accordion class="ns-factbox"><section><h2>Key facts</h2><ul>'
                + "".join(f"<li>{html.escape(sentence(rng, EN_WORDS, 6, 12))}</li>" for _ in range(5))
                + "</ul></section></amp-accordion>\n"
            )
    page.add("</div>\n")
    page.add(
        '<amp-list class="ns-related" layout="fixed-height" height="480" '
        'src="https://www.northstar-daily.example/api/related?id=1" '
        'binding="no" items="items">\n<template type="amp-mustache">\n'
        '<article class="ns-related__card"><a href="{{url}}"><amp-img src="{{image}}" width="320" '
        'height="180" '
        'layout="responsive" alt=""></amp-img><h3>{{title}}</h3></a></article>\n'
        "</template>\n<div overflow>See more</div></amp-list>\n",
        "</article>\n</main>\n",
        '<footer class="ns-footer"><ul>',
        nav_links(rng, 24, cls="ns-footer"),
        "</ul><p>&copy; 2026 Northstar Daily</p></footer>\n",
    )
    page.end_body()
    page.add("\n</html>\n")
    return page
