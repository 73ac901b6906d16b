"""A WordPress news theme (a Twenty Twenty child theme with Yoast SEO and the block editor).

What WordPress prints: single-quoted ``<link rel='stylesheet' ... />`` tags, the emoji detection
script, the block library's and global styles' inline CSS, Yoast's schema graph behind an HTML
comment naming the plugin, jQuery, conditional comments for old IE. The theme puts the comment
section inside the ``<article>``, and WordPress renders every comment as an ``<article>`` of its
own; an embedded tweet and a related-posts block sit in the entry content.
"""

from __future__ import annotations

import html
import json
from random import Random

from ._blocks import nav_links
from ._builder import PageBuilder
from ._head import conditional_comments, css, meta_tags
from ._prose import EN_WORDS, paragraph, person, sentence, slug
from ._scripts import chartbeat, gtm_body, gtm_head

SITE = "dailyledger.example"
TITLE = "Regional court adjourns the hearing of three journalists for the third time"


def build(rng: Random, paragraphs: int = 64, comments: int = 24) -> PageBuilder:
    page = PageBuilder()
    url = f"https://{SITE}/a/court-adjourns-hearing/{rng.randrange(10**5)}.html"
    image = f"https://{SITE}/wp-content/uploads/2026/11/court-1200x630.jpg"
    description = sentence(rng, EN_WORDS, 18, 24)
    page.add(
        "<!DOCTYPE html>\n",
        '<html class="no-js" lang="en-US">\n<head>\n',
        '<meta charset="UTF-8">\n',
        conditional_comments(),
        '<link rel="profile" href="https://gmpg.org/xfn/11">\n',
        "<script>document.documentElement.className = document.documentElement.className"
        ".replace( 'no-js', 'js' );</script>\n",
        "\n<!-- This site is optimized with the Yoast SEO plugin v21.5 - "
        "https://yoast.com/wordpress/plugins/seo/ -->\n",
        f"<title>{html.escape(TITLE)} &#8211; The Daily Ledger</title>\n",
        meta_tags(rng, site=SITE, title=TITLE, description=description, url=url, image=image, xhtml=True),
        _yoast_graph(rng, url, image),
        "<!-- / Yoast SEO plugin. -->\n\n",
        "<link rel='dns-prefetch' href='//stats.wp.com' />\n",
        '<link rel="alternate" type="application/rss+xml" title="The Daily Ledger &raquo;'
        f' {html.escape(TITLE)} Comments Feed" href="{url}feed/" />\n',
        _emoji_script(),
        "<style id='wp-emoji-styles-inline-css'>\n\n\timg.wp-smiley, img.emoji {\n\t\tdisplay: inline "
        "!important;"
        "\n\t\tborder: none !important;\n\t\tbox-shadow: none !important;\n\t\theight: 1em "
        "!important;\n\t}\n</style>\n",
        "<style id='wp-block-library-inline-css'>\n",
        css(rng, "wp-block", 110),
        "\n</style>\n<style id='global-styles-inline-css'>\nbody{",
        ";".join(
            f"--wp--preset--color--{name}: #{rng.randrange(1 << 24):06x}"
            for name in (
                "black",
                "cyan-bluish-gray",
                "white",
                "pale-pink",
                "vivid-red",
                "luminous-vivid-orange",
            )
        ),
        ";",
        ";".join(
            f"--wp--preset--font-size--{s}: {n}px" for s, n in (("small", 13), ("medium", 20), ("large", 36))
        ),
        "}\n",
        css(rng, "has", 40),
        "\n</style>\n",
    )
    for handle in (
        "twentytwenty-style",
        "twentytwenty-print-style",
        "ledger-child",
        "jetpack-sharing",
        "wp-polls",
    ):
        page.add(
            f"<link rel='stylesheet' id='{handle}-css' "
            f"href='https://{SITE}/wp-content/themes/ledger/{handle}.css"
            f"?ver=6.4.{rng.randrange(9)}' media='all' />\n"
        )
    page.add(
        '<script type="text/javascript" id="jquery-core-js" src="https://'
        f'{SITE}/wp-includes/js/jquery/jquery.min.js?ver=3.7.1"></script>\n',
        '<script type="text/javascript" id="twentytwenty-js-js-extra">\n/* <![CDATA[ */\n'
        f"var ledgerSettings = {json.dumps(_theme_settings(rng))};\n"
        "/* ]]> */\n</script>\n",
        gtm_head("GTM-LEDGR1"),
        chartbeat(rng, SITE),
        '<link rel="https://api.w.org/" href="https://' + SITE + '/wp-json/" />'
        f'<link rel="alternate" type="application/json" href="https://{SITE}/wp-json/wp/v2/posts/48213" />\n'
        '<link rel="EditURI" type="application/rsd+xml" title="RSD" href="https://'
        + SITE
        + '/xmlrpc.php?rsd" />\n',
        '<meta name="generator" content="WordPress 6.4.2" />\n',
        '<style type="text/css" id="custom-background-css">\nbody.custom-background { background-color: '
        "#f5efe0; }\n</style>\n",
    )
    page.end_head()
    page.body(
        '<body class="post-template-default single single-post postid-48213 single-format-standard '
        "wp-embed-responsive singular enable-search-modal has-post-thumbnail has-single-pagination "
        'showing-comments show-avatars footer-top-visible">'
    )
    page.add(
        "\n",
        gtm_body("GTM-LEDGR1"),
        '<a class="skip-link screen-reader-text" href="#site-content">Skip to the content</a>',
        '<header id="site-header" class="header-footer-group">\n<div class="header-inner section-inner">\n',
        '<div class="header-titles"><div class="site-title faux-heading"><a href="https://'
        f'{SITE}/">The Daily Ledger</a></div><div class="site-description">News you can trust &gt; '
        "rumours</div></div>\n",
        '<nav class="primary-menu-wrapper" aria-label="Horizontal">'
        '<ul class="primary-menu reset-list-style">',
        nav_links(rng, 24, cls="menu-item"),
        "</ul></nav>\n",
        '<button class="toggle search-toggle desktop-search-toggle" data-toggle-target=".search-modal" '
        'data-toggle-body-class="showing-search-modal" data-set-focus=".search-modal .search-field" '
        'aria-expanded="false"><span class="toggle-text">Search</span></button>\n',
        "</div></header>\n",
        '<main id="site-content">\n',
        # Themes leave markup they switched off in comments.
        '<!-- <div class="breaking-banner"><article class="breaking"><h1>Breaking news</h1></article></div>'
        " (banner off since 2025-03) -->\n",
    )
    page.article(
        '<article class="post-48213 post type-post status-publish format-standard has-post-thumbnail hentry '
        'category-world tag-courts tag-press-freedom" id="post-48213">'
    )
    page.add(
        '\n<header class="entry-header has-text-align-center header-footer-group">\n<div '
        'class="entry-header-inner section-inner medium">\n'
    )
    page.add(
        '<div class="entry-categories"><span class="screen-reader-text">Categories</span><div '
        'class="entry-categories-inner"><a href="/category/world/" rel="category tag">World</a></div></div>\n'
    )
    page.h1('<h1 class="entry-title">', TITLE)
    author = person(rng)
    page.byline(
        '<p class="byline">',
        f'By <a href="https://{SITE}/author/{slug(rng, n=2)}/" rel="author">{author}</a>, '
        '<time datetime="2026-11-27T07:12:00+00:00">November 27, 2026</time>',
    )
    page.add("</div></header>\n")
    page.add(
        '<figure class="featured-media"><div class="featured-media-inner section-inner">'
        f'<img width="1200" height="630" src="{image}" class="attachment-post-thumbnail size-post-thumbnail '
        'wp-post-image" alt="The court building &gt; main entrance" decoding="async" '
        f'srcset="{image} 1200w, {image.replace("1200x630", "300x158")} 300w" sizes="(max-width: 1200px) '
        '100vw, 1200px" />'
        '<figcaption class="wp-caption-text">The regional court. Photo: Staff</figcaption></div></figure>\n'
    )
    page.add('<div class="post-inner thin ">\n')
    page.element("article-body", '<div class="entry-content" id="article-body">')
    page.add("\n")
    page.marker("legal-notices")
    page.add("\n")
    for i in range(paragraphs):
        page.add(paragraph(rng, site=f"https://{SITE}"))
        if i == 6:
            page.add(_tweet(rng))
        elif i == 14:
            page.add(
                '<figure class="wp-block-pullquote"><blockquote><p>'
                + html.escape(sentence(rng, EN_WORDS))
                + "</p><cite>"
                + person(rng)
                + "</cite></blockquote></figure>\n"
            )
        elif i == 22:
            page.add(
                '<!-- wp:html -->\n<div class="ledger-newsletter" data-form=\'{"list":"daily","min":1}\'>'
                '<form action="/subscribe" method="post"><input type="email" name="email" '
                'placeholder="you@example.com"'
                ' required><input type="hidden" name="ref" value="article>inline"><button>Sign up</button>'
                "</form></div>"
                "\n<!-- /wp:html -->\n"
            )
        elif i == 30:
            page.add(_related(rng))
    page.add(
        "</div><!-- .entry-content -->\n</div><!-- .post-inner -->\n",
        '<div class="section-inner"><div class="post-meta-wrapper post-meta-single post-meta-single-bottom">'
        '<ul class="post-meta"><li class="post-tags meta-wrapper"><span class="meta-text">'
        '<a href="/tag/courts/" rel="tag">Courts</a><a href="/tag/press-freedom/" rel="tag">Press freedom</a>'
        "</span></li></ul></div></div>\n",
        '<div class="comments-wrapper section-inner">\n<div class="comments" id="comments">\n'
        '<div class="comments-header section-inner small max-percentage">'
        f'<h2 class="comment-reply-title">{comments} replies on &ldquo;{html.escape(TITLE)}&rdquo;</h2>'
        "</div>\n"
        '<div class="comments-inner section-inner thin max-percentage">\n',
    )
    for n in range(comments):
        page.add(_comment(rng, n))
    page.add(
        "</div><!-- .comments-inner -->\n</div><!-- comments -->\n",
        '<div id="respond" class="comment-respond"><h2 id="reply-title" class="comment-reply-title">Leave a '
        "Reply</h2>"
        '<form action="https://'
        + SITE
        + '/wp-comments-post.php" method="post" id="commentform" class="section-inner thin max-percentage" '
        "novalidate>"
        '<p class="comment-form-comment"><label for="comment">Comment <span class="required">*</span></label>'
        '<textarea id="comment" name="comment" cols="45" rows="8" maxlength="65525" required="required">'
        '</textarea></p><input name="submit" type="submit" id="submit" class="submit" value="Post Comment" />'
        "</form></div><!-- #respond -->\n</div><!-- .comments-wrapper -->\n",
        "</article><!-- .post -->\n</main><!-- #site-content -->\n",
        '<footer id="site-footer" class="header-footer-group"><div class="section-inner">'
        '<p class="footer-copyright">&copy; 2026 <a href="/">The Daily Ledger</a></p>'
        '<nav aria-label="Footer"><ul class="footer-menu">',
        nav_links(rng, 30, cls="footer-menu"),
        "</ul></nav></div></footer>\n",
        '<script type="text/javascript" id="twentytwenty-js-js" src="https://'
        f'{SITE}/wp-content/themes/twentytwenty/assets/js/index.js?ver=2.4" async></script>\n',
        '<script type="text/javascript" src="https://stats.wp.com/e-202648.js" id="jetpack-stats-js" defer>'
        "</script>\n"
        '<script type="text/javascript">_stq = window._stq || [];_stq.push([ "view", '
        f"{{v:'ext',blog:'{rng.randrange(10**9)}',post:'48213',tz:'0',srv:'{SITE}',j:'1:13.1'}} ]);"
        f'_stq.push([ "clickTrackerInit", "{rng.randrange(10**9)}", "48213" ]);</script>\n',
        "<script>/(trident|msie)/i.test(navigator.userAgent)&&document.getElementById&&window.addEventListener"
        '&&window.addEventListener("hashchange",function(){var t,e=location.hash.substring(1);'
        "/^[A-z0-9_-]+$/.test(e)&&(t=document.getElementById(e))&&(/^(?:a|select|input|button|textarea)$/i"
        ".test(t.tagName)||(t.tabIndex=-1),t.focus())},!1);</script>\n",
    )
    page.end_body()
    page.add("\n</html>\n")
    return page


def _theme_settings(rng: Random) -> dict[str, object]:
    return {
        "ajaxurl": f"https://{SITE}/wp-admin/admin-ajax.php",
        "nonce": rng.randbytes(5).hex(),
        "i18n": {"more": 'Read more <span class="screen-reader-text">about this</span>', "close": "Close"},
    }


def _emoji_script() -> str:
    # WordPress core's emoji detection: HTML-free, but long, with "<" comparisons in the code.
    settings = {
        "baseUrl": "https://s.w.org/images/core/emoji/14.0.0/72x72/",
        "ext": ".png",
        "svgUrl": "https://s.w.org/images/core/emoji/14.0.0/svg/",
        "svgExt": ".svg",
        "source": {
            "concatemoji": "https://dailyledger.example/wp-includes/js/wp-emoji-release.min.js?ver=6.4.2"
        },
    }
    return (
        '<script type="text/javascript">\n/* <![CDATA[ */\nwindow._wpemojiSettings = '
        + json.dumps(settings)
        + ";\n/*! This file is auto-generated */\n"
        "!function(i,n){var o,s,e;function c(e){try{var t={supportTests:e,timestamp:(new Date).valueOf()};"
        "sessionStorage.setItem(o,JSON.stringify(t))}catch(e){}}function p(e,t,n){e.clearRect(0,0,"
        "e.canvas.width,"
        "e.canvas.height),e.fillText(t,0,0);var t=new Uint32Array(e.getImageData(0,0,e.canvas.width,"
        "e.canvas.height)"
        ".data),r=(e.clearRect(0,0,e.canvas.width,e.canvas.height),e.fillText(n,0,0),new "
        "Uint32Array(e.getImageData"
        "(0,0,e.canvas.width,e.canvas.height).data));return t.every(function(e,t){return e===r[t]})}"
        'function u(e,t,n){switch(t){case"flag":return n(e,"\\ud83c\\udff3\\ufe0f\\u200d\\u26a7\\ufe0f",'
        '"\\ud83c\\udff3\\ufe0f\\u200b\\u26a7\\ufe0f")?!1:!n(e,"\\ud83c\\uddfa\\ud83c\\uddf3","\\ud83c\\uddfa'
        '\\u200b\\ud83c\\uddf3");case"emoji":return!n(e,"\\ud83e\\udef1\\ud83c\\udffb\\u200d\\ud83e\\udef2'
        '\\ud83c\\udfff","\\ud83e\\udef1\\ud83c\\udffb\\u200b\\ud83e\\udef2\\ud83c\\udfff")}return!1}'
        'for(var a=0;a<e.length;a++)if(t[e[a]]=u(r,e[a],p),t.everything=t.everything&&t[e[a]],"flag"!==e[a])'
        "t.everythingExceptFlag=t.everythingExceptFlag&&t[e[a]];"
        "t.everythingExceptFlag=t.everythingExceptFlag&&!t.flag"
        "}(window,document,window._wpemojiSettings);\n/* ]]> */\n</script>\n"
    )


def _yoast_graph(rng: Random, url: str, image: str) -> str:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "NewsArticle",
                "@id": f"{url}#article",
                "isPartOf": {"@id": url},
                "author": {
                    "name": person(rng),
                    "@id": f"https://{SITE}/#/schema/person/{rng.randbytes(16).hex()}",
                },
                "headline": TITLE,
                "datePublished": "2026-11-27T07:12:00+00:00",
                "wordCount": rng.randrange(800, 1600),
                "commentCount": 14,
                "publisher": {"@id": f"https://{SITE}/#organization"},
                "image": {"@id": f"{url}#primaryimage"},
                "keywords": ["Courts", "Press freedom"],
                "articleSection": ["World"],
                "inLanguage": "en-US",
            },
            {
                "@type": "WebPage",
                "@id": url,
                "url": url,
                "name": f"{TITLE} - The Daily Ledger",
                "breadcrumb": {"@id": f"{url}#breadcrumb"},
                "inLanguage": "en-US",
            },  # fmt: skip
            {
                "@type": "ImageObject",
                "@id": f"{url}#primaryimage",
                "url": image,
                "width": 1200,
                "height": 630,
                "caption": "The regional court <b>main entrance</b>",
            },  # fmt: skip
            {
                "@type": "BreadcrumbList",
                "@id": f"{url}#breadcrumb",
                "itemListElement": [
                    {"@type": "ListItem", "position": 1, "name": "Home", "item": f"https://{SITE}/"},
                    {"@type": "ListItem", "position": 2, "name": TITLE},
                ],
            },  # fmt: skip
            {
                "@type": "Organization",
                "@id": f"https://{SITE}/#organization",
                "name": "The Daily Ledger",
                "sameAs": [f"https://twitter.com/dailyledger{i}" for i in range(4)],
            },  # fmt: skip
        ],
    }
    return f'<script type="application/ld+json" class="yoast-schema-graph">{json.dumps(graph)}</script>\n'


def _tweet(rng: Random) -> str:
    return (
        '<figure class="wp-block-embed is-type-rich is-provider-twitter wp-block-embed-twitter">'
        '<div class="wp-block-embed__wrapper">\n<blockquote class="twitter-tweet" data-width="550" '
        'data-dnt="true">'
        f'<p lang="en" dir="ltr">{html.escape(sentence(rng, EN_WORDS, 10, 20))} '
        f'<a href="https://t.co/{rng.randbytes(5).hex()}">pic.twitter.com/{rng.randbytes(5).hex()}</a></p>'
        f"&mdash; {person(rng)} (@reporter) <a "
        f'href="https://twitter.com/reporter/status/{rng.randrange(10**18)}'
        '?ref_src=twsrc%5Etfw">November 27, 2026</a></blockquote>'
        '<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>\n'
        "</div></figure>\n"
    )


def _related(rng: Random) -> str:
    items = "".join(
        f'<li class="jp-related-posts-i2__post" id="related-posts-item-{i}"><a '
        'class="jp-related-posts-i2__post-link" '
        f'href="/a/{slug(rng)}/{rng.randrange(10**5)}.html">{html.escape(sentence(rng, EN_WORDS, 5, 9))}</a>'
        "</li>"
        for i in range(6)
    )
    return (
        '<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline"><em>'
        "Related</em></h3>"
        f'<ul class="jp-related-posts-i2__list" role="list">{items}</ul></div>\n'
    )


def _comment(rng: Random, n: int) -> str:
    cid = 9000 + n
    text = "".join(f"<p>{html.escape(sentence(rng, EN_WORDS))}</p>\n" for _ in range(rng.randint(1, 3)))
    return (
        f'<div id="comment-{cid}" class="comment even thread-even depth-1">\n'
        f'<article id="div-comment-{cid}" class="comment-body">\n'
        '<footer class="comment-meta"><div class="comment-author vcard">'
        f'<img alt="" src="https://secure.gravatar.com/avatar/{rng.randbytes(16).hex()}?s=120&#038;'
        'd=mm&#038;r=g" '
        'class="avatar avatar-120 photo" height="120" width="120" loading="lazy"/><span '
        f'class="fn">{person(rng)}</span>'
        '<span class="screen-reader-text says">says:</span></div>'
        f'<div class="comment-metadata"><a href="#comment-{cid}"><time '
        f'datetime="2026-11-27T1{n % 10}:0{n % 6}:00+00:00">'
        f"November 27, 2026 at {n % 12 + 1}:0{n % 6} pm</time></a></div></footer>\n"
        f'<div class="comment-content entry-content">{text}</div>'
        '<footer class="comment-footer-meta"><span class="comment-reply"><a rel="nofollow" '
        'class="comment-reply-link" '
        f'href="#comment-{cid}" data-commentid="{cid}" data-postid="48213" '
        f'data-belowelement="div-comment-{cid}" '
        'data-respondelement="respond" aria-label="Reply to this comment">Reply</a></span></footer>\n'
        "</article><!-- .comment-body -->\n</div><!-- #comment-## -->\n"
    )
