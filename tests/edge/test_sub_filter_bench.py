"""The nginx + sub_filter variant of ``benchmarks/bench_middleware.py``: what geonotice's notice
path is measured against must serve the very page geonotice serves, from a real nginx."""

from __future__ import annotations

from pathlib import Path

import corpus
import pytest

from support.geodb import city_record, write_database


def test_nginx_sub_filter_serves_the_page_geonotice_serves_a_moscow_reader(tmp_path: Path) -> None:
    import bench_middleware

    problem = bench_middleware.sub_filter_missing()
    if problem is not None:
        pytest.fail(problem)
    db = tmp_path / "city.mmdb"
    write_database(db, [("11.0.0.0/24", city_record("RU", ["MOW"]))], database_type="GeoIP2-City")
    page = corpus.page("wordpress").data
    noticed = bench_middleware.noticed_page(db, page, "11.0.0.1")
    match, replacement = bench_middleware.notice_substitution(page, noticed)
    assert match.startswith(b'<article class="post-') and noticed != page
    location = bench_middleware.sub_filter_location(match, replacement)
    (tmp_path / "nginx").mkdir()
    # It raises unless nginx, in front of the bare app, serves exactly ``noticed``.
    with bench_middleware.nginx_sub_filter(db, "wordpress", tmp_path / "nginx", location, noticed):
        pass


def test_a_page_without_the_notice_after_an_article_tag_has_no_substitution() -> None:
    import bench_middleware

    page = b"<main><article id=a><p>Text</p></article></main>"
    with pytest.raises(RuntimeError):
        bench_middleware.notice_substitution(page, page.replace(b"<main>", b"<main><aside>N</aside>"))


def test_nginx_strings_escape_quotes_and_backslashes_and_refuse_variables() -> None:
    import bench_middleware

    assert bench_middleware.nginx_string(b"<a title='x\\y'>") == "'<a title=\\'x\\\\y\\'>'"
    with pytest.raises(ValueError):
        bench_middleware.nginx_string(b"$remote_addr")
