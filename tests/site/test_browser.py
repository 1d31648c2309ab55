"""The built site in a real browser: each page's language, the switcher, search, clean pages.

Run after a smoke build (``make test-site`` does both); ``INVOLUTION_SITE`` names
another built site, e.g. ``_build/html`` for the full book. Headless Chromium and its
driver come from Debian (``apt-get install chromium chromium-driver``); selenium is
pointed at them, so nothing is downloaded at test time.
"""

import functools
import http.server
import os
import re
import threading
from urllib.parse import quote, urlparse

import pytest
from pages import CHAPTERS, ROOT
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
EDITIONS = {"en": "en", "zh-tw": "zh-Hant-TW"}
OTHER = {"en": "zh-tw", "zh-tw": "en"}

HAN = "\u3400-\u9fff"
# A Han character or full-width punctuation.
WIDE = f"[{HAN}\u3000-\u303f\uff00-\uffef]"
STRAY_SPACE = re.compile(rf"{WIDE}\s+{WIDE}")
# Framework logs (in a notebook TensorFlow's Python log goes to stdout, so removing stderr
# does not hide it), Python warnings, C++ log lines, the benchmark's progress lines
# ("measured B2 8x8 C8 K3 G4 r4").
CHATTER = re.compile(
    r"^(?:INFO|WARNING|ERROR|CRITICAL):|WARNING:|Warning:|retracing|absl|^[IWEF]\d{4} "
    r"|^measured B\d+ \d+x\d+",
    re.MULTILINE,
)
# Glossary cells with several terms: "query, key, value", "核／卷積核", "patch (of an image)".
SEPARATORS = re.compile(r"\s*(?:[,/、／]|\(.*?\))\s*")


def glossary_terms():
    """{"en": [...], "zh-tw": [...]}: every term of the glossary table, alternatives apart."""
    terms = {"en": [], "zh-tw": []}
    rows = (ROOT / "book/glossary.md").read_text(encoding="utf-8").splitlines()
    for row in rows:
        cells = [c.strip() for c in row.strip("| ").split("|")]
        if len(cells) < 3 or set(cells[0]) <= {"-"} or cells[0] == "English":
            continue
        for lang, cell in zip(("en", "zh-tw"), cells):
            terms[lang] += [t for t in SEPARATORS.split(cell) if t]
    return terms


def contains(prose, term, lang):
    """Whether a page's prose uses the term: a substring in Chinese, a word start in English."""
    if lang == "zh-tw":
        return term in prose
    return re.search(rf"\b{re.escape(term)}", prose, re.IGNORECASE) is not None


# --- fixtures: the site served on 127.0.0.1, one headless Chromium -------------------------

@pytest.fixture(scope="module")
def site(built_site):
    handler = functools.partial(QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    thread.join()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1280,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def page(browser, site, name):
    browser.get(f"{site}{name}.html")
    return browser


def prose(browser):
    """The article's text without its code cells and outputs."""
    return browser.execute_script("""
        const article = document.querySelector("article").cloneNode(true);
        article.querySelectorAll(".cell, script, style, .headerlink").forEach(n => n.remove());
        return article.textContent;
    """)


@pytest.fixture(scope="module")
def texts(browser, site):
    """{docname: prose} for every chapter of both editions."""
    return {f"book/{lang}/{chapter}": prose(page(browser, site, f"book/{lang}/{chapter}"))
            for lang in EDITIONS for chapter in CHAPTERS}


def search(browser, term):
    """The docnames the site's own search code returns for ``term`` (search page loaded)."""
    return set(browser.execute_script("""
        const [q, terms, excluded, highlight, objects] = Search._parseQuery(arguments[0]);
        return Search._performSearch(q, terms, excluded, highlight, objects).map(r => r[0]);
    """, term))


@pytest.fixture(scope="module")
def search_page(browser, site):
    page(browser, site, "search")
    WebDriverWait(browser, 30).until(lambda b: b.execute_script("return !!Search._index"))
    return browser


# --- each page in its language -------------------------------------------------------------

@pytest.mark.parametrize("lang", EDITIONS)
def test_chapters_carry_their_language_and_alternates(browser, site, lang):
    for chapter in CHAPTERS:
        name = f"book/{lang}/{chapter}"
        page(browser, site, name)
        assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == EDITIONS[lang]
        alternates = {
            link.get_attribute("hreflang"): urlparse(link.get_attribute("href")).path
            for link in browser.find_elements(By.CSS_SELECTOR, 'link[rel="alternate"][hreflang]')
        }
        assert alternates[EDITIONS[lang]].endswith(f"/{name}.html"), alternates
        assert alternates[EDITIONS[OTHER[lang]]].endswith(f"/book/{OTHER[lang]}/{chapter}.html")
        assert alternates["x-default"].endswith(f"/book/en/{chapter}.html")


def test_shared_pages_are_english_with_chinese_blocks_marked(browser, site):
    for name in ("book/index", "book/glossary", "book/bibliography"):
        html = page(browser, site, name).find_element(By.TAG_NAME, "html")
        assert html.get_attribute("lang") == "en"
    page(browser, site, "book/glossary")
    marked = browser.find_elements(By.CSS_SELECTOR, '[lang="zh-Hant-TW"]')
    assert "本書兩個版本使用的術語" in marked[0].text
    assert "感受野" in [cell.text for cell in marked]


# --- the switcher --------------------------------------------------------------------------

@pytest.mark.parametrize("lang", EDITIONS)
def test_switcher_opens_the_same_chapter_in_the_other_edition(browser, site, lang):
    chapter = CHAPTERS[2]
    page(browser, site, f"book/{lang}/{chapter}")
    browser.find_element(By.CSS_SELECTOR, "button.btn-language-switcher").click()
    WebDriverWait(browser, 30).until(lambda b: f"/book/{OTHER[lang]}/" in b.current_url)
    assert urlparse(browser.current_url).path.endswith(f"/book/{OTHER[lang]}/{chapter}.html")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == EDITIONS[OTHER[lang]]


@pytest.mark.parametrize("name", ["book/index", "book/glossary"])
def test_switcher_on_shared_pages_opens_the_chinese_preface(browser, site, name):
    page(browser, site, name).find_element(By.CSS_SELECTOR, "button.btn-language-switcher").click()
    WebDriverWait(browser, 30).until(lambda b: "/book/zh-tw/" in b.current_url)
    assert urlparse(browser.current_url).path.endswith(f"/book/zh-tw/{CHAPTERS[0]}.html")


# --- search --------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", EDITIONS)
def test_search_finds_every_page_that_uses_a_glossary_term(search_page, texts, lang):
    missed = {}
    for term in glossary_terms()[lang]:
        using = {name for name, text in texts.items()
                 if name.startswith(f"book/{lang}/") and contains(text, term, lang)}
        lost = using - search(search_page, term)
        if lost:
            missed[term] = sorted(lost)
    assert not missed, missed


@pytest.mark.parametrize("term, page_name", [("自注意力", "book/zh-tw/06_self_attention"),
                                             ("批次正規化", "book/zh-tw/03_involution"),
                                             ("receptive field", "book/en/02_convolution")])
def test_search_page_lists_the_results(browser, site, term, page_name):
    browser.get(f"{site}search.html?q={quote(term)}")
    WebDriverWait(browser, 30).until(
        lambda b: "found" in b.find_element(By.CSS_SELECTOR, ".search-summary").text)
    results = browser.find_elements(By.CSS_SELECTOR, "ul.search li a")
    links = [a.get_attribute("href") for a in results]
    assert any(urlparse(link).path.endswith(f"/{page_name}.html") for link in links), links
    assert str(len(browser.find_elements(By.CSS_SELECTOR, "ul.search li"))) in (
        browser.find_element(By.CSS_SELECTOR, ".search-summary").text)


# --- clean pages ---------------------------------------------------------------------------

def test_chinese_paragraphs_have_no_stray_spaces(browser, site):
    stray = {}
    for chapter in CHAPTERS:
        page(browser, site, f"book/zh-tw/{chapter}")
        for paragraph in browser.find_elements(By.CSS_SELECTOR, "article p, article li"):
            text = paragraph.get_attribute("textContent")
            if match := STRAY_SPACE.search(text):
                context = text[max(match.start() - 10, 0):match.end() + 10]
                stray.setdefault(chapter, []).append(context)
    assert not stray, stray


def test_no_page_shows_framework_chatter_or_stray_values(browser, site):
    shown = {}
    for lang in EDITIONS:
        for chapter in CHAPTERS:
            page(browser, site, f"book/{lang}/{chapter}")
            outputs = browser.execute_script("""
                return [...document.querySelectorAll(".cell_output .output")].map(
                    o => [o.className, o.textContent]);
            """)
            for kind, text in outputs:
                # text/plain results are return values nobody asked for (figures, tables
                # and glued numbers render otherwise); stream output must not be chatter.
                if "text_plain" in kind or "stderr" in kind or CHATTER.search(text):
                    shown.setdefault(f"{lang}/{chapter}", []).append(text.strip()[:120])
    assert not shown, shown
