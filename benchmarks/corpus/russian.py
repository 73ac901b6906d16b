"""A Russian-language news site (UTF-8) with a heavy head.

Russian publishers load the local counters beside the global ones: Yandex.Metrika (with its
``<noscript>`` pixel), Top.Mail.Ru, LiveInternet (which still writes its counter with
``document.write`` of HTML), the VK pixel, and Yandex's ad network with its inline templates.
Add Open Graph and VK meta tags, a large critical CSS and JSON-LD in Cyrillic, and the head passes
50 KB. The article text is Cyrillic, two bytes a letter in UTF-8.
"""

from __future__ import annotations

import html
import json
from random import Random

from ._blocks import nav_links, teaser_cards
from ._builder import PageBuilder
from ._head import conditional_comments, css, meta_tags
from ._prose import RU_NAMES, RU_WORDS, paragraph, sentence, slug

SITE = "novaya-lenta.example"
TITLE = "Суд в третий раз отложил заседание по делу журналистов"


def _metrika(counter: int) -> str:
    return (
        '<!-- Yandex.Metrika counter -->\n<script type="text/javascript">\n'
        "   (function(m,e,t,r,i,k,a){m[i]=m[i]||function(){(m[i].a=m[i].a||[]).push(arguments)};\n"
        "   m[i].l=1*new Date();\n   for (var j = 0; j < document.scripts.length; j++) "
        "{if (document.scripts[j].src === r) { return; }}\n"
        "   k=e.createElement(t),a=e.getElementsByTagName(t)[0],k.async=1,k.src=r,"
        "a.parentNode.insertBefore(k,a)})\n"
        '   (window, document, "script", "https://mc.yandex.ru/metrika/tag.js", "ym");\n\n'
        f'   ym({counter}, "init", {{\n        clickmap:true,\n        trackLinks:true,\n        '
        "accurateTrackBounce:true,\n"
        '        webvisor:true,\n        ecommerce:"dataLayer"\n   });\n</script>\n'
        f'<noscript><div><img src="https://mc.yandex.ru/watch/{counter}" style="position:absolute; '
        'left:-9999px;" alt="" /></div></noscript>\n'
        "<!-- /Yandex.Metrika counter -->\n"
    )


def _top_mail_ru(counter: int) -> str:
    return (
        '<!-- Top.Mail.Ru counter -->\n<script type="text/javascript">\nvar _tmr = window._tmr || '
        "(window._tmr = []);\n"
        f'_tmr.push({{id: "{counter}", type: "pageView", start: (new Date()).getTime()}});\n'
        '(function (d, w, id) {\n  if (d.getElementById(id)) return;\n  var ts = d.createElement("script"); '
        'ts.type = "text/javascript"; ts.async = true; ts.id = id;\n  ts.src = '
        '"https://top-fwz1.mail.ru/js/code.js";\n'
        '  var f = function () {var s = d.getElementsByTagName("script")[0]; s.parentNode.insertBefore(ts, '
        "s);};\n"
        '  if (w.opera == "[object Opera]") { d.addEventListener("DOMContentLoaded", f, false); } else { '
        "f(); }\n"
        '})(document, window, "tmr-code");\n</script>\n'
        f'<noscript><div><img src="https://top-fwz1.mail.ru/counter?id={counter};js=na" '
        'style="position:absolute;left:-9999px;" '
        'alt="Top.Mail.Ru" /></div></noscript>\n<!-- /Top.Mail.Ru counter -->\n'
    )


def _liveinternet() -> str:
    # LiveInternet's counter is still pasted as document.write of an <a><img> with HTML in strings.
    return (
        '<!--LiveInternet counter--><script type="text/javascript">\n'
        'new Image().src = "//counter.yadro.ru/hit?r"+\n'
        'escape(document.referrer)+((typeof(screen)=="undefined")?"":\n'
        '";s"+screen.width+"*"+screen.height+"*"+(screen.colorDepth?\n'
        'screen.colorDepth:screen.pixelDepth))+";u"+escape(document.URL)+\n'
        '";h"+escape(document.title.substring(0,150))+";"+Math.random();\n'
        'if (false) document.write(\'<a href="//www.liveinternet.ru/click" target="_blank"><img '
        'src="//counter.yadro.ru/logo?11.6" '
        'title="LiveInternet" alt="" style="border:0" width="88" height="31"/></a></div>\');\n'
        "</script><!--/LiveInternet-->\n"
    )


def _yandex_ads(rng: Random, blocks: int) -> str:
    lines = ["<script>window.yaContextCb=window.yaContextCb||[]</script>",
             '<script src="https://yandex.ru/ads/system/context.js" async></script>', "<script>"]  # fmt: skip
    for i in range(blocks):
        block = f"R-A-{rng.randrange(10**6)}-{i}"
        label = "'<div class=\"ad-label\">Реклама</div>'"
        lines.append(
            "window.yaContextCb.push(()=>{Ya.Context.AdvManager.render({"
            f"renderTo:'yandex_rtb_{block}',blockId:'{block}',onRender:function(d){{"
            f"if(d.product==='direct'){{var w=document.getElementById('ad-wrap-{i}');"
            f"w&&(w.innerHTML={label}+w.innerHTML)}}}}}})}});"
        )
    lines.append("</script>")
    return "\n".join(lines) + "\n"


def build(rng: Random, paragraphs: int = 90) -> PageBuilder:
    page = PageBuilder()
    story = rng.randrange(10**6)
    url = f"https://{SITE}/a/{slug(rng, RU_WORDS[:20], 3)}/{story}.html"
    image = f"https://{SITE}/images/{story}/1200x630.jpg"
    description = sentence(rng, RU_WORDS, 16, 22)
    title_json = json.dumps(TITLE, ensure_ascii=False)
    page.add(
        '<!DOCTYPE html>\n<html lang="ru" prefix="og: http://ogp.me/ns# article: '
        'http://ogp.me/ns/article#">\n<HEAD>\n',
        '<META charset="utf-8">\n<META http-equiv="X-UA-Compatible" content="IE=edge">\n',
        f"<title>{html.escape(TITLE)} — Новая лента</title>\n",
        meta_tags(rng, site=SITE, title=TITLE, description=description, url=url, image=image).replace(
            'content="en_US"', 'content="ru_RU"'
        ),
        f'<meta property="vk:image" content="{image}">\n<meta name="yandex-verification" '
        f'content="{rng.randbytes(8).hex()}">\n',
        f'<meta name="mrc__share_title" content="{html.escape(TITLE)}">\n<meta name="zen-verification" '
        f'content="{rng.randbytes(24).hex()}">\n',
        conditional_comments(),
        '<script type="application/ld+json">'
        + json.dumps(
            {
                "@context": "https://schema.org",
                "@type": "NewsArticle",
                "headline": TITLE,
                "description": description,
                "author": [{"@type": "Person", "name": name} for name in RU_NAMES[:2]],
                "publisher": {"@type": "NewsMediaOrganization", "name": "Новая лента"},
                "articleBody": " ".join(sentence(rng, RU_WORDS) for _ in range(40)),
                "datePublished": "2026-11-27T10:00:00+03:00",
            },
            ensure_ascii=False,
        )
        + "</script>\n",
        _metrika(rng.randrange(10**8)),
        _top_mail_ru(rng.randrange(10**7)),
        _liveinternet(),
        '<script type="text/javascript">!function(){var t=document.createElement("script");'
        't.type="text/javascript",'
        't.async=!0,t.src="https://vk.com/js/api/openapi.js?169",'
        't.onload=function(){VK.Retargeting.Init("VK-RTRG-'
        f'{rng.randrange(10**7)}-abcde"),VK.Retargeting.Hit()}},document.head.appendChild(t)}}();</script>\n',
        _yandex_ads(rng, 8),
        '<script>window.__PAGE_CONFIG__={"lang":"ru","title":' + title_json + ',"rubric":"Общество",'
        '"teaserTemplate":"<article class=\\"teaser\\"><h3>{{title}}</h3></article>",'
        '"paywall":false,"comments":{"enabled":true,"provider":"hypercomments"}};</script>\n',
        "<style>",
        css(rng, "nl", 260),
        "</style>\n",
        '<link rel="stylesheet" href="/static/css/main.css?v=20261127" media="print" '
        "onload=\"this.media='all'\">\n",
    )
    page.end_head()
    page.body('<body class="page page--article" data-rubric="society">')
    page.add(
        "\n",
        '<div class="nl-topline"><span class="nl-topline__date">27 ноября 2026</span>'
        '<span class="nl-topline__rates">USD 98,40 ₽ &gt; EUR 104,10 ₽</span></div>\n',
        '<header class="nl-header"><a class="nl-logo" href="/">Новая лента</a><nav class="nl-nav"><ul>',
        nav_links(rng, 40, cls="nl-nav", words=RU_WORDS),
        "</ul></nav></header>\n",
        '<div class="nl-layout">\n<main class="nl-main">\n',
    )
    page.article('<article class="nl-article" itemscope itemtype="https://schema.org/NewsArticle">')
    page.add('\n<div class="nl-article__rubric"><a href="/society/">Общество</a></div>\n')
    page.h1('<h1 class="nl-article__title" itemprop="headline">', TITLE)
    page.byline(
        '<p class="byline nl-article__authors">',
        f'<span itemprop="author">{RU_NAMES[0]}</span>, <span itemprop="author">{RU_NAMES[1]}</span> · '
        '<time datetime="2026-11-27T10:00:00+03:00">27 ноября 2026, 10:00</time>',
    )
    page.add(
        f'<div class="nl-article__lead" itemprop="description"><p>{html.escape(description)}</p></div>\n'
    )
    page.marker("legal-notices")
    page.add("\n")
    page.element("article-body", '<div class="nl-article__body" id="article-body" itemprop="articleBody">')
    page.add("\n")
    for i in range(paragraphs):
        page.add(paragraph(rng, RU_WORDS, site=f"https://{SITE}"))
        if i % 15 == 7:
            page.add(
                f'<div class="nl-ad" id="ad-wrap-{i // 15}"><div '
                f'id="yandex_rtb_R-A-{rng.randrange(10**6)}-{i // 15}"></div></div>\n'
            )
        if i == 25:
            page.add(
                '<blockquote class="nl-quote"><p>«'
                + html.escape(sentence(rng, RU_WORDS))
                + "»</p><cite>"
                + RU_NAMES[3]
                + "</cite></blockquote>\n"
            )
        if i == 40:
            page.add(
                '<article class="nl-embed nl-embed--telegram"><script async '
                'src="https://telegram.org/js/telegram-widget.js?22" '
                'data-telegram-post="novayalenta/48213" data-width="100%"></script></article>\n'
            )
    page.add("</div>\n")
    page.add(
        '<div class="nl-comments" id="comments"><div id="hypercomments_widget"></div>\n'
        '<script type="text/javascript">_hcwp = window._hcwp || [];_hcwp.push({widget:"Stream", widget_id: '
        "12345});"
        '(function() {if("HC_LOAD_INIT" in window)return;HC_LOAD_INIT = true;var lang = (navigator.language '
        "|| "
        'navigator.systemLanguage || navigator.userLanguage || "en").substr(0, 2).toLowerCase();'
        'var hcc = document.createElement("script"); hcc.type = "text/javascript"; hcc.async = true;'
        'hcc.src = ("https:" == document.location.protocol ? "https" : '
        '"http")+"://w.hypercomments.com/widget/hc/12345/"+lang+"/widget.js";'
        'var s = document.getElementsByTagName("script")[0];s.parentNode.insertBefore(hcc, s.nextSibling);'
        "})();</script>\n"
        '<a href="http://hypercomments.com" class="hc-link" title="comments widget">comments powered by '
        "HyperComments</a></div>\n",
        "</article>\n</main>\n",
        '<aside class="nl-aside"><h2>Главное</h2>',
        teaser_cards(rng, 24, cls="nl-card", words=RU_WORDS),
        "</aside>\n</div>\n",
        '<footer class="nl-footer"><p>© 2026 «Новая лента». 18+</p><ul>',
        nav_links(rng, 30, cls="nl-footer", words=RU_WORDS),
        "</ul></footer>\n",
    )
    page.end_body()
    page.add("\n</html>\n")
    return page
