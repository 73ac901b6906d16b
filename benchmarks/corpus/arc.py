"""An Arc XP (Fusion) or Brightspot style page: many inline scripts, an inline SVG sprite.

These platforms render from feature components, each with its own small inline script (ad slots,
lazy loading, paywall and analytics hooks), so a page carries dozens of scripts spread through
the body. The first thing in the body is an SVG sprite of the site's icons (hundreds of
``<symbol>`` paths). The content store travels at the end as ``Fusion.globalContent``, with the
article's HTML unescaped inside JavaScript strings (``<\\/script>`` is the only escape).
"""

from __future__ import annotations

import html
import json
from random import Random

from ._blocks import teaser_cards
from ._builder import PageBuilder
from ._head import css, meta_tags, news_article_json_ld
from ._prose import EN_WORDS, paragraph, person, sentence, slug
from ._scripts import ad_setup, chartbeat, comscore, consent_script, data_layer

SITE = "www.harbor-tribune.example"
TITLE = "Port authority's budget shortfall grows as shipping traffic drops"
ICONS = (
    "facebook", "twitter", "email", "whatsapp", "print", "search", "menu", "close", "play", "chevron",
    "bookmark", "comment", "share", "user", "gift", "camera", "headphones", "clock", "lock", "arrow",
)  # fmt: skip


def _path(rng: Random, points: int) -> str:
    parts = [f"M{rng.uniform(0, 24):.2f} {rng.uniform(0, 24):.2f}"]
    for _ in range(points):
        cmd = rng.choice("CLSQ")
        count = {"C": 3, "L": 1, "S": 2, "Q": 2}[cmd]
        parts.append(
            cmd + " ".join(f"{rng.uniform(0, 24):.3f},{rng.uniform(0, 24):.3f}" for _ in range(count))
        )
    return "".join(parts) + "z"


def sprite(rng: Random, icons: int) -> str:
    symbols = []
    for i in range(icons):
        name = f"{ICONS[i % len(ICONS)]}-{i // len(ICONS)}"
        paths = "".join(
            f'<path fill-rule="evenodd" d="{_path(rng, rng.randint(4, 14))}"/>'
            for _ in range(rng.randint(1, 2))
        )
        symbols.append(f'<symbol id="icon-{name}" viewBox="0 0 24 24"><title>{name}</title>{paths}</symbol>')
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'style="display:none" '
        'aria-hidden="true"><defs>' + "".join(symbols) + "</defs></svg>\n"
    )


def _component_script(rng: Random, name: str) -> str:
    """The small inline script every feature component prints after its markup."""
    return (
        f'<script type="text/javascript" data-component="{name}">(function(){{'
        f"var el=document.querySelector('[data-feature-id=\"{rng.randbytes(4).hex()}\"]');if(!el)return;"
        "var io=new "
        "IntersectionObserver(function(e){e.forEach(function(x){if(x.isIntersecting&&x.intersectionRatio>"
        "0.5){"
        f"window.arcAnalytics&&window.arcAnalytics.track('{name}',{{pos:{rng.randrange(40)}}});"
        "io.disconnect();}})},{threshold:[0,0.5,1]});io.observe(el);"
        "if(el.children.length<1){el.innerHTML='<div class=\"placeholder\"></div>';}"
        "})();</script>\n"
    )


def build(rng: Random, paragraphs: int = 110, rails: int = 8) -> PageBuilder:
    page = PageBuilder()
    uuid = rng.randbytes(13).hex().upper()
    url = f"https://{SITE}/a/business/2026/11/27/{slug(rng)}/{uuid[:8]}.html"
    image = f"https://www.harbor-tribune.example/resizer/{rng.randbytes(10).hex()}/1200x630/{uuid}.jpg"
    description = sentence(rng, EN_WORDS, 16, 22)
    page.add(
        '<!DOCTYPE html><html lang="en" data-theme="light">\n<head>\n<meta charset="utf-8">\n',
        f"<title>{html.escape(TITLE)} - Harbor Tribune</title>\n",
        meta_tags(rng, site=SITE, title=TITLE, description=description, url=url, image=image),
        '<script>window.Fusion=window.Fusion||{};Fusion.arcSite="harbor-tribune";Fusion.contextPath="/pf";'
        'Fusion.deployment="1487";Fusion.outputType="default";Fusion.lastModified=1795000000000;</script>\n',
        consent_script(rng),
        ad_setup(rng, 9),
        '<script src="https://cdn.cookielaw.org/scripttemplates/otSDKStub.js" data-domain-script="'
        f'{rng.randbytes(16).hex()}" charset="UTF-8"></script>\n',
        '<script type="text/javascript">function OptanonWrapper(){var '
        'a=document.querySelectorAll(".ot-sdk-row>div");'
        'for(var i=0;i<a.length;i++){if(a[i].innerHTML.indexOf("<button")>-1){a[i].className+=" '
        'has-button"}}}</script>\n',
        data_layer(rng, section="business", title=TITLE),
        chartbeat(rng, "harbor-tribune.example"),
        comscore(rng),
        '<script async src="https://www.googletagmanager.com/gtag/js?id=G-H4RB0R"></script>\n'
        "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}"
        "gtag('js',new Date());gtag('config','G-H4RB0R',{send_page_view:false,content_group:'business'});"
        "</script>\n",
        "<script>!function(f,b,e,v,n,t,s){if(f.fbq)return;"
        "n=f.fbq=function(){n.callMethod?n.callMethod.apply(n,arguments)"
        ":n.queue.push(arguments)};if(!f._fbq)f._fbq=n;n.push=n;n.loaded=!0;n.version='2.0';n.queue=[];"
        "t=b.createElement(e);"
        "t.async=!0;t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window,document,"
        "'script',"
        "'https://connect.facebook.net/en_US/fbevents.js');"
        f"fbq('init','{rng.randrange(10**15)}');fbq('track','PageView');</script>\n",
        news_article_json_ld(rng, site=SITE, title=TITLE, url=url, image=image),
        '<link rel="stylesheet" href="/pf/dist/components/combinations/default.css?d=1487&amp;'
        f'mxId={rng.randrange(10**8)}">\n',
        "<style>",
        css(rng, "b", 200),
        "</style>\n",
        '<link rel="preload" as="image" href="' + image + '" imagesrcset="' + image + ' 1200w">\n',
    )
    page.end_head()
    page.body('<body class="ht-body" data-page-type="article">')
    page.add(
        "\n",
        sprite(rng, 90),
        '<div id="fusion-app" class="layout-section">\n',
        '<header class="b-header" data-feature-id="header"><a class="b-skip" href="#main">Skip to main '
        "content</a>"
        '<button class="b-menu" aria-label="Sections"><svg aria-hidden="true"><use '
        'xlink:href="#icon-menu-0"></use></svg></button>'
        '<a class="b-logo" href="/"><img src="/pf/resources/logo.svg?d=1487" alt="Harbor Tribune" '
        'width="180" height="32"></a>',
        '<nav class="b-nav"><ul>',
        "".join(f'<li><a href="/{w}/">{w.title()}</a></li>' for w in rng.sample(EN_WORDS, 14)),
        "</ul></nav></header>\n",
        _component_script(rng, "header"),
        '<div class="b-ad b-ad--leaderboard"><div id="ad-slot-0" data-ad-unit="leaderboard"></div></div>\n'
        "<script>googletag.cmd.push(function(){googletag.display('ad-slot-0')});</script>\n",
        '<main id="main" class="b-main">\n',
    )
    page.article(f'<article class="b-article" data-content-id="{uuid}">')
    page.add('\n<div class="b-article__header"><a class="b-overline" href="/business/">Business</a>\n')
    page.h1('<h1 class="b-headline">', TITLE)
    page.add(f'<h2 class="b-subheadline">{html.escape(description)}</h2>\n')
    page.byline(
        '<p class="byline b-byline">',
        f'By <a href="/people/{slug(rng, n=2)}/">{person(rng)}</a> and <a '
        f'href="/people/{slug(rng, n=2)}/">{person(rng)}</a>'
        '<time class="b-date" datetime="2026-11-27T12:30:00Z">Updated November 27, 2026 at 7:30 a.m. '
        "EST</time>",
    )
    page.add(
        '<div class="b-share">'
        + "".join(
            f'<button class="b-share__btn" data-share="{n}" aria-label="Share on {n}"><svg><use '
            f'xlink:href="#icon-{n}-0"></use></svg></button>'
            for n in ("facebook", "twitter", "email", "whatsapp")
        )
        + "</div></div>\n"
    )
    page.element(
        "article-body", '<div class="b-article-body" id="article-body" data-feature-id="article-body">'
    )
    page.add("\n")
    for i in range(paragraphs):
        page.add(paragraph(rng, site=f"https://{SITE}"))
        if i % 8 == 4:
            slot = 1 + i // 8
            page.add(
                f'<div class="b-ad b-ad--inline"><div id="ad-slot-{slot}" data-ad-unit="inline"></div>'
                "</div>\n"
                f"<script>googletag.cmd.push(function(){{googletag.display('ad-slot-{slot}')}});</script>\n"
            )
        if i == 18:
            page.add(
                '<div class="b-video" data-feature-id="video"><div class="powa" data-uuid="'
                + uuid
                + '" data-aspect-ratio="0.562">'
                "</div></div>\n<script>window.powaBoot&&window.powaBoot();var s='<iframe "
                'src="/video/embed"></iframe>\';</script>\n'
            )
        if i == 33:
            page.add(
                '<article class="b-embed b-embed--tweet"><blockquote class="twitter-tweet"><p lang="en">'
                f"{html.escape(sentence(rng, EN_WORDS))}</p>&mdash; Port Authority (@port)</blockquote>"
                "</article>\n"
            )
        if i == 45:
            page.add(_component_script(rng, "paywall-prompt"))
    page.add("</div>\n")
    page.add(
        '<div class="b-article__footer">', _component_script(rng, "article-footer"), "</div></article>\n"
    )
    page.add('<aside class="b-rail">')
    for r in range(rails):
        page.add(
            f'<section class="b-rail__module" data-feature-id="rail-{r}"><h2 class="b-rail__title">'
            f"{html.escape(sentence(rng, EN_WORDS, 2, 4)[:-1])}</h2>",
            teaser_cards(rng, 10, cls="b-card"),
            "</section>\n",
            _component_script(rng, f"rail-{r}"),
        )
    page.add("</aside>\n</main>\n")
    page.add(
        '<footer class="b-footer"><ul class="b-footer__links">',
        "".join(f'<li><a href="/{w}/">{w.title()}</a></li>' for w in rng.sample(EN_WORDS, 40)),
        "</ul><p>&copy; 2026 Harbor Tribune</p></footer>\n</div>\n",
    )
    content = {
        "_id": uuid,
        "type": "story",
        "headlines": {"basic": TITLE},
        "description": {"basic": description},
        "credits": {"by": [{"name": person(rng), "type": "author"}]},
        "content_elements": [
            {
                "_id": rng.randbytes(13).hex().upper(),
                "type": "text",
                "content": paragraph(rng, site=f"https://{SITE}").strip()[3:-4],
            }
            for _ in range(paragraphs)
        ],
        "taxonomy": {
            "sections": [{"_id": "/business", "name": "Business"}],
            "tags": [{"slug": w} for w in rng.sample(EN_WORDS, 10)],
        },
        "promo_items": {
            "basic": {
                "type": "image",
                "url": image,
                "caption": "Cranes at the container terminal <b>at dusk</b>",
            }
        },
    }
    content_json = json.dumps(content, ensure_ascii=False).replace("</", "<\\/")
    page.add(
        '<script id="fusion-metadata" type="application/javascript">window.Fusion=window.Fusion||{};'
        f'Fusion.globalContent={content_json};Fusion.globalContentConfig={{"source":"content-api","query":'
        f'{{"website_url":"{url}"}}}};Fusion.contentCache={{}};Fusion.layout="article-right-rail";'
        'Fusion.metas={"title":{"value":"' + TITLE + '"}};</script>\n',
        f'<script src="/pf/dist/engine/react.js?d=1487&amp;mxId={rng.randrange(10**8)}" defer=""></script>\n'
        f'<script src="/pf/dist/components/combinations/default.js?d=1487&amp;mxId={rng.randrange(10**8)}" '
        'defer=""></script>\n',
        _component_script(rng, "page-view"),
        "<!-- fusion: rendered in 142 ms; the hydration payload is above, </body> below -->\n",
    )
    page.end_body()
    page.add("\n</html>\n")
    return page
