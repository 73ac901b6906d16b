"""Building blocks the templates share: prose, CSS, meta tags, JSON-LD and the third-party
scripts that fill a news page's head. Everything is drawn from a seeded ``random.Random``.

The pieces copy what publishers' pages really contain, including what makes a scanner's life
hard: markup inside script strings and comments, ``>`` inside quoted attribute values, uppercase
tags, conditional comments.
"""

from __future__ import annotations

import html
import json
from random import Random

EN_WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "that",
    "for",
    "on",
    "said",
    "with",
    "as",
    "was",
    "by",
    "at",
    "from",
    "it",
    "its",
    "his",
    "her",
    "their",
    "court",
    "government",
    "minister",
    "officials",
    "report",
    "region",
    "police",
    "journalists",
    "ministry",
    "law",
    "media",
    "outlet",
    "readers",
    "election",
    "parliament",
    "vote",
    "opposition",
    "protest",
    "city",
    "council",
    "budget",
    "energy",
    "prices",
    "war",
    "ceasefire",
    "talks",
    "agreement",
    "border",
    "troops",
    "sanctions",
    "economy",
    "inflation",
    "bank",
    "rates",
    "investors",
    "company",
    "workers",
    "union",
    "strike",
    "hospital",
    "doctors",
    "patients",
    "school",
    "teachers",
    "students",
    "climate",
    "flood",
    "storm",
    "residents",
    "mayor",
    "governor",
    "president",
    "spokesperson",
    "statement",
    "interview",
    "according",
    "sources",
    "documents",
    "investigation",
    "prosecutors",
    "charges",
    "trial",
    "judge",
    "sentence",
    "appeal",
    "hearing",
    "witness",
    "evidence",
    "rights",
    "groups",
    "observers",
    "correspondent",
    "weeks",
    "months",
    "year",
    "since",
    "after",
    "before",
    "while",
    "under",
    "against",
    "during",
    "without",
    "however",
    "also",
    "still",
    "more",
    "most",
    "new",
    "first",
    "last",
    "local",
    "national",
    "foreign",
    "public",
    "private",
    "independent",
    "former",
    "senior",
    "several",
    "two",
    "three",
    "many",
    "other",
]

RU_WORDS = [
    "в",
    "и",
    "не",
    "на",
    "что",
    "с",
    "по",
    "как",
    "это",
    "из",
    "за",
    "для",
    "от",
    "до",
    "о",
    "его",
    "она",
    "они",
    "был",
    "была",
    "были",
    "суд",
    "власти",
    "министерство",
    "правительство",
    "чиновники",
    "доклад",
    "регион",
    "полиция",
    "журналисты",
    "издание",
    "читатели",
    "выборы",
    "парламент",
    "голосование",
    "оппозиция",
    "протест",
    "город",
    "бюджет",
    "энергия",
    "цены",
    "война",
    "переговоры",
    "соглашение",
    "граница",
    "санкции",
    "экономика",
    "инфляция",
    "банк",
    "ставка",
    "компания",
    "работники",
    "больница",
    "врачи",
    "школа",
    "учителя",
    "студенты",
    "жители",
    "мэр",
    "губернатор",
    "президент",
    "заявление",
    "интервью",
    "источники",
    "документы",
    "расследование",
    "прокуратура",
    "обвинение",
    "процесс",
    "судья",
    "приговор",
    "апелляция",
    "заседание",
    "свидетель",
    "правозащитники",
    "наблюдатели",
    "корреспондент",
    "недели",
    "месяца",
    "года",
    "после",
    "перед",
    "во",
    "время",
    "однако",
    "также",
    "ещё",
    "новый",
    "первый",
    "последний",
    "местный",
    "национальный",
    "независимый",
    "бывший",
    "несколько",
]

FIRST_NAMES = ("Anna", "Maria", "Elena", "James", "Oleg", "Sofia", "David", "Irina", "Tom", "Natalia")
LAST_NAMES = ("Petrova", "Smith", "Kovalenko", "Brown", "Ivanov", "Novak", "Garcia", "Sokolova", "Weber")
RU_NAMES = ("Анна Петрова", "Олег Иванов", "Ирина Соколова", "Дмитрий Орлов", "Мария Кузнецова")


def sentence(rng: Random, words: tuple[str, ...] | list[str], low: int = 9, high: int = 26) -> str:
    text = " ".join(rng.choice(words) for _ in range(rng.randint(low, high)))
    return text[0].upper() + text[1:] + "."


def prose(rng: Random, words: tuple[str, ...] | list[str], sentences: int) -> str:
    return " ".join(sentence(rng, words) for _ in range(sentences))


def paragraph(rng: Random, words: tuple[str, ...] | list[str] = EN_WORDS, *, site: str = "") -> str:
    """One article paragraph: prose with a link or two and some emphasis, as editors write it."""
    parts = []
    for _ in range(rng.randint(2, 5)):
        text = html.escape(sentence(rng, words), quote=False)
        roll = rng.random()
        if roll < 0.3:
            cut = text.find(" ", len(text) // 2)
            slug = "-".join(rng.choice(words) for _ in range(3))
            href = f"{site}/a/{slug}/{rng.randrange(10**6)}.html"
            text = f'{text[:cut]} <a href="{href}">{text[cut + 1 :]}</a>'
        elif roll < 0.4:
            text = f"<em>{text}</em>"
        elif roll < 0.45:
            text = f"<strong>{text}</strong>"
        parts.append(text)
    return "<p>" + " ".join(parts) + "</p>\n"


def person(rng: Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def slug(rng: Random, words: tuple[str, ...] | list[str] = EN_WORDS, n: int = 4) -> str:
    return "-".join(rng.choice(words) for _ in range(n))


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


def gtm_head(container: str) -> str:
    return (
        "<!-- Google Tag Manager -->\n"
        "<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':\n"
        "new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],\n"
        "j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src=\n"
        "'https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);\n"
        f"}})(window,document,'script','dataLayer','{container}');</script>\n"
        "<!-- End Google Tag Manager -->\n"
    )


def gtm_body(container: str) -> str:
    # Goes right after <body>: a noscript iframe, the usual first child of a news page's body.
    return (
        "<!-- Google Tag Manager (noscript) -->\n"
        f'<noscript><iframe src="https://www.googletagmanager.com/ns.html?id={container}" height="0" '
        'width="0" style="display:none;visibility:hidden"></iframe></noscript>\n'
        "<!-- End Google Tag Manager (noscript) -->\n"
    )


def data_layer(rng: Random, *, section: str, title: str) -> str:
    page = {
        "pageType": "article",
        "section": section,
        "title": title,
        "contentId": rng.randrange(10**7),
        "wordCount": rng.randrange(400, 3000),
        "paywall": {"metered": True, "limit": 5},
        "experiments": {f"exp_{i}": rng.choice("ABC") for i in range(6)},
    }
    return (
        "<script>window.dataLayer=window.dataLayer||[];"
        f"window.dataLayer.push({json.dumps(page, ensure_ascii=False)});</script>\n"
    )


def consent_script(rng: Random) -> str:
    """A consent manager's inline stub: builds its banner from HTML strings (markup in JS)."""
    return (
        '<script type="text/javascript" data-cmp-ab="1">\n'
        "(function(){var cmp=window.__cmp||function(){(cmp.q=cmp.q||[]).push(arguments)};\n"
        'window.__cmp=cmp;var banner=\'<div class="cmp-banner" role="dialog"><p>We use cookies.</p>\'+\n'
        "'<button class=\"cmp-accept\">Accept</button></div>';\n"
        "function show(){if(document.body){document.body.insertAdjacentHTML('afterbegin',banner)}\n"
        "else{document.addEventListener('DOMContentLoaded',show)}}\n"
        "// Never document.write('<body>') here: the parser would open a second body.\n"
        f"if(document.cookie.indexOf('euconsent-v2=')<0&&{rng.randrange(1, 9)}>0){{show()}}\n"
        "})();\n</script>\n"
    )


def ad_setup(rng: Random, slots: int) -> str:
    """Google Publisher Tag setup as publishers inline it: sizes, targeting, lazy loading."""
    lines = [
        '<script async src="https://securepubads.g.doubleclick.net/tag/js/gpt.js"></script>',
        "<script>window.googletag=window.googletag||{cmd:[]};googletag.cmd.push(function(){",
    ]
    for i in range(slots):
        size = rng.choice(("[[300,250],[300,600]]", "[[728,90],[970,250]]", "[[320,50]]", "'fluid'"))
        lines.append(
            f"googletag.defineSlot('/{rng.randrange(10**8)}/news/article/slot{i}',{size},'ad-slot-{i}')"
            f".setTargeting('pos','{i}').addService(googletag.pubads());"
        )
    lines.append(
        "googletag.pubads().enableLazyLoad({fetchMarginPercent:200,renderMarginPercent:100});"
        "googletag.pubads().setTargeting('kw',['courts','media']);googletag.enableServices();});"
        "if(window.innerWidth<768&&document.querySelector('.ad-label')===null){"
        "var l='<div class=\"ad-label\">Advertisement</div>';}</script>"
    )
    return "\n".join(lines) + "\n"


def chartbeat(rng: Random, domain: str) -> str:
    return (
        "<script type='text/javascript'>\n"
        f"var _sf_async_config=_sf_async_config||{{}};_sf_async_config.uid={rng.randrange(10**5)};"
        f"_sf_async_config.domain='{domain}';_sf_async_config.useCanonical=true;\n"
        "_sf_async_config.sections='World';_sf_async_config.authors='Staff';\n"
        "(function(){function loadChartbeat(){var e=document.createElement('script');"
        "var n=document.getElementsByTagName('script')[0];e.type='text/javascript';e.async=true;"
        "e.src='//static.chartbeat.com/js/chartbeat.js';n.parentNode.insertBefore(e,n);}"
        "loadChartbeat();})();\n</script>\n"
    )


def comscore(rng: Random) -> str:
    c2 = rng.randrange(10**7)
    return (
        "<!-- Begin comScore Tag -->\n<script>var _comscore=_comscore||[];"
        f"_comscore.push({{c1:'2',c2:'{c2}',options:{{enableFirstPartyCookie:true}}}});"
        "(function(){var s=document.createElement('script'),el=document.getElementsByTagName('script')[0];"
        "s.async=true;s.src='https://sb.scorecardresearch.com/cs/'+'"
        f"{c2}'+'/beacon.js';el.parentNode.insertBefore(s,el);}})();</script>\n"
        f'<noscript><img src="https://sb.scorecardresearch.com/p?c1=2&amp;c2={c2}&amp;cv=3.6.0&amp;cj=1"'
        ' alt=""></noscript>\n<!-- End comScore Tag -->\n'
    )


def conditional_comments() -> str:
    """Old-IE conditional comments, which many themes still print."""
    return (
        '<!--[if lt IE 9]><script src="/js/html5shiv.min.js"></script><![endif]-->\n'
        '<!--[if IE]><link rel="stylesheet" href="/css/ie.css"><![endif]-->\n'
        '<!--[if !IE]><!--><script>document.documentElement.className+=" js";</script><!--<![endif]-->\n'
    )


def teaser_cards(rng: Random, count: int, *, cls: str, words: tuple[str, ...] | list[str] = EN_WORDS) -> str:
    """Teaser cards as most CMSs render promos: divs, a picture, a headline link, a kicker."""
    out = []
    for i in range(count):
        title = html.escape(sentence(rng, words, 5, 11)[:-1])
        href = f"/a/{slug(rng, words)}/{rng.randrange(10**6)}.html"
        out.append(
            f'<div class="{cls}" data-position="{i}" data-track=\'{{"module":"{cls}","pos":{i}}}\'>'
            f'<a class="{cls}__link" href="{href}" aria-label="{title}">'
            f'<picture><source type="image/webp" srcset="/img/{rng.randrange(10**8)}-320.webp 320w, '
            f'/img/{rng.randrange(10**8)}-640.webp 640w" sizes="(min-width: 768px) 25vw, 50vw">'
            f'<img src="/img/{rng.randrange(10**8)}-320.jpg" alt="" loading="lazy" width="320" height="180">'
            "</picture>"
            f'<span class="{cls}__kicker">{html.escape(rng.choice(words).title())}</span>'
            f'<h3 class="{cls}__title">{title}</h3></a></div>\n'
        )
    return "".join(out)


def nav_links(rng: Random, count: int, *, cls: str, words: tuple[str, ...] | list[str] = EN_WORDS) -> str:
    return "".join(
        f'<li class="{cls}__item"><a class="{cls}__link" href="/section/{slug(rng, words, 2)}" '
        f'data-analytics="nav|{i}">{html.escape(rng.choice(words).title())}</a></li>'
        for i in range(count)
    )
