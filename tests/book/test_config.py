"""The three book configurations stay in step: the root's (``jupyter-book build .``, English)
and each edition's, which ``make book`` builds into one site."""

from pathlib import Path

import pytest
import yaml
from notebooks import CHAPTERS, ROOT

CONFIGS = {"root": ROOT, "en": ROOT / "book/en", "zh-tw": ROOT / "book/zh-tw"}
REFERENCE_PAGES = ["glossary", "notation", "bibliography"]
# What an edition may set for itself: its language and what follows from it.
PER_EDITION = {"language", "locale_dirs", "book_edition", "html_search_language",
               "numfig_format", "smartquotes", "togglebutton_hint", "togglebutton_hint_hide"}


def load(folder, name):
    return yaml.safe_load((folder / name).read_text(encoding="utf-8"))


def resolved(config, folder):
    """A configuration with its paths made absolute and what may differ taken out."""
    config = yaml.safe_load(yaml.safe_dump(config))
    config.pop("title")
    config.pop("author")
    config["sphinx"]["config"]["html_theme_options"].pop("search_bar_text")
    config.pop("exclude_patterns")
    config["bibtex_bibfiles"] = [(folder / p).resolve() for p in config["bibtex_bibfiles"]]
    config["repository"].pop("path_to_book", None)
    config["html"].pop("baseurl", None)
    config["latex"].pop("latex_documents")
    config["sphinx"]["config"]["latex_elements"].pop("fncychap", None)  # 第 1 章 in Chinese
    sphinx = config["sphinx"]
    sphinx["local_extensions"] = {name: (folder / path).resolve()
                                  for name, path in sphinx["local_extensions"].items()}
    for key in PER_EDITION | {"book_edition_alone"}:
        sphinx["config"].pop(key, None)
    return config


def test_the_three_configurations_share_everything_but_paths_and_language():
    configs = {name: resolved(load(folder, "_config.yml"), folder)
               for name, folder in CONFIGS.items()}
    assert configs["root"] == configs["en"]
    assert configs["zh-tw"] == configs["en"]


def test_each_edition_sets_its_language_and_its_own_address():
    en, zh = (load(CONFIGS[name], "_config.yml") for name in ("en", "zh-tw"))
    assert en["sphinx"]["config"]["language"] == "en"
    assert zh["sphinx"]["config"]["language"] == "zh_TW"
    assert zh["sphinx"]["config"]["numfig_format"] == {"figure": "圖 %s", "table": "表 %s"}
    for config, edition in ((en, "en"), (zh, "zh-tw")):
        assert config["sphinx"]["config"]["book_edition"] == edition
        assert config["repository"]["path_to_book"] == f"book/{edition}"
        assert config["html"]["baseurl"].endswith(f"/involution/{edition}/")
    root = load(ROOT, "_config.yml")
    assert root["sphinx"]["config"]["book_edition_alone"] is True
    assert set(en["sphinx"]["config"]) - set(root["sphinx"]["config"]) == set()
    assert set(zh["sphinx"]["config"]) - set(en["sphinx"]["config"]) <= PER_EDITION


def chapters(folder, toc):
    """The toc's files, without the folder prefix the root's toc adds."""
    prefix = "" if folder != ROOT else "book/en/"
    parts = [[c["file"].removeprefix(prefix) for c in part["chapters"]] for part in toc["parts"]]
    return toc["root"].removeprefix(prefix), parts, [part.get("numbered") for part in toc["parts"]]


@pytest.mark.parametrize("name", CONFIGS)
def test_every_toc_lists_its_edition_then_its_reference_pages(name):
    folder = CONFIGS[name]
    root, parts, numbered = chapters(folder, load(folder, "_toc.yml"))
    assert root == "index"
    assert parts == [[Path(c).stem for c in CHAPTERS], REFERENCE_PAGES]
    assert numbered == [True, None]
    edition = ROOT / "book" / ("en" if name == "root" else name)
    for page in [root, *REFERENCE_PAGES]:
        assert (edition / f"{page}.md").is_file(), f"{edition / page}.md"
