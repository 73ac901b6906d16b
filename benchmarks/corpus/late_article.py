"""A regional news portal whose article starts late: after a mega-menu, tickers and promo rails.

Portals built on older CMSs put everything before the story: a mega-menu with hundreds of links,
a breaking-news ticker, a weather widget, "top stories" and "partner content" rails, a newsletter
form. The markup shows its age: an uppercase ``<BODY>``, ``<TABLE>`` layouts in the partner
rail, ad tags that ``document.write`` scripts, ``>`` in attribute values. The article begins
about two thirds into the page.
"""

from __future__ import annotations

import html
import json
from random import Random

from ._blocks import teaser_cards
from ._builder import PageBuilder
from ._head import css, meta_tags
from ._prose import EN_WORDS, paragraph, person, sentence, slug
from ._scripts import ad_setup, comscore, consent_script, data_layer, gtm_body, gtm_head

SITE = "www.valleyportal.example"
TITLE = "County approves emergency funding after second bridge closure"


def _mega_menu(rng: Random, sections: int, links: int) -> str:
    out = ['<nav id="mega-menu" class="mm" aria-label="All sections"><ul class="mm__sections">']
    for s in range(sections):
        name = rng.choice(EN_WORDS).title()
        out.append(
            f'<li class="mm__section" data-section="{s}"><a class="mm__heading" '
            f'href="/{slug(rng, n=1)}/">{name}</a>'
            f'<div class="mm__panel" data-columns="{rng.randint(2, 4)}"><ul class="mm__links">'
        )
        for i in range(links):
            out.append(
                f'<li><a href="/{slug(rng, n=2)}/" title="{html.escape(rng.choice(EN_WORDS))} &gt; more" '
                f'data-ga=\'{{"cat":"nav",'
                f'"lbl":"{s}-{i}"}}\'>{html.escape(sentence(rng, EN_WORDS, 1, 3)[:-1])}</a></li>'
            )
        out.append("</ul></div></li>\n")
    out.append("</ul></nav>\n")
    return "".join(out)


def _partner_table(rng: Random, rows: int) -> str:
    # The partner-content widget still ships a table layout in uppercase, as it did in 2009.
    cells = "".join(
        f'<TR><TD CLASS="pc-img"><A HREF="https://partner.example/r?u={rng.randrange(10**9)}" '
        'TARGET="_blank" REL="sponsored">'
        f'<IMG SRC="https://partner.example/i/{rng.randrange(10**8)}.jpg" WIDTH=120 HEIGHT=80 ALT=""></A>'
        "</TD>"
        f'<TD CLASS="pc-txt"><A HREF="https://partner.example/r?u={rng.randrange(10**9)}">'
        f"{html.escape(sentence(rng, EN_WORDS, 5, 10))}</A>"
        "<BR><SPAN CLASS=pc-src>Sponsored</SPAN></TD></TR>\n"
        for _ in range(rows)
    )
    table = '<TABLE CLASS="partner-content" WIDTH="100%" CELLPADDING=0 CELLSPACING=0 BORDER=0>\n'
    return f"{table}{cells}</TABLE>\n"


def build(rng: Random, paragraphs: int = 34) -> PageBuilder:
    page = PageBuilder()
    url = f"https://{SITE}/a/local/{slug(rng)}/{rng.randrange(10**6)}.html"
    image = f"https://{SITE}/img/{rng.randrange(10**8)}/1200x630.jpg"
    description = sentence(rng, EN_WORDS, 16, 22)
    page.add(
        '<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta charset="utf-8">\n',
        f"<TITLE>{html.escape(TITLE)} | Valley Portal</TITLE>\n",
        meta_tags(rng, site=SITE, title=TITLE, description=description, url=url, image=image),
        gtm_head("GTM-VALLEY"),
        "<!-- legacy layout, kept for the print stylesheet: "
        '<BODY BGCOLOR="#FFFFFF"><article class="print"> -->\n',
        consent_script(rng),
        data_layer(rng, section="local", title=TITLE),
        ad_setup(rng, 12),
        comscore(rng),
        "<style>",
        css(rng, "vp", 180),
        "</style>\n",
    )
    page.end_head()
    page.body('<BODY class="vp article-page" onload="vpInit()">')
    page.add(
        "\n",
        gtm_body("GTM-VALLEY"),
        '<div id="vp-wrapper">\n<div class="vp-alert" role="alert"><strong>Breaking:</strong> '
        f"{html.escape(sentence(rng, EN_WORDS, 8, 14))}</div>\n",
        '<div class="vp-leaderboard"><div id="ad-slot-0"></div><script>'
        'googletag.cmd.push(function(){googletag.display("ad-slot-0")});</script></div>\n',
        '<header class="vp-header"><a href="/" class="vp-logo"><img src="/img/logo.png" alt="Valley Portal" '
        'width="220" height="40"></a>'
        '<form class="vp-search" action="/search" method="get"><input type="search" name="q" '
        'placeholder="Search news, weather &amp; more">'
        '<button type="submit">Go</button></form></header>\n',
        _mega_menu(rng, 16, 28),
        '<div class="vp-ticker" data-speed="40"><ul>',
        "".join(
            f'<li><a href="/a/{slug(rng)}/{rng.randrange(10**6)}.html">'
            f"{html.escape(sentence(rng, EN_WORDS, 6, 12))}</a></li>"
            for _ in range(20)
        ),
        "</ul></div>\n",
        '<div class="vp-weather" id="weather-widget" data-zip="00000"></div>\n'
        "<script>(function(){var w=document.getElementById('weather-widget');var t='<div "
        'class="vp-weather__now">\'+'
        "'<span class=\"temp\">--&deg;</span></div>';w.innerHTML=t;"
        "fetch('/api/weather?zip='+w.dataset.zip).then(function(r){return r.json()}).then(function(d){"
        'w.innerHTML=\'<div class="vp-weather__now"><span class="temp">\'+d.temp+\'&deg;</span></div>'
        "'})})();</script>\n",
    )
    for rail in ("Top stories", "Most watched", "Sports", "Business", "Things to do", "Obituaries"):
        page.add(
            f'<section class="vp-rail" data-rail="{slug(rng, n=1)}"><h2 class="vp-rail__title">{rail}</h2>',
            teaser_cards(rng, 14, cls="vp-card"),
            "</section>\n",
        )
        page.add(
            f'<div class="vp-ad-row"><div id="ad-slot-{rng.randrange(1, 12)}"></div>'
            "<script>var vpAd=vpAd||[];vpAd.push(function(){document.write('<scr'+'ipt "
            'src="https://ads.valleyportal.example/'
            f"t.js?pos={rng.randrange(100)}\"></scr'+'ipt>')}});</script></div>\n"
        )
    page.add(
        '<section class="vp-partner"><h2>From our partners</h2>',
        _partner_table(rng, 24),
        "</section>\n",
        '<section class="vp-newsletter"><h2>Get the morning briefing</h2><form action="/newsletters" '
        'method="post">'
        '<input type="email" name="email" required placeholder="Email address">'
        '<input type="hidden" name="source" value="article>top">'
        '<label><input type=checkbox name="daily" checked> Daily</label><label><input type=checkbox '
        'name="weekly"> Weekly</label>'
        '<button type="submit">Sign up</button></form>'
        "<script>/* Layout fix for old browsers: never print '<article' or '</body>' from here. */"
        "document.querySelectorAll('.vp-newsletter form').forEach(function(f){f.addEventListener('submit',"
        "function(e){"
        "if(!f.email.value){e.preventDefault();f.insertAdjacentHTML('beforeend','<p class=\"err\">Please "
        "enter an email</p>')}})});"
        "</script></section>\n",
        '<div class="vp-content">\n<div class="vp-col vp-col--main">\n',
    )
    page.article(f'<article class="vp-story" id="story-{rng.randrange(10**6)}" data-type="article">')
    page.add('\n<div class="vp-story__head">')
    page.h1('<h1 class="vp-story__title">', TITLE)
    page.byline(
        '<p class="byline">',
        f'By <a href="/staff/{slug(rng, n=2)}/">{person(rng)}</a> | Posted <time '
        'datetime="2026-11-27T09:00:00-05:00">'
        "Nov 27, 2026 9:00 AM EST</time>",
    )
    page.add("</div>\n")
    page.element("article-body", '<div class="vp-story__body" id="article-body">')
    page.add("\n")
    for i in range(paragraphs):
        page.add(paragraph(rng, site=f"https://{SITE}"))
        if i == 10:
            page.add(
                '<div class="vp-inline-video"><script type="text/javascript" '
                'src="https://player.valleyportal.example/embed.js" '
                f'data-video-id="{rng.randrange(10**7)}" '
                f"data-config='{json.dumps({'autoplay': False, 'muted': True})}'></script></div>\n"
            )
        if i == 20:
            page.add('<div class="vp-inline-ad"><div id="ad-slot-11"></div></div>\n')
    page.add(
        "</div>\n",
        '<div class="vp-story__tags">Tags: '
        + ", ".join(f'<a href="/tag/{w}/">{w}</a>' for w in rng.sample(EN_WORDS, 6))
        + "</div>\n</article>\n</div>\n",
        '<div class="vp-col vp-col--side">',
        teaser_cards(rng, 8, cls="vp-side-card"),
        "</div>\n</div>\n",
        '<footer class="vp-footer"><p>&copy; 2026 Valley Portal. All rights reserved.</p></footer>\n</div>\n',
        '<script src="/js/vp.min.js?v=20261127"></script>\n',
    )
    page.end_body("</BODY>")
    page.add("\n</html>\n")
    return page
