def title_from(text: str) -> str:
    """A case title from the first line written (the title is encrypted like the rest)."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first[:80]
