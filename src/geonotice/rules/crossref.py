"""The second pass: what only shows across every rules file, and the ``Ruleset`` built from them.

Names referenced but never defined, jurisdictions that include each other in a circle, excepted
regions outside their jurisdiction, definitions nothing uses, and notices that cover pages in a
language they have no text in (``page languages`` may be given in another file).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from geonotice.rules import codes
from geonotice.rules.globs import covers_pages_under
from geonotice.rules.languages import language_preferences, notice_language, serves
from geonotice.rules.model import Jurisdiction, Ruleset, RulesFile
from geonotice.rules.shapes import Ref
from geonotice.rules.walk import FileChecker, NoticeDraft
from geonotice.yamlcheck.hints import did_you_mean


class Checker(FileChecker):
    """Every check, both passes: feed it files with ``check_file``, then call ``cross_check``."""

    def cross_check(self) -> None:
        names = self.jurisdictions
        for draft in names.values():
            self.undefined(draft.includes, f"jurisdiction {draft.name!r}: includes", names)
        self.check_cycles()
        for draft in names.values():
            positives = self.positive_codes(draft.name, set())
            for index, (code, node) in enumerate(draft.excludes):
                if not any(_overlaps(code, p) for p in positives):
                    self.report(
                        draft.path,
                        node,
                        codes.EXCLUDE_OUTSIDE,
                        f"jurisdiction {draft.name!r}: except[{index}]: {code} is not inside it anyway",
                    )
        referenced: set[str] = set()
        for notice_draft in self.notices.values():
            where = f"notice {notice_draft.notice.id!r}: applies to"
            referenced.update(self.undefined(notice_draft.applies_to, where, names))
        for which, refs in self.readers.items():
            self.undefined(refs, f"readers.{which}", self.notices)
        used = self.closure(referenced)
        # A notice whose own lines have errors (a misspelt 'applies to') is the root cause of any
        # jurisdiction or notice looking unused: those warnings wait until it is fixed.
        settled = all(notice_draft.section.clean for notice_draft in self.notices.values())
        for draft in names.values():
            if settled and draft.name not in used:
                self.report(
                    draft.path,
                    draft.key,
                    codes.UNUSED_JURISDICTION,
                    f"jurisdiction {draft.name!r} is not used by any notice",
                )
        for_readers = {ref.name for refs in self.readers.values() for ref in refs}
        for notice_draft in self.notices.values():
            self.check_translations(notice_draft)
            if not notice_draft.section.clean:
                continue
            if not notice_draft.applies_to and notice_draft.notice.id not in for_readers:
                self.report(
                    notice_draft.path,
                    notice_draft.section.node,
                    codes.UNUSED_NOTICE,
                    f"notice {notice_draft.notice.id!r} applies to nobody: "
                    "give 'applies to' or list it in readers",
                )

    def check_translations(self, draft: NoticeDraft) -> None:
        """Warn when a notice covers pages whose language (``page languages``) it has no text in:
        their readers would get another language, which may be one they cannot read."""
        notice = draft.notice
        text_node = draft.section.node.get("text")
        if text_node is None or not notice.texts or draft.section.get("single language", False):
            return
        missing: dict[str, list[str]] = {}
        for rule in self.page_languages:
            shown = notice_language(notice, language_preferences(page_language=rule.language))
            if serves(shown, rule.language):
                continue
            if covers_pages_under(notice.pages.paths, notice.pages.exclude_paths, rule.prefix):
                missing.setdefault(rule.language, []).append(rule.prefix)
        for language, prefixes in missing.items():
            shown = notice_language(notice, (language,))
            which = "the default language" if shown == notice.default_language else "its closest language"
            self.report(
                draft.path,
                text_node,
                codes.UNTRANSLATED,
                f"notice {notice.id!r}: text: no {language!r} text, so readers of the pages under "
                f"{' and '.join(prefixes)} (page languages) would be shown the {shown!r} text ({which}, "
                f"unless their browser asks for another it has): add the text in {language} "
                f"(a '{language}:' line under 'text:')",
            )

    def undefined(self, refs: Sequence[Ref], where: str, defined: Mapping[str, object]) -> set[str]:
        """Report each name in ``refs`` that is not ``defined``; the names that are come back."""
        jurisdictions = defined is self.jurisdictions
        code = codes.UNDEFINED_JURISDICTION if jurisdictions else codes.UNDEFINED_NOTICE
        missing = "no jurisdiction is called" if jurisdictions else "no notice has the id"
        found = set()
        for index, ref in enumerate(refs):
            if ref.name in defined:
                found.add(ref.name)
                continue
            hint = did_you_mean(ref.name, defined)
            self.report(ref.path, ref.node, code, f"{where}[{index}]: {missing} {ref.name!r}{hint}")
        return found

    def check_cycles(self) -> None:
        state: dict[str, int] = {}  # 1 = on the current path, 2 = done

        def visit(name: str, trail: list[str]) -> None:
            state[name] = 1
            for index, ref in enumerate(self.jurisdictions[name].includes):
                if ref.name not in self.jurisdictions:
                    continue
                if state.get(ref.name) == 1:
                    circle = " → ".join([*trail[trail.index(ref.name) :], ref.name])
                    self.report(
                        ref.path,
                        ref.node,
                        codes.INCLUDE_CYCLE,
                        f"jurisdiction {name!r}: includes[{index}]: "
                        f"jurisdictions include each other: {circle}",
                    )
                    ref_cycle = self.jurisdictions[name].includes
                    ref_cycle[index] = dataclasses.replace(ref, name="")  # cut the cycle for later passes
                elif state.get(ref.name) is None:
                    visit(ref.name, [*trail, ref.name])
            state[name] = 2

        for name in self.jurisdictions:
            if name not in state:
                visit(name, [name])

    def positive_codes(self, name: str, seen: set[str]) -> set[str]:
        draft = self.jurisdictions.get(name)
        if draft is None or name in seen:
            return set()
        seen.add(name)
        codes = {code for code, _ in draft.regions}
        for ref in draft.includes:
            codes |= self.positive_codes(ref.name, seen)
        return codes

    def closure(self, names: set[str]) -> set[str]:
        result: set[str] = set()
        pending = list(names)
        while pending:
            name = pending.pop()
            if name in result or name not in self.jurisdictions:
                continue
            result.add(name)
            pending.extend(ref.name for ref in self.jurisdictions[name].includes)
        return result

    def ruleset(self, sources: Sequence[str], *, digest: str, files: tuple[RulesFile, ...]) -> Ruleset:
        jurisdictions = {
            name: Jurisdiction(
                name=name,
                regions=tuple(dict.fromkeys(code for code, _ in draft.regions)),
                includes=tuple(dict.fromkeys(ref.name for ref in draft.includes)),
                excludes=tuple(dict.fromkeys(code for code, _ in draft.excludes)),
                description=draft.section.get("description", ""),
                source=f"{draft.path}:{draft.key.line}",
            )
            for name, draft in self.jurisdictions.items()
        }
        return Ruleset(
            jurisdictions=jurisdictions,
            notices=tuple(draft.notice for draft in self.notices.values()),
            unknown_readers=tuple(dict.fromkeys(ref.name for ref in self.readers.get("unknown", []))),
            anonymous_readers=tuple(dict.fromkeys(ref.name for ref in self.readers.get("anonymous", []))),
            page_languages=tuple(sorted(self.page_languages, key=lambda rule: -len(rule.prefix))),
            sources=tuple(sources),
            digest=digest,
            files=files,
        )


def _overlaps(excluded: str, included: str) -> bool:
    return excluded == included or excluded.startswith(included + "-") or included.startswith(excluded + "-")
