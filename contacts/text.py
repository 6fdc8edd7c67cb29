"""Plain-text rules shared by the contact form and the import: one definition each."""

import re


def normalise(text: str) -> str:
    """Case- and spacing-insensitive form of a name or organisation, for duplicate checks."""
    return " ".join(text.split()).casefold()


def parse_tags(text: str) -> list[str]:
    """Split "pharma, Medical affairs , pharma" into ["pharma", "Medical affairs"]."""
    tags, seen = [], set()
    for raw in re.split(r"[,;\n]", text):
        tag = " ".join(raw.split())
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tags
