"""The CloudFront Function and the Cloudflare Worker, run under node: valid JavaScript, and the
same variant as the reference for every shape of geo value an edge sends.

node checks the syntax (``node --check``) and runs the code; CloudFront's and Cloudflare's
runtimes are not available here, so the Worker's cache and origin are stand-ins of a few lines.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from geonotice.edge import EdgeOptions, edge_config, variant_for_geo
from geonotice.edge.cloudfront import LANGUAGE_KEY_HEADER
from geonotice.rules.variants import UNDECIDED, VariantTable

NODE = shutil.which("node")

COUNTRIES = [
    "RU",
    "ru",
    " UA ",
    "UA",
    "BY",
    "DE",
    "GB",
    "FR",
    "US",
    "",
    "XX",
    "zz",
    "**",
    "--",
    "T1",
    "A1",
    "R1",
    "U",
]
REGIONS = [
    "",
    "43",
    "UA-43",
    "ua-43",
    "30",
    "ENG",
    "GB-ENG",
    "LND",
    "GB-LND",
    "BNH",
    "NO REGION",
    "?",
    "MOW",
    "HM",
]


def node(*args: str, stdin: str = "") -> str:
    if NODE is None:
        pytest.fail("node is not installed: run `scripts/setup --with-system-packages` (Debian's nodejs)")
    done = subprocess.run([NODE, *args], input=stdin, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize(("edge", "suffix"), [("cloudfront", ".js"), ("cloudflare", ".mjs")])
def test_the_generated_javascript_is_valid(
    shipped_table: VariantTable, tmp_path: Path, edge: str, suffix: str
) -> None:
    path = tmp_path / f"geonotice{suffix}"
    path.write_text(edge_config(shipped_table, edge), encoding="utf-8")
    node("--check", str(path))


RUN_FUNCTION = """
const vm = require("vm");
const source = require("fs").readFileSync(process.argv[1], "utf8");
const context = {};
vm.createContext(context);
vm.runInContext(source, context);
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = cases.map(([country, region]) => context.geonoticeVariant(country, region));
if (cases.length) {
  const request = {headers: {
    "cloudfront-viewer-country": {value: process.argv[2]},
    "accept-language": {value: "ru, en;q=0.5"},
    "geonotice-variant": {value: "chosen-by-the-reader"},
  }};
  const handled = context.handler({request: request});
  out.push(handled.headers["geonotice-variant"].value);
  out.push(handled.headers["geonotice-accept-language"].value);
  const elsewhere = context.handler({request: {headers: {"cloudfront-viewer-country": {value: "DE"},
    "accept-language": {value: "de"}, "geonotice-accept-language": {value: "x"}}}});
  out.push(elsewhere.headers["geonotice-variant"].value);
  out.push(String(elsewhere.headers["geonotice-accept-language"]));
}
process.stdout.write(JSON.stringify(out));
"""


@pytest.mark.parametrize("rules", ["shipped", "tricky"])
def test_the_cloudfront_function_computes_the_reference_variant_and_owns_the_header(
    shipped_table: VariantTable, tricky_table: VariantTable, tmp_path: Path, rules: str
) -> None:
    table = shipped_table if rules == "shipped" else tricky_table
    path = tmp_path / "function.js"
    path.write_text(edge_config(table, "cloudfront"), encoding="utf-8")
    cases = [[c, r] for c in COUNTRIES for r in REGIONS]
    with_notices = "RU" if rules == "shipped" else "FR"
    got = json.loads(node("-e", RUN_FUNCTION, str(path), with_notices, stdin=json.dumps(cases)))
    expected = [variant_for_geo(table, c, r) for c, r in cases]
    assert got[: len(cases)] == expected
    assert got[len(cases) :] == [
        table.variant_for(with_notices),
        "ru, en;q=0.5",
        table.default.name,
        "undefined",
    ]
    assert LANGUAGE_KEY_HEADER.lower() == "geonotice-accept-language"


RUN_WORKER = """
const calls = [];
const store = new Map();
globalThis.caches = {default: {
  match: async (key) => store.has(key.url) ? store.get(key.url).clone() : undefined,
  put: async (key, response) => { store.set(key.url, response); },
}};
globalThis.fetch = async (request) => {
  const variant = request.headers.get("geonotice-variant");
  calls.push([request.url, variant]);
  const control = variant === "undecided" ? "private" : "public, s-maxage=60";
  return new Response("page for " + variant, {headers: {"cache-control": control}});
};
const worker = (await import(process.argv[1])).default;
const waits = [];
const ctx = {waitUntil: (promise) => waits.push(promise)};
async function get(country, region, language, sent) {
  const headers = {"accept-language": language};
  if (sent) headers["geonotice-variant"] = sent;
  const request = new Request("https://news.example/a/x/1.html?page=2", {headers: headers});
  Object.defineProperty(request, "cf", {value: {country: country, regionCode: region}});
  const response = await worker.fetch(request, {}, ctx);
  await Promise.all(waits);
  return await response.text();
}
const out = [];
out.push(await get("DE", "BE", "de", "v1-forged"));
out.push(await get("US", "NY", "en", ""));
out.push(await get("RU", "MOW", "ru", ""));
out.push(await get("RU", "MOW", "ru", ""));
out.push(await get("RU", "MOW", "en", ""));
out.push(await get("UA", "", "uk", ""));
out.push(await get("UA", "", "uk", ""));
out.push(await get("T1", "", "en", ""));
process.stdout.write(JSON.stringify({out: out, calls: calls, keys: [...store.keys()]}));
"""


def test_the_worker_caches_one_copy_per_variant_and_never_a_private_page(
    shipped_table: VariantTable, tmp_path: Path
) -> None:
    path = tmp_path / "worker.mjs"
    path.write_text(edge_config(shipped_table, "cloudflare", EdgeOptions()), encoding="utf-8")
    result = json.loads(node("--input-type=module", "-e", RUN_WORKER, str(path)))
    default, russia = shipped_table.default.name, shipped_table.variant_for("RU")
    assert result["out"] == [
        f"page for {default}",  # the reader's own header is replaced
        f"page for {default}",  # from the cache: the same variant
        f"page for {russia}",
        f"page for {russia}",  # from the cache
        f"page for {russia}",  # another language: a copy of its own, since the notice's may follow it
        f"page for {UNDECIDED}",
        f"page for {UNDECIDED}",  # never cached
        f"page for {default}",  # Tor: the anonymous readers' variant, the default here
    ]
    assert [variant for _, variant in result["calls"]] == [default, russia, russia, UNDECIDED, UNDECIDED]
    assert all(url == "https://news.example/a/x/1.html?page=2" for url, _ in result["calls"])
    assert sorted(result["keys"]) == sorted(
        [
            f"https://news.example/a/x/1.html?page=2&geonotice-variant={default}",
            f"https://news.example/a/x/1.html?page=2&geonotice-variant={russia}%7Cru",
            f"https://news.example/a/x/1.html?page=2&geonotice-variant={russia}%7Cen",
        ]
    )
