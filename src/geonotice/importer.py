"""Finding the ASGI application a ``MODULE:APP`` string names, for ``geonotice run`` and ``test --app``.

Resolved the way ``uvicorn``'s importer does it (``package.module:attribute``, the attribute may be
dotted, optionally a factory to call), with one-line errors that say how to fix the string rather
than a traceback. The command line decides how to show them; this module never exits.
"""

from __future__ import annotations

import importlib
from typing import cast

from starlette.types import ASGIApp

from geonotice.errors import ConfigError


def import_app(spec: str, *, factory: bool = False) -> ASGIApp:
    """The application ``spec`` (``MODULE:ATTRIBUTE``) names; with ``factory``, what calling it returns.

    Raises:
        ConfigError: ``spec`` is not ``MODULE:ATTRIBUTE``, the module cannot be imported (or fails
            while importing), it has no such attribute, the factory fails, or the result is not
            callable. The message is one line.
    """
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise ConfigError(f"{spec!r} must have the form MODULE:APP, for example 'mysite.asgi:app'")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        # Only the module we were asked for is "missing": a failed import inside it is the app's bug.
        missing = error.name
        if missing is not None and (module_name == missing or module_name.startswith(missing + ".")):
            raise ConfigError(f"no module named {module_name!r}") from None
        raise ConfigError(f"importing {module_name!r} failed: {one_line(error)}") from error
    except Exception as error:  # the application's own import-time failure
        raise ConfigError(f"importing {module_name!r} failed: {one_line(error)}") from error
    target: object = module
    for part in attribute.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise ConfigError(f"module {module_name!r} has no attribute {attribute!r}") from None
    if factory:
        if not callable(target):
            raise ConfigError(f"the factory {spec!r} is not callable")
        try:
            target = target()
        except Exception as error:
            raise ConfigError(f"calling the factory {spec!r} failed: {one_line(error)}") from error
    if not callable(target):
        raise ConfigError(f"{spec!r} is not an ASGI application (it is not callable)")
    return cast(ASGIApp, target)


def one_line(error: object) -> str:
    """An error's message with its white space collapsed, or its type's name when it has none."""
    return " ".join(str(error).split()) or type(error).__name__
