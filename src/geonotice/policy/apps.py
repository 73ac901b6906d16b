"""Finding the ASGI application that ``--app MODULE:APP`` names.

Resolved the way ``uvicorn``'s importer does it (``package.module:attribute``, the attribute may be
dotted), with errors that say how to fix the string rather than a traceback.
"""

from __future__ import annotations

import importlib
from typing import cast

from starlette.types import ASGIApp

from geonotice.errors import ConfigError


def import_app(spec: str) -> ASGIApp:
    """The object ``spec`` names, checked to be callable.

    Raises:
        ConfigError: ``spec`` is not ``MODULE:ATTRIBUTE``, the module cannot be imported, it has no
            such attribute, or the attribute is not callable.
    """
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise ConfigError(f'app {spec!r} must be given as "<module>:<attribute>", e.g. "mysite.asgi:app"')
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        # Only the module we were asked for is "missing": an import error inside it is the app's bug.
        missing = error.name
        if missing is not None and (module_name == missing or module_name.startswith(missing + ".")):
            raise ConfigError(f"app {spec!r}: could not import module {module_name!r}") from error
        raise ConfigError(f"app {spec!r}: importing {module_name!r} failed: {error}") from error
    except Exception as error:
        raise ConfigError(f"app {spec!r}: importing {module_name!r} failed: {error!r}") from error
    app: object = module
    for part in attribute.split("."):
        try:
            app = getattr(app, part)
        except AttributeError:
            raise ConfigError(
                f"app {spec!r}: module {module_name!r} has no attribute {attribute!r}"
            ) from None
    if not callable(app):
        raise ConfigError(f"app {spec!r} is not an ASGI application (it is not callable)")
    return cast(ASGIApp, app)
