"""Loading the reference catalog kept in the repository (data/reference_catalog.json)."""

from pathlib import Path

from .exchange import catalog_import
from .models import SearchSynonym
from .services import synonym_set

REFERENCE_CATALOG = Path(__file__).resolve().parent / "data" / "reference_catalog.json"


# Words people use at the window and on the phone for the reference items, and the catalog words they mean.
# Administrators add and change these in the admin (搜索同义词); loading keeps the ones already there.
REFERENCE_SYNONYMS = {
    "证书补发": "补（换）发 证书补换发", "补证": "补（换）发 证书补换发", "换证": "补（换）发 证书补换发",
    "证书遗失": "补（换）发", "证书丢失": "补（换）发", "年检": "年度检查 年检", "年报": "年度检查 年检",
    "注销": "注销登记", "撤销登记": "注销登记", "改名": "名称 变更登记", "更名": "名称 变更登记 更名",
    "换法人": "法定代表人变更", "改章程": "章程核准", "刻章": "印章", "开户": "银行账户",
    "成立": "成立登记 设立登记", "募捐": "公开募捐", "登记证明": "登记证明出具",
}


def catalog_load_reference(path: Path = REFERENCE_CATALOG) -> str:
    """Import the reference catalog and its search synonyms (idempotent); return a one-line summary."""
    summary = str(catalog_import(path.read_bytes(), actor=None))
    known = set(SearchSynonym.objects.values_list("term", flat=True))
    for term, matches in REFERENCE_SYNONYMS.items():
        if term not in known:  # an administrator's edit is kept
            synonym_set(term=term, matches=matches, actor=None)
    return summary
