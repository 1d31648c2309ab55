// The copy buttons in Traditional Chinese: sphinx-copybutton 0.5 picks its messages by <html lang>
// and has zh-CN only, while this edition's pages are zh-TW. Loaded after copybutton.js (its
// globals exist) and before the page has loaded (the buttons are not made yet).
if (typeof messages !== "undefined" && typeof locale !== "undefined") {
  messages["zh-TW"] = {
    copy: "複製",
    copy_to_clipboard: "複製到剪貼簿",
    copy_success: "已複製！",
    copy_failure: "複製失敗",
  };
  locale = "zh-TW";
  const title = (text) => `<title>${text}</title>`;
  iconCopy = iconCopy.replace(/<title>[^<]*<\/title>/, title(messages[locale].copy_to_clipboard));
  iconCheck = iconCheck.replace(/<title>[^<]*<\/title>/, title(messages[locale].copy_success));
}
