"""Issue 17 (words): every template and message has its Chinese, and one English message means one thing.

Django merges the apps' catalogs into one: a msgid that two apps translate differently shows whichever app
comes first in INSTALLED_APPS everywhere (the complaint number column read "快递单号", the courier's word
from the cases app). Words that mean different things therefore carry a context (`pgettext`,
`{% translate "…" context "…" %}`), and the test below fails when the same msgid and context is
translated two ways."""

import shutil
from collections import defaultdict
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[3]
CATALOGS = sorted(ROOT.glob("onewindow/*/locale/zh_Hans/LC_MESSAGES/django.po"))
APPS = [path.parents[3].name for path in CATALOGS]


def _key(entry) -> tuple[str | None, str]:
    return entry.msgctxt, entry.msgid


def _live(path) -> list:
    return [e for e in polib.pofile(str(path)) if not e.obsolete]


def test_every_app_with_text_has_a_catalog():
    with_templates = {p.parent.name for p in ROOT.glob("onewindow/*/templates")}
    assert with_templates <= set(APPS)


@pytest.mark.parametrize("path", CATALOGS, ids=APPS)
def test_every_message_has_a_reviewed_chinese_translation(path):
    missing = [e.msgid for e in _live(path)
               if "fuzzy" in e.flags or not (all(e.msgstr_plural.values()) if e.msgid_plural else e.msgstr)]
    assert not missing, f"untranslated or fuzzy in {path.relative_to(ROOT)}: {missing[:10]}"


@pytest.mark.parametrize("path", CATALOGS, ids=APPS)
def test_compiled_catalog_matches_its_source(path):
    compiled = {_key(e): e.msgstr or e.msgstr_plural.get(0) for e in polib.mofile(str(path.with_suffix(".mo")))}
    source = {_key(e): e.msgstr or e.msgstr_plural.get(0) for e in _live(path)}
    assert compiled == source, "run compilemessages"


def test_one_message_one_translation_across_apps():
    seen: dict[tuple, dict[str, str]] = defaultdict(dict)
    for app, path in zip(APPS, CATALOGS, strict=True):
        for e in _live(path):
            if e.msgstr:
                seen[_key(e)][app] = e.msgstr
    clashes = {key: apps for key, apps in seen.items() if len(set(apps.values())) > 1}
    assert not clashes, clashes


@pytest.mark.parametrize("app", APPS)
def test_makemessages_would_add_nothing(app, tmp_path, monkeypatch):
    """Every string marked in the app's code and templates is already in its catalog."""
    copy = tmp_path / app
    shutil.copytree(ROOT / "onewindow" / app, copy, ignore=shutil.ignore_patterns("tests", "__pycache__", "*.mo"))
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["zh_Hans"], no_obsolete=True, verbosity=0)
    extracted = {_key(e) for e in _live(copy / "locale/zh_Hans/LC_MESSAGES/django.po")}
    committed = {_key(e) for e in _live(ROOT / "onewindow" / app / "locale/zh_Hans/LC_MESSAGES/django.po")}
    assert not extracted - committed, f"makemessages for {app} would add {sorted(extracted - committed)[:10]}"


def test_no_message_is_shadowed_by_an_earlier_app():
    """django.contrib.admin and auth come before our apps in INSTALLED_APPS, so their catalogs win: a msgid
    of ours that they translate differently shows their words (the queue's 筛选 button read "过滤器")."""
    from django.apps import apps

    ours = {}
    for path in CATALOGS:
        ours.update({_key(e): e.msgstr for e in _live(path) if e.msgstr})
    shadowed = {}
    for config in apps.get_app_configs():
        if config.name.startswith("onewindow."):
            break
        mo = Path(config.path) / "locale/zh_Hans/LC_MESSAGES/django.mo"
        if mo.exists():
            shadowed.update({_key(e): (config.label, e.msgstr) for e in polib.mofile(str(mo))
                             if _key(e) in ours and e.msgstr and e.msgstr != ours[_key(e)]})
    assert not shadowed, shadowed
