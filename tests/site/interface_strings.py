"""The interface strings a page of the Traditional Chinese edition must not show.

The zh-tw edition is its own Sphinx build with ``language: zh_TW``; its interface comes from
Sphinx, pydata-sphinx-theme 0.17.1, sphinx-book-theme 1.3.0 and sphinx-exercise 1.2.1, with
the edition's catalogues under ``book/zh-tw/locale/zh_TW/LC_MESSAGES`` filling what those ship
in Simplified Chinese only (pydata-sphinx-theme, sphinx-exercise) or not at all.

``ENGLISH_INTERFACE``: the English strings of pydata-sphinx-theme's and sphinx-book-theme's
templates (the ``.html`` files under their theme folders) and of the book theme's header
buttons, as a reader sees or hears them: an element's text, or its ``placeholder``, ``title``,
``data-bs-title``, ``data-bs-original-title`` (where Bootstrap moves a tooltip's ``title``),
``aria-label`` or ``alt``. A test looks for them only in the page's interface elements, that
is outside ``article`` (the chapter itself quotes code and English terms), and matches each one
case-insensitively as a whole word or phrase ("Next" must not match "nextafter"). Several are
single words ("Search", "Home", "Light"), fine there and only there. On the search page, which
has no ``article``, the results list quotes the pages and is no interface either.

Left out on purpose: the edition switcher's label "English" (the other edition's name, in its
own language; its tooltip is in the page's language); names (Colab, GitHub, Jupyter, Sphinx, PyData,
JavaScript, PDF); keyboard keys (Ctrl, K); aria-label "Page" of the print-only contents of
sphinx-book-theme's layout.html (hidden on screen).

``SIMPLIFIED_ONLY``: every Han character of the msgstrs of pydata-sphinx-theme's ``zh`` catalogue
(obsolete entries included) and sphinx-exercise's ``zh_CN`` catalogue that is a Simplified form
and not a Traditional character in its own right. Shared characters (上, 下, 搜, 索, 版 ...) and
those Traditional text also uses (于, 后) are not listed. None of them may appear anywhere on a
page of the Chinese edition.
"""

ENGLISH_INTERFACE = (
    # pydata-sphinx-theme: layout.html, search.html, components/ and sections/
    "Skip to main content",
    "Back to top",
    "Search",  # search button (title, aria-label, text), search page heading, the placeholder
    "Search the docs",  # the theme's default search_bar_text
    "Search this book",  # Jupyter Book's search_bar_text, which replaces the book theme's
    "Please activate JavaScript to enable the search functionality",
    "Breadcrumb",
    "Home",
    "Copyright",
    "Edit on",
    "Indices",
    "General Index",
    "Global Module Index",
    "Python Module Index",
    "Last updated on",
    "On this page",
    "previous page",
    "next page",
    "previous",
    "next",
    "Collapse Sidebar",
    "Expand Sidebar",
    "Section Navigation",
    "Show Source",  # also the book theme's "Show source" button
    "Created using",
    "Color mode",
    "Light",
    "Dark",
    "System Settings",
    "Built with the",
    "Version warning",
    "Announcement",
    "Site navigation",
    "Icon Links",  # icon_links_label, aria-label of the icon links
    "Choose version",  # version switcher, hard-coded
    "Version switcher list",
    # sphinx-book-theme: templates (components/, macros/buttons.html, layout.html) and
    # header_buttons (tooltips, button texts, the launch buttons' image alt "... logo")
    "Contents",  # toc_title
    "By",  # author.html: "By {{ author }}"
    "Download this page",
    "Download notebook file",
    "Download source file",
    "Print to PDF",
    "Fullscreen mode",
    "Launch on",  # "Launch on Colab", "Launch on Binder" ...
    "Launch via",  # "Launch via JupyterLite", hard-coded in launch.py
    "Launch interactive content",
    "Launch Thebe",
    "Live Code",
    "logo",
    "Source repository",
    "Source repositories",
    "Repository",
    "Suggest edit",
    "Open issue",
    "Open an issue",
    # Hard-coded in sphinx-book-theme's templates, outside any catalogue: only a template of
    # the edition's own (book/_templates) can translate these.
    "Toggle primary sidebar",  # components/toggle-primary-sidebar.html, title
    "Toggle secondary sidebar",  # components/toggle-secondary-sidebar.html, title
    "Main",  # components/sbt-sidebar-nav.html, aria-label of the book's navigation
    # Sphinx's search tools (searchtools.js, sphinx_highlight.js): translated by Sphinx's
    # zh_TW sphinx.js, listed here in case it is not loaded
    "Search Results",
    "Searching",
    "Preparing search",
    "Search finished",
    "Hide Search Matches",
)

SIMPLIFIED_ONLY = (
    "开",  # 開  (展开: Click to expand)
    "缩",  # 縮  (收缩: Click to collapse)
    "转",  # 轉  (跳转至主要内容: Skip to main content)
    "内",  # 內
    "顶",  # 頂  (回到顶部: Back to top)
    "错",  # 錯  (错误: Error)
    "误",  # 誤
    "请",  # 請  (请启用 JavaScript ...)
    "启",  # 啟
    "编",  # 編  (编辑: Edit)
    "辑",  # 輯
    "类",  # 類  (分类: Indices)
    "总",  # 總  (总索引: General Index)
    "块",  # 塊  (模块索引: Module Index)
    "当",  # 當  (当前页面: On this page)
    "条",  # 條  (上一条, 下一条: previous, next)
    "节",  # 節  (章节导航: Section Navigation)
    "导",  # 導
    "显",  # 顯  (显示源码: Show Source)
    "码",  # 碼
    "创",  # 創  (创建: Created using)
    "构",  # 構  (构建: Built with)
    "网",  # 網  (网页导航: Site navigation)
    "页",  # 頁  (初始页面: Home)
    "练",  # 練  (练习: Exercise)
    "习",  # 習
)
