"""Reads of the published catalog, with the joins each page needs."""

import operator
from functools import reduce

from django.db.models import Prefetch, Q, QuerySet

from .codes import ITEM_TYPE
from .content import CHILDREN
from .models import CatalogInfo, Item, ItemVersion, SearchSynonym
from .search import facet_token


def published_items(*, q: str = "", item_type: str = "", service_object: str = "",
                    org_kind: str = "") -> QuerySet[Item]:
    """Active items that have a published version, with that version joined, ordered by code.

    `q` matches a Chinese substring of the name, short name, keywords or code, or pinyin (initials or
    full) precomputed at publish time.
    """
    items = (Item.objects.filter(is_active=True, current_version__isnull=False)
             .select_related("current_version").order_by("code"))
    if q.strip():
        words = q.lower().split()
        synonyms = dict(SearchSynonym.objects.filter(term__in=words).values_list("term", "matches"))
        for word in words:
            # A word people use (证书补发) also finds the items its synonym names (补（换）发).
            alternatives = [word, *synonyms.get(word, "").lower().split()]
            items = items.filter(reduce(operator.or_, (Q(current_version__search_text__contains=alternative)
                                                       for alternative in alternatives)))
    if item_type:
        items = items.filter(current_version__item_type=item_type)
    if service_object:
        items = items.filter(current_version__facets__contains=facet_token("so", service_object))
    if org_kind:
        items = items.filter(current_version__facets__contains=facet_token("org", org_kind))
    return items


def items_by_type(items) -> list[tuple[str, list[Item]]]:
    """Group items by type in GB/T 39046 code order: [(type label, [items])]."""
    groups: dict[str, list[Item]] = {}
    for item in sorted(items, key=lambda i: (ITEM_TYPE[i.current_version.item_type], i.code)):
        groups.setdefault(item.current_version.get_item_type_display(), []).append(item)
    return list(groups.items())


def published_guide(code: str) -> ItemVersion | None:
    """The current published version of an active item, with every child list prefetched."""
    return (ItemVersion.objects.select_related("item")
            .prefetch_related(*(Prefetch(name) for name in CHILDREN))
            .filter(item__code=code, item__is_active=True, item__current_version__isnull=False,
                    status=ItemVersion.Status.PUBLISHED).first())


def catalog_label() -> str:
    info = CatalogInfo.objects.filter(pk=1).first()
    return info.label if info else ""
