"""Serving the current rules version while lawyers edit it.

The holder owns one ``Engine`` at a time. A daemon thread (``geonotice._watch.FileWatcher``)
notices changed, added, removed or swapped files; the new version is read and checked on that
thread, and only a valid one replaces the engine, in a single attribute assignment. Requests read
``holder.engine`` once and keep that engine for the whole request, so a reload never splits a
request between two versions, and an invalid edit only produces log lines: the last good version
keeps serving.
"""

from __future__ import annotations

import logging
from pathlib import Path
from types import TracebackType

from geonotice._watch import FileWatcher, Signature, Watched, file_signature
from geonotice.errors import RulesError
from geonotice.rules.engine import Engine
from geonotice.rules.files import check_path, watched_files
from geonotice.rules.model import Ruleset
from geonotice.yamlcheck.problems import Problem, errors_in

logger = logging.getLogger("geonotice.rules")


class RulesHolder(Watched):
    """The current rules of a running server, reloaded from ``path`` when the files change.

    ``path`` is a rules file or directory, or an already built ``Ruleset`` (then nothing is
    watched). Construction loads the rules once.

    Raises:
        RulesError: the rules at ``path`` do not load at start-up; every problem is attached.
    """

    def __init__(self, path: str | Path | Ruleset, *, interval: float = 2.0) -> None:
        self.path: Path | None = None
        self.version = 1
        self.problems: tuple[Problem, ...] = ()  # of the last version that failed, else ()
        self._watcher: FileWatcher | None = None
        if isinstance(path, Ruleset):
            self.engine = Engine(path)
            return
        self.path = Path(path)
        # The watcher takes its first signature before the first load, so an edit made while
        # loading is seen as a change rather than missed.
        watcher = FileWatcher(self._signature, self._on_change, interval=interval, name="geonotice-rules")
        ruleset, problems = check_path(self.path)
        if ruleset is None:
            raise RulesError(problems)
        for problem in problems:
            logger.warning("%s", problem)
        self.engine = Engine(ruleset)
        self._watcher = watcher
        logger.info(
            "rules at %s loaded: rules version %s, %d notice(s)",
            self.path,
            ruleset.version,
            len(ruleset.notices),
        )

    @property
    def ruleset(self) -> Ruleset:
        return self.engine.ruleset

    def _signature(self) -> Signature:
        # The path itself counts too: swapping a symlinked directory changes its inode. A file
        # that turns into a broken link or a directory changes its entry, so it is reported.
        assert self.path is not None
        return file_signature([self.path, *watched_files(self.path)])

    def _on_change(self) -> bool:
        # False tells the watcher the files changed while they were read: look again later.
        return self._reload() is not None

    def reload(self) -> bool:
        """Read the rules again now; returns whether a new version replaced the current one.

        An invalid version is logged (every problem, at error level) and discarded; so is a
        version whose files changed while they were being read (a copy caught half-way).
        """
        return self._reload() is True

    def _reload(self) -> bool | None:
        """``reload``, telling a refused version (``False``) from files that changed while they
        were read (``None``: nothing was decided)."""
        if self.path is None:
            return False
        before = self._signature()
        ruleset, problems = check_path(self.path)
        if self._signature() != before:
            logger.info("rules at %s changed while they were read; read again once settled", self.path)
            return None
        if ruleset is None:
            self.problems = tuple(problems)
            errors = errors_in(problems)
            logger.error(
                "rules at %s not reloaded: %d error(s); still serving rules version %s",
                self.path,
                len(errors),
                self.engine.ruleset.version,
            )
            for problem in problems:
                logger.log(logging.ERROR if problem.is_error else logging.WARNING, "%s", problem)
            return False
        engine = Engine(ruleset)  # compiled before the swap, so requests never see a half-built one
        self.engine = engine
        self.version += 1
        self.problems = ()
        for problem in problems:
            logger.warning("%s", problem)
        logger.info(
            "rules at %s reloaded: rules version %s, %d notice(s)",
            self.path,
            ruleset.version,
            len(ruleset.notices),
        )
        return True

    def __enter__(self) -> RulesHolder:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()
