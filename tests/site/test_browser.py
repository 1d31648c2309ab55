"""The built site in a real browser: two editions, each a site of its own in its language.

Run after a smoke build (``make test-site`` does both); ``INVOLUTION_SITE`` names
another built site, e.g. ``_build/site`` for the full book. Headless Chromium and its
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
from interface_strings import ENGLISH_INTERFACE, SIMPLIFIED_ONLY
from pages import CHAPTERS, EDITIONS, OTHER, PAGES, ROOT
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")

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
# The glossary column that holds each edition's own terms.
TERM_COLUMN = {"en": "English", "zh-tw": "繁體中文"}


def glossary_terms(lang):
    """Every term of the edition's glossary table in its own language, alternatives apart."""
    terms, column = [], None
    for row in (ROOT / "book" / lang / "glossary.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in row.strip("| ").split("|")]
        if not row.startswith("|"):
            column = None
        elif column is None and TERM_COLUMN[lang] in cells:
            column = cells.index(TERM_COLUMN[lang])
        elif column is not None and not set(cells[0]) <= {"-"}:
            terms += [t for t in SEPARATORS.split(cells[column]) if t]
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


def interface(browser):
    """What the page's interface says around the article: text, placeholders, tooltips."""
    return browser.execute_script("""
        const page = document.body.cloneNode(true);
        page.querySelectorAll("article, script, style, .MathJax").forEach(n => n.remove());
        const words = [page.innerText || page.textContent, document.title];
        for (const node of page.querySelectorAll("[placeholder], [title], [aria-label], "
                                                 + "[data-bs-title], [alt]")) {
            for (const name of ["placeholder", "title", "aria-label", "data-bs-title", "alt"]) {
                if (node.hasAttribute(name)) words.push(node.getAttribute(name));
            }
        }
        return words.join("\\n");
    """)


def english_interface(text):
    """The strings of ENGLISH_INTERFACE in ``text``, each a whole word or phrase, any case."""
    return [s for s in ENGLISH_INTERFACE
            if re.search(rf"\b{re.escape(s)}\b", text, re.IGNORECASE)]


def path(browser):
    return urlparse(browser.current_url).path


@pytest.fixture(scope="module")
def texts(browser, site):
    """{(edition, chapter): prose} for every chapter of both editions."""
    return {(lang, chapter): prose(page(browser, site, f"{lang}/{chapter}"))
            for lang in EDITIONS for chapter in CHAPTERS}


def search(browser, term):
    """The pages the site's own search code returns for ``term`` (search page loaded)."""
    return set(browser.execute_script("""
        const [q, terms, excluded, highlight, objects] = Search._parseQuery(arguments[0]);
        return Search._performSearch(q, terms, excluded, highlight, objects).map(r => r[0]);
    """, term))


def search_page(browser, site, lang):
    page(browser, site, f"{lang}/search")
    WebDriverWait(browser, 30).until(lambda b: b.execute_script("return !!Search._index"))
    return browser


# --- the landing page ----------------------------------------------------------------------

def test_the_landing_page_offers_both_editions_each_in_its_language(browser, site):
    page(browser, site, "index")
    cards = {urlparse(a.get_attribute("href")).path: a.get_attribute("lang")
             for a in browser.find_elements(By.CSS_SELECTOR, "a.edition")}
    assert cards == {f"/{folder}/{CHAPTERS[0]}.html": tag for folder, tag in EDITIONS.items()}
    alternates = {link.get_attribute("hreflang")
                  for link in browser.find_elements(By.CSS_SELECTOR, 'link[rel="alternate"]')}
    assert alternates == {*EDITIONS.values(), "x-default"}
    for folder in EDITIONS:
        browser.find_element(By.CSS_SELECTOR, f'a.edition[href^="{folder}/"]').click()
        start = f"/{folder}/{CHAPTERS[0]}.html"
        WebDriverWait(browser, 30).until(lambda b, start=start: path(b) == start)
        assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == EDITIONS[folder]
        page(browser, site, "index")


# --- each edition a site of its own --------------------------------------------------------

@pytest.mark.parametrize("lang", EDITIONS)
def test_every_page_carries_its_language_and_alternates(browser, site, lang):
    for name in PAGES:
        page(browser, site, f"{lang}/{name}")
        assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == EDITIONS[lang]
        alternates = {
            link.get_attribute("hreflang"): urlparse(link.get_attribute("href")).path
            for link in browser.find_elements(By.CSS_SELECTOR, 'link[rel="alternate"][hreflang]')
        }
        assert alternates == {EDITIONS[lang]: f"/involution/{lang}/{name}.html",
                              EDITIONS[OTHER[lang]]: f"/involution/{OTHER[lang]}/{name}.html",
                              "x-default": f"/involution/en/{name}.html"}, name


@pytest.mark.parametrize("lang", EDITIONS)
def test_the_sidebar_lists_its_own_edition_only(browser, site, lang):
    page(browser, site, f"{lang}/{CHAPTERS[3]}")
    hrefs = [a.get_attribute("href")
             for a in browser.find_elements(By.CSS_SELECTOR, "#pst-primary-sidebar a[href]")]
    pages = [urlparse(href).path for href in hrefs if href.startswith(site)]
    assert pages, "no links in the sidebar"
    assert all(p.startswith(f"/{lang}/") for p in pages), pages
    listed = {p.rsplit("/", 1)[-1].removesuffix(".html") for p in pages}
    assert set(CHAPTERS) | {"glossary", "notation", "bibliography"} <= listed


@pytest.mark.parametrize("lang", EDITIONS)
def test_previous_and_next_stay_in_the_edition(browser, site, lang):
    order = PAGES
    for before, name, after in zip([None, *order[:-1]], order, [*order[1:], None]):
        page(browser, site, f"{lang}/{name}")
        found = {}
        for kind, css in (("prev", "a.left-prev"), ("next", "a.right-next")):
            anchors = browser.find_elements(By.CSS_SELECTOR, f".prev-next-area {css}")
            found[kind] = urlparse(anchors[0].get_attribute("href")).path if anchors else None
        expected = {"prev": before, "next": after}
        for kind, target in expected.items():
            if target is None:
                assert found[kind] is None, (name, kind, found[kind])
            else:
                assert found[kind] == f"/{lang}/{target}.html", (name, kind, found[kind])


# --- the switcher --------------------------------------------------------------------------

@pytest.mark.parametrize("lang", EDITIONS)
def test_the_switcher_round_trips_for_every_page(browser, site, lang):
    for name in [*PAGES, "search", "genindex"]:
        page(browser, site, f"{lang}/{name}")
        for there in (OTHER[lang], lang):
            switcher = browser.find_element(By.CSS_SELECTOR, "a.edition-switcher")
            assert switcher.get_attribute("lang") == EDITIONS[there]
            switcher.click()
            target = f"/{there}/{name}.html"
            WebDriverWait(browser, 30).until(lambda b, target=target: path(b) == target)
            html = browser.find_element(By.TAG_NAME, "html")
            assert html.get_attribute("lang") == EDITIONS[there]


@pytest.mark.parametrize("lang", EDITIONS)
def test_colab_opens_the_pages_own_notebook(browser, site, lang):
    for chapter in CHAPTERS:
        page(browser, site, f"{lang}/{chapter}")
        colab = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "a[href]")
                 if a.get_attribute("href").startswith("https://colab.research.google.com/")]
        assert colab and all(href.endswith(f"/blob/main/book/{lang}/{chapter}.ipynb")
                             for href in colab), colab


# --- the interface in the page's language --------------------------------------------------

@pytest.mark.parametrize("name", [*PAGES, "search", "genindex"])
def test_chinese_pages_show_no_english_interface_and_no_simplified_characters(browser, site, name):
    page(browser, site, f"zh-tw/{name}")
    around = interface(browser)
    english = english_interface(around)
    assert not english, english
    everything = around + browser.find_element(By.TAG_NAME, "body").get_attribute("textContent")
    simplified = sorted({ch for ch in everything if ch in SIMPLIFIED_ONLY})
    assert not simplified, simplified


@pytest.mark.parametrize("lang, words", [("zh-tw", ("複製", "複製到剪貼簿")),
                                         ("en", ("Copy", "Copy to clipboard"))])
def test_copy_buttons_speak_the_edition(browser, site, lang, words):
    page(browser, site, f"{lang}/{CHAPTERS[2]}")
    buttons = browser.find_elements(By.CSS_SELECTOR, "button.copybtn")
    assert buttons, "no copy buttons"
    for button in buttons[:3]:
        assert button.get_attribute("data-tooltip") == words[0]
        title = button.find_element(By.TAG_NAME, "title").get_attribute("textContent")
        assert title == words[1]


def test_the_english_interface_list_is_what_english_pages_show(browser, site):
    """Guards the test above: the strings it looks for are on the English pages."""
    page(browser, site, f"en/{CHAPTERS[2]}")
    around = interface(browser)
    shown = english_interface(around)
    assert len(shown) >= 5, shown


# --- search --------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", EDITIONS)
def test_search_finds_every_page_that_uses_a_glossary_term(browser, site, texts, lang):
    search_page(browser, site, lang)
    missed = {}
    for term in glossary_terms(lang):
        using = {chapter for (edition, chapter), text in texts.items()
                 if edition == lang and contains(text, term, lang)}
        lost = using - search(browser, term)
        if lost:
            missed[term] = sorted(lost)
    assert not missed, missed


@pytest.mark.parametrize("term", ["Keras", "CIFAR-10", "DepthwiseConv2D"])
def test_chinese_search_finds_the_english_terms_chinese_pages_use(browser, site, texts, term):
    search_page(browser, site, "zh-tw")
    using = {chapter for (edition, chapter), text in texts.items()
             if edition == "zh-tw" and term.lower() in text.lower()}
    assert using, f"no Chinese chapter uses {term}"
    assert using <= search(browser, term)


@pytest.mark.parametrize("lang, term, page_name", [("zh-tw", "自注意力", "06_self_attention"),
                                                   ("zh-tw", "批次正規化", "03_involution"),
                                                   ("en", "receptive field", "02_convolution")])
def test_search_page_lists_results_with_summaries_from_the_prose(browser, site, lang, term,
                                                                 page_name):
    browser.get(f"{site}{lang}/search.html?q={quote(term)}")
    WebDriverWait(browser, 60).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, "ul.search li p.context"))
    WebDriverWait(browser, 60).until(
        lambda b: b.find_element(By.CSS_SELECTOR, ".search-summary").text.strip())
    results = browser.find_elements(By.CSS_SELECTOR, "ul.search li")
    links = [urlparse(a.get_attribute("href")).path
             for a in browser.find_elements(By.CSS_SELECTOR, "ul.search li > a")]
    assert f"/{lang}/{page_name}.html" in links, links
    assert all(link.startswith(f"/{lang}/") for link in links), links
    assert str(len(results)) in browser.find_element(By.CSS_SELECTOR, ".search-summary").text
    for summary in browser.find_elements(By.CSS_SELECTOR, "ul.search li p.context"):
        text = summary.text
        assert not re.search(r"\.pdf|\.ipynb|Contents|目錄|本頁內容", text), text
        assert re.sub(r"\s+", "", term.split()[0]).lower() in re.sub(r"\s+", "", text).lower(), text


# --- clean pages ---------------------------------------------------------------------------

def test_chinese_paragraphs_have_no_stray_spaces(browser, site):
    stray = {}
    for chapter in CHAPTERS:
        page(browser, site, f"zh-tw/{chapter}")
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
            page(browser, site, f"{lang}/{chapter}")
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
