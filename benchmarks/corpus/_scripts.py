"""The third-party and page-config scripts news pages inline, as their vendors ship them: tag
manager, data layer, consent stub, ad setup, audience measurement. Several build HTML in
JavaScript strings, which a scanner must not mistake for markup."""

from __future__ import annotations

import json
from random import Random


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
