"""Search text and facet tokens, computed once when a version is published."""


def pinyin_forms(text: str) -> list[str]:
    """Initials ("shtt") and full pinyin ("shehuituanti") of the Chinese in `text`."""
    if not text:
        return []
    # Imported here: its dictionaries take a second and memory that only publishing needs.
    from pypinyin import Style, lazy_pinyin

    return ["".join(lazy_pinyin(text, style=Style.FIRST_LETTER)), "".join(lazy_pinyin(text))]


def search_text_for(version) -> str:
    parts = [version.name, version.short_name, version.keywords, version.item.code]
    for text in (version.name, version.short_name, *version.keywords.split()):
        parts.extend(pinyin_forms(text))
    return " ".join(p for p in parts if p).lower()


def facet_token(kind: str, value: str) -> str:
    return f"|{kind}:{value}|"


def facets_for(version) -> str:
    tokens = [facet_token("so", v) for v in version.service_objects]
    tokens += [facet_token("org", v) for v in version.org_kinds]
    return "".join(tokens)
