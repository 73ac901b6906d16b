"""Amazon CloudFront: a viewer-request CloudFront Function that sets the variant header.

CloudFront keys its cache on what the cache policy names and ignores ``Vary``, so the variant
header goes into the cache policy; the function runs before the cache lookup and replaces
whatever header the reader sent. For variants with notices it also copies the reader's
``Accept-Language`` into a second key header, since the notice's language may follow it (the
origin says so with ``Vary: Accept-Language``, which CloudFront would not honour); readers
without notices keep one copy per variant.
"""

from __future__ import annotations

from geonotice.edge.javascript import variant_function
from geonotice.edge.table import EdgeOptions, header_comment
from geonotice.rules.variants import VariantTable

#: The cache-key header holding ``Accept-Language`` for readers whose page has notices.
LANGUAGE_KEY_HEADER = "Geonotice-Accept-Language"


def cloudfront_config(table: VariantTable, options: EdgeOptions) -> str:
    header = options.variant_header
    how = [
        "A CloudFront Function (runtime cloudfront-js-2.0, or 1.0) for the viewer-request event",
        "of every cache behaviour that serves covered pages. docs/caching.md has the console steps:",
        f"the cache policy keys on {header} and {LANGUAGE_KEY_HEADER} (not on the",
        "CloudFront-Viewer-* headers, which would keep a copy per country), the origin request",
        "policy forwards CloudFront-Viewer-Country and CloudFront-Viewer-Country-Region (so the",
        f"function sees them), and the origin takes variant_header={header!r} with CloudFront's",
        "origin-facing addresses in trusted_proxies.",
    ]
    own_header = header.lower()
    language_header = LANGUAGE_KEY_HEADER.lower()
    return "\n".join(
        [
            header_comment(table, options, prefix="//", how=how).rstrip("\n"),
            "",
            variant_function(table, header=header),
            "",
            "function handler(event) {",
            "  var request = event.request;",
            "  var headers = request.headers;",
            '  var country = headers["cloudfront-viewer-country"];',
            '  var region = headers["cloudfront-viewer-country-region"];',
            "  var variant = geonoticeVariant(country && country.value, region && region.value);",
            "  // Set here and only here: whatever the reader sent is replaced.",
            f'  headers["{own_header}"] = {{ value: variant }};',
            f'  delete headers["{language_header}"];',
            '  var language = headers["accept-language"];',
            "  if (language && GEONOTICE.withNotices.indexOf(variant) >= 0) {",
            f'    headers["{language_header}"] = {{ value: language.value }};',
            "  }",
            "  return request;",
            "}",
            "",
        ]
    )
