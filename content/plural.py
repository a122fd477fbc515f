"""Words that change with a number: one form per plural category, chosen by babel's CLDR rules."""

from __future__ import annotations

from functools import cache
from typing import Self

from babel import Locale
from pydantic import model_validator

from content.base import ContentModel, Text, placeholders

LOCALE = "en"
"""The language the content is written in; its plural rules choose among a Plural's forms."""

CATEGORIES = ("zero", "one", "two", "few", "many", "other")


@cache
def _locale(name: str) -> Locale:
    return Locale.parse(name)


def plural_category(count: int, locale: str = LOCALE) -> str:
    """The CLDR plural category of `count` in `locale`: "one" or "other" in English."""
    return str(_locale(locale).plural_form(count))


class Plural(ContentModel):
    """A phrase around a number (`{count}`), with a form for each plural category the
    content's language uses ("one" and "other" in English); a category left out reads as
    "other". Used as `words.x.format(count=n, ...)`, as a plain template would be."""

    zero: Text | None = None
    one: Text | None = None
    two: Text | None = None
    few: Text | None = None
    many: Text | None = None
    other: Text

    @model_validator(mode="after")
    def _every_category_of_the_language(self) -> Self:
        needed = set(_locale(LOCALE).plural_form.tags)
        missing = sorted(tag for tag in needed if getattr(self, tag) is None)
        if missing:
            raise ValueError(f"plural forms missing for {LOCALE!r}: {missing}")
        return self

    def forms(self) -> tuple[str, ...]:
        """Every form given, for checking their placeholders."""
        return tuple(form for tag in CATEGORIES if (form := getattr(self, tag)) is not None)

    def placeholders(self) -> set[str]:
        return set().union(*(placeholders(form) for form in self.forms()))

    def format(self, *, count: int, **values: object) -> str:
        """The form for `count`, filled in: `{count}` and whatever else the form names."""
        form: str | None = getattr(self, plural_category(count))
        return (form or self.other).format(count=count, **values)
