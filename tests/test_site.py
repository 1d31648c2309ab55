"""The site assembled from the two editions' builds (involution_book.site)."""

import bs4
import pytest

from involution_book import site


def fake_build(folder, title):
    (folder / "_static").mkdir(parents=True)
    (folder / "index.html").write_text(f"<title>{title}</title>", encoding="utf-8")
    (folder / "01_preface.html").write_text("preface", encoding="utf-8")
    (folder / "_static" / "style.css").write_text("", encoding="utf-8")
    return folder


def test_both_editions_side_by_side_with_a_landing_page(tmp_path):
    builds = {"en": fake_build(tmp_path / "en", "Book"),
              "zh-tw": fake_build(tmp_path / "zh", "書")}
    out = tmp_path / "site"
    (out / "en").mkdir(parents=True)
    (out / "en" / "stale.html").write_text("a page the edition no longer has", encoding="utf-8")
    site.assemble(out, builds, base_url="https://example.org/book")
    assert (out / "en/index.html").read_text(encoding="utf-8") == "<title>Book</title>"
    assert (out / "zh-tw/index.html").read_text(encoding="utf-8") == "<title>書</title>"
    assert (out / "zh-tw/_static/style.css").is_file()
    assert not (out / "en/stale.html").exists()
    assert (out / ".nojekyll").is_file()

    landing = bs4.BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    alternates = {link["hreflang"]: link["href"]
                  for link in landing.select('link[rel="alternate"]')}
    assert alternates == {"en": "https://example.org/book/en/",
                          "zh-TW": "https://example.org/book/zh-tw/",
                          "x-default": "https://example.org/book/"}
    cards = {a["href"]: (a["lang"], a.get_text(" ", strip=True))
             for a in landing.select("a.edition")}
    assert set(cards) == {"en/01_preface.html", "zh-tw/01_preface.html"}
    lang, text = cards["zh-tw/01_preface.html"]
    assert lang == "zh-TW" and "繁體中文" in text and "開始閱讀" in text
    lang, text = cards["en/01_preface.html"]
    assert lang == "en" and "Start reading" in text
    assert not any("\u3400" <= ch <= "\u9fff" for ch in text)


def test_a_missing_build_is_named_with_what_to_run(tmp_path):
    builds = {"en": fake_build(tmp_path / "en", "Book"), "zh-tw": tmp_path / "nowhere"}
    with pytest.raises(site.SiteError, match=r"no built edition in .*nowhere.*'zh-tw'.*make book"):
        site.assemble(tmp_path / "site", builds)
    with pytest.raises(site.SiteError, match=r"missing \['zh-tw'\], unknown \['fr'\]"):
        site.assemble(tmp_path / "site", {"en": builds["en"], "fr": builds["en"]})
    assert not (tmp_path / "site").exists()


def test_the_command_line_reports_errors_without_a_traceback(tmp_path, capsys):
    assert site.main([str(tmp_path / "site"), f"en={tmp_path}"]) == 2
    assert "error: the site needs the editions" in capsys.readouterr().err


def test_the_landing_page_offers_each_editions_pdf_when_given(tmp_path):
    builds = {"en": fake_build(tmp_path / "en", "Book"),
              "zh-tw": fake_build(tmp_path / "zh", "書")}
    pdf = tmp_path / "involution-book-zh-tw.pdf"
    pdf.write_bytes(b"%PDF-1.5")
    site.assemble(tmp_path / "site", builds, pdfs={"zh-tw": pdf})
    assert (tmp_path / "site/zh-tw/involution-book-zh-tw.pdf").read_bytes() == b"%PDF-1.5"
    landing = bs4.BeautifulSoup((tmp_path / "site/index.html").read_text(encoding="utf-8"),
                                "html.parser")
    links = {a["href"]: a.get_text() for a in landing.select("a.pdf")}
    assert links == {"zh-tw/involution-book-zh-tw.pdf": "下載 PDF"}
    with pytest.raises(site.SiteError,
                       match=r"no PDF of the 'en' edition at .*missing.pdf.*make pdf"):
        site.assemble(tmp_path / "site", builds, pdfs={"en": tmp_path / "missing.pdf"})
