"""Turning what a person types into the words to look for in organisation names."""

import re
import unicodedata
from typing import Final

# The abbreviations Thai people write for local organisations, longest first.
ABBREVIATIONS: Final = (
    ("อบจ", "องค์การบริหารส่วนจังหวัด"),
    ("อบต", "องค์การบริหารส่วนตำบล"),
    ("ทน", "เทศบาลนคร"),
    ("ทม", "เทศบาลเมือง"),
    ("ทต", "เทศบาลตำบล"),
    ("จ", "จังหวัด"),
    ("อ", "อำเภอ"),
)
MAX_TERMS: Final = 6
MAX_QUERY: Final = 100
_ABBREVIATION: Final = re.compile(
    r"(?<![\u0e00-\u0e7f])(" + "|".join(a for a, _ in ABBREVIATIONS) + r")\.\s*"
)
_BARE_ABBREVIATION: Final = dict(ABBREVIATIONS)


def search_terms(query: str) -> list[str]:
    """Words that must all appear in a name: abbreviations spelt out, at most a few words."""
    text = unicodedata.normalize("NFC", query[:MAX_QUERY])
    # Control characters (NUL above all, which PostgreSQL refuses in text) match no name.
    text = "".join(c if c.isprintable() else " " for c in text).strip()
    expanded = _ABBREVIATION.sub(lambda m: _BARE_ABBREVIATION[m.group(1)], text)
    terms = [_BARE_ABBREVIATION.get(word, word) for word in expanded.split()]
    return [t for t in terms if t][:MAX_TERMS]
