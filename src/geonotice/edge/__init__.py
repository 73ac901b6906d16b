"""The edge: what a CDN or cache in front of the origin needs to keep one copy per variant.

``edge_config(table, "nginx", options)`` returns the config text for one edge, made from a
``VariantTable`` (``geonotice.rules.variants``): an nginx include, Varnish VCL, Fastly VCL
snippets, a CloudFront Function or a Cloudflare Worker. Each computes the reader's variant from
the edge's own geo data, keys the cache on it and sends it to the origin in the variant header;
``geonotice.edge.origin`` is the origin's side, which believes that header only from trusted
proxies and only for a variant of the rules it serves.
"""

from __future__ import annotations

from collections.abc import Callable

from geonotice.edge.cloudflare import cloudflare_config
from geonotice.edge.cloudfront import cloudfront_config
from geonotice.edge.fastly import fastly_config
from geonotice.edge.nginx import nginx_config
from geonotice.edge.table import VARIANT_HEADER, EdgeOptions, variant_for_geo
from geonotice.edge.varnish import varnish_config
from geonotice.errors import ConfigError
from geonotice.rules.variants import VariantTable

__all__ = ["EDGES", "VARIANT_HEADER", "EdgeOptions", "edge_config", "variant_for_geo"]

#: Every edge a config can be generated for, by the name ``--for`` takes.
EDGES: dict[str, Callable[[VariantTable, EdgeOptions], str]] = {
    "nginx": nginx_config,
    "varnish": varnish_config,
    "fastly": fastly_config,
    "cloudfront": cloudfront_config,
    "cloudflare": cloudflare_config,
}


def edge_config(table: VariantTable, edge: str, options: EdgeOptions | None = None) -> str:
    """The config text that makes ``edge`` key its cache on the variants of ``table``.

    Raises:
        ConfigError: ``edge`` is not one of ``EDGES``.
    """
    generate = EDGES.get(edge)
    if generate is None:
        raise ConfigError(f"unknown edge {edge!r}: use one of {', '.join(EDGES)}")
    return generate(table, options or EdgeOptions())
