"""A YAML file format as one value: its sections of fields, its JSON Schema and its reference.

The rules format and the policy-case format are both described this way, so the keys a syntax
error may name, the schema editors use and the generated documentation all come from the same
field tables and cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from geonotice.yamlcheck.fields import Field, JsonSchema, document_schema, schema_text
from geonotice.yamlcheck.problems import ProblemCode
from geonotice.yamlcheck.reference import render


@dataclass(frozen=True, slots=True)
class FileFormat:
    """``sections`` are ``(title, fields)`` pairs; the first is the file's top mapping."""

    schema_id: str
    title: str
    sections: tuple[tuple[str, tuple[Field, ...]], ...]
    codes: Sequence[ProblemCode]
    codes_intro: str = ""

    @property
    def keys(self) -> frozenset[str]:
        """Every key of the format, so a syntax error can name the key that lacks its colon."""
        return frozenset(field.key for _, fields in self.sections for field in fields)

    def json_schema(self) -> JsonSchema:
        """A JSON Schema (draft 2020-12) of one file, for editors such as VS Code's YAML extension."""
        return document_schema(self.schema_id, self.title, self.sections[0][1])

    def json_schema_text(self) -> str:
        return schema_text(self.json_schema())

    def docs_reference(self) -> str:
        """The generated reference that ends the format's documentation page."""
        return render(self.sections, self.codes, codes_intro=self.codes_intro)
