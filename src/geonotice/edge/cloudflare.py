"""Cloudflare: a Worker that sets the variant header and caches covered pages per variant.

Cloudflare does not honour ``Vary`` for HTML and offers custom cache keys only on Enterprise
plans, so the Worker keys the cache itself, with the Cache API: the request URL plus the variant
(plus the reader's ``Accept-Language`` for variants with notices, whose text may follow it).
Responses the origin marks ``private`` or ``no-store`` are never stored, and a reader the table
cannot place (``undecided``) goes to the origin uncached. The region comes from
``request.cf.country`` and ``request.cf.regionCode``; Cloudflare's Tor value ``T1`` is an
anonymous reader.
"""

from __future__ import annotations

from geonotice.edge.javascript import variant_function
from geonotice.edge.table import EdgeOptions, header_comment
from geonotice.locate.cdn import PRESETS
from geonotice.rules.variants import VariantTable

#: The query parameter the Worker adds to its cache keys (never sent to the origin).
KEY_PARAMETER = "geonotice-variant"


def cloudflare_config(table: VariantTable, options: EdgeOptions) -> str:
    header = options.variant_header
    how = [
        "A Cloudflare Worker (ES module) on the routes of covered pages; docs/caching.md has the",
        "steps (wrangler deploy, or the dashboard). Do not also cache those routes with a Cache",
        "Everything rule: the Worker caches them itself, per variant. The origin takes",
        f"variant_header={header!r} with Cloudflare's addresses in trusted_proxies.",
    ]
    anonymous = PRESETS["cloudflare"].anonymous_values
    return "\n".join(
        [
            header_comment(table, options, prefix="//", how=how).rstrip("\n"),
            "",
            variant_function(table, header=header, anonymous_values=anonymous),
            "",
            "function geonoticeCacheable(response) {",
            '  var control = response.headers.get("Cache-Control") || "";',
            "  return response.status === 200 && !/(^|[\\s,])(private|no-store)([\\s,=]|$)/i.test(control);",
            "}",
            "",
            "export default {",
            "  async fetch(request, env, ctx) {",
            "    var cf = request.cf || {};",
            "    var variant = geonoticeVariant(cf.country, cf.regionCode);",
            "    var headers = new Headers(request.headers);",
            "    headers.set(GEONOTICE.header, variant); // replaces whatever the reader sent",
            "    var upstream = new Request(request, { headers: headers });",
            '    if (request.method !== "GET" || variant === GEONOTICE.undecided) {',
            "      return fetch(upstream);",
            "    }",
            "    var keyUrl = new URL(request.url);",
            "    var key = variant;",
            "    if (GEONOTICE.withNotices.indexOf(variant) >= 0) {",
            '      key += "|" + (request.headers.get("Accept-Language") || "");',
            "    }",
            f'    keyUrl.searchParams.set("{KEY_PARAMETER}", key);',
            '    var cacheKey = new Request(keyUrl.toString(), { method: "GET" });',
            "    var cache = caches.default;",
            "    var cached = await cache.match(cacheKey);",
            "    if (cached) {",
            "      return cached;",
            "    }",
            "    var response = await fetch(upstream);",
            "    if (geonoticeCacheable(response)) {",
            "      ctx.waitUntil(cache.put(cacheKey, response.clone()));",
            "    }",
            "    return response;",
            "  },",
            "};",
            "",
        ]
    )
