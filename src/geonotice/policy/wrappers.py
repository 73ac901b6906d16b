"""Where a policy run puts its middleware in the app it is given (``geonotice test --app``).

A run wraps the app in a ``GeoNoticeMiddleware`` of its own, with the rules under test, each
case's date and each reader's way in. An app that already has one (the site's real entry point,
say) would send every case through two middlewares, and the results would describe neither. So
the app's wrappers are walked first, as far as they can be seen:

- ``.app``, the attribute ASGI middleware (geonotice's, Starlette's, uvicorn's) keep what they wrap;
- a Starlette or FastAPI app's declared middleware (``user_middleware``) and its routes (mounted
  apps, route-level middleware);
- ``application_mapping``, a Channels protocol router's apps.

Django's ``ASGIHandler`` runs Django middleware, which cannot be an ASGI one, so the walk ends
there, as it does at any object it does not know.

A middleware found at the top of the app, or declared on the top Starlette app, is *replaced* for
the run: the cases go through one middleware, where the app has its own, with the run's settings
instead of the app's. One found deeper, or more than one, is refused with a one-line reason.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.types import ASGIApp

from geonotice.errors import ConfigError

if TYPE_CHECKING:
    from geonotice.middleware import GeoNoticeMiddleware

#: How deep the walk goes: real stacks are a few wrappers deep; this bounds a pathological one.
MAX_DEPTH = 32

Build = Callable[[ASGIApp], "GeoNoticeMiddleware"]


class Wrapped(NamedTuple):
    """The app as a run requests it, and the run's middleware inside it (to close)."""

    app: ASGIApp
    middleware: GeoNoticeMiddleware


@dataclass(frozen=True, slots=True)
class Found:
    """A ``GeoNoticeMiddleware`` in the app: where (``app.user_middleware[0]``), and whether as a
    built instance or as a Starlette declaration."""

    where: str
    declared: bool


class AppSlot:
    """The app of a run and where its middleware goes.

    Raises:
        ConfigError: the app already has a ``GeoNoticeMiddleware`` that a run cannot replace (not
            at its top), or more than one; the message is one line and says what to give instead.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        found = list(find_middlewares(app))
        if len(found) > 1 or (found and not _replaceable(found[0])):
            places = " and ".join(item.where for item in found)
            raise ConfigError(
                f"the app already runs GeoNoticeMiddleware ({places}), which a policy run cannot take "
                "out, so every case would pass through it as well as through the run's own: give the "
                "app it wraps instead"
            )
        #: Where the app's own middleware is replaced by the run's, if it has one.
        self.replaces: str | None = found[0].where if found else None

    def wrap(self, build: Build) -> Wrapped:
        """The app with the run's middleware, made by ``build`` around what it wraps.

        Raises:
            Whatever ``build`` raises (a ``GeoNoticeError`` for a bad setting or database).
        """
        from geonotice.middleware import GeoNoticeMiddleware

        app = self.app
        if self.replaces is None or isinstance(app, GeoNoticeMiddleware):
            middleware = build(app.app if isinstance(app, GeoNoticeMiddleware) else app)
            return Wrapped(middleware, middleware)
        if not isinstance(app, Starlette):  # a replaceable middleware is one of the two
            raise RuntimeError(f"cannot replace the middleware at {self.replaces}")
        # A copy of the Starlette app whose declared middleware is the run's: the app's own stack
        # is left as it is, and nothing of the app's own GeoNoticeMiddleware is built.
        built: list[GeoNoticeMiddleware] = []

        def run_middleware(inner: ASGIApp) -> ASGIApp:
            built.append(build(inner))
            return built[-1]

        declared = [
            Middleware(run_middleware) if _is_geonotice(getattr(entry, "cls", None)) else entry
            for entry in app.user_middleware
        ]
        twin = copy.copy(app)
        twin.user_middleware = declared
        twin.middleware_stack = twin.build_middleware_stack()
        return Wrapped(twin, built[0])


def find_middlewares(app: object) -> Iterator[Found]:
    """Every ``GeoNoticeMiddleware`` the walk reaches in ``app``, outermost first."""
    seen: set[int] = set()
    stack: list[tuple[str, object, int]] = [("app", app, 0)]
    while stack:
        where, node, depth = stack.pop()
        if id(node) in seen or depth > MAX_DEPTH:
            continue
        seen.add(id(node))
        if isinstance(node, Middleware):
            if _is_geonotice(node.cls):
                yield Found(where, declared=True)
            continue
        if _is_geonotice(type(node)):
            yield Found(where, declared=False)
        children = list(_children(node))
        stack.extend((where + name, child, depth + 1) for name, child in reversed(children))


def _children(node: object) -> Iterator[tuple[str, object]]:
    if isinstance(node, Starlette):
        for index, entry in enumerate(node.user_middleware):
            yield f".user_middleware[{index}]", entry
        # Not .middleware_stack: once built it holds the declared middleware again.
        yield ".router", node.router
        return
    inner = _attribute(node, "app")
    if inner is not None:
        yield ".app", inner
    routes = _attribute(node, "routes")
    if isinstance(routes, list):
        for index, route in enumerate(routes):
            yield f".routes[{index}]", route
    mapping = _attribute(node, "application_mapping")
    if isinstance(mapping, dict):
        for key, value in mapping.items():
            yield f".application_mapping[{key!r}]", value


def _attribute(node: object, name: str) -> Any:
    # Any object may turn up here, including ones whose properties fail when read.
    try:
        return getattr(node, name, None)
    except Exception:
        return None


def _is_geonotice(cls: object) -> bool:
    from geonotice.middleware import GeoNoticeMiddleware

    return isinstance(cls, type) and issubclass(cls, GeoNoticeMiddleware)


def _replaceable(found: Found) -> bool:
    return found.where == "app" or (found.declared and found.where.startswith("app.user_middleware["))
