// Pickers for related articles and translations: a search box (ARIA combobox) under each
// slug field. Choosing an article writes its slug into the field, which is what the form
// saves, so without script the slugs are simply typed.
(function () {
  "use strict";

  const form = document.getElementById("editor-form");
  if (!form || !form.dataset.pickerUrl) return;
  let counter = 0;

  function picker(field) {
    const many = field.dataset.picker === "many";
    const id = "picker-" + (++counter);
    const box = document.createElement("div");
    box.className = "picker";
    const input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.autocomplete = "off";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id + "-list");
    input.setAttribute("aria-label", (form.dataset.msgPicker || "Search articles by title or slug")
      + ": " + (document.querySelector("label[for=" + field.id + "]") || {}).textContent);
    input.placeholder = form.dataset.msgPicker || "Search articles by title or slug";
    const list = document.createElement("ul");
    list.id = id + "-list";
    list.className = "suggest-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    box.append(input, list);
    field.insertAdjacentElement("afterend", box);

    let options = [];
    let active = -1;
    let asked = "";
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(index) {
      const items = list.querySelectorAll("[role=option]");
      items.forEach((item, i) => item.setAttribute("aria-selected", String(i === index)));
      active = index;
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      }
    }
    function choose(index) {
      const article = options[index];
      if (!article) return;
      if (many) {
        const slugs = field.value.split(",").map((s) => s.trim()).filter(Boolean);
        if (!slugs.includes(article.slug)) slugs.push(article.slug);
        field.value = slugs.join(", ");
      } else {
        field.value = article.slug;
      }
      field.dispatchEvent(new Event("change", { bubbles: true }));
      input.value = "";
      close();
    }
    function show(articles) {
      options = articles;
      list.replaceChildren();
      if (!articles.length) {
        const empty = document.createElement("li");
        empty.className = "muted";
        empty.textContent = form.dataset.msgNoMatch || "No article matches.";
        list.append(empty);
      }
      articles.forEach(function (article, index) {
        const item = document.createElement("li");
        item.id = id + "-option-" + index;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.dataset.slug = article.slug;
        item.textContent = article.title + " ";
        const via = document.createElement("span");
        via.className = "suggest-via";
        via.textContent = article.slug + (article.lang ? " · " + article.lang : "");
        item.append(via);
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();  // keep the focus in the search box
          choose(index);
        });
        list.append(item);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }
    async function search() {
      const text = input.value.trim();
      if (!text) { close(); return; }
      asked = text;
      try {
        const response = await fetch(form.dataset.pickerUrl + "?q=" + encodeURIComponent(text),
          { credentials: "same-origin", headers: { "Accept": "application/json" } });
        const answer = await response.json();
        if (asked === text && input.value.trim() === text) show(answer.articles || []);
      } catch (error) {
        close();
      }
    }
    let timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && options.length) {
        event.preventDefault();
        if (list.hidden) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        highlight((active + 1) % options.length);
      } else if (event.key === "ArrowUp" && options.length) {
        event.preventDefault();
        highlight(active <= 0 ? options.length - 1 : active - 1);
      } else if (event.key === "Enter" && !list.hidden) {
        event.preventDefault();  // never submit the article from the search box
        choose(active >= 0 ? active : 0);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  document.querySelectorAll("input[data-picker]").forEach(picker);
})();
