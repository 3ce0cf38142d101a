"""Small helpers that keep messages grammatical: ``1 class``, ``3 classes``."""

from __future__ import annotations


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """The noun in the form ``count`` needs."""
    if count == 1:
        return singular
    if plural_form:
        return plural_form
    if singular.endswith(("s", "x", "ch", "sh")):
        return singular + "es"
    return singular + "s"


def counted(count: int, singular: str, plural_form: str | None = None) -> str:
    """``count`` with thousands separators, then the noun in the right form."""
    return f"{count:,} {plural(count, singular, plural_form)}"
