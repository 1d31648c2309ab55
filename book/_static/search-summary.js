// A search result's summary quotes the page's prose: Sphinx's search page reads the text of
// [role=main], which in this theme also holds the page's header buttons and its contents box;
// this reads the article without its code cells.
document.addEventListener("DOMContentLoaded", () => {
  if (typeof Search === "undefined") return;  // not the search page
  Search.htmlToText = (htmlString, anchor) => {
    const html = new DOMParser().parseFromString(htmlString, "text/html");
    html.querySelectorAll(".headerlink, script, style, .cell").forEach((node) => node.remove());
    const article = html.querySelector("article") || html.querySelector('[role="main"]');
    if (!article) return "";
    const part = anchor ? article.querySelector(anchor) : null;
    return (part || article).textContent;
  };
});
