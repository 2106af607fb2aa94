// Progressive enhancement only: every feature here also works as a plain form without script.
(function () {
  "use strict";

  // "Did this solve your problem?" without a page reload.
  document.addEventListener("submit", async function (event) {
    const form = event.target;
    const section = form.closest("#feedback");
    if (!section) return;
    event.preventDefault();
    const slug = section.dataset.slug;
    const data = new FormData(form);
    const submitter = event.submitter;
    const choice = submitter && submitter.name === "helpful" ? submitter.value : data.get("helpful");
    const body = { helpful: choice === "yes" };
    const isWhyForm = form.classList.contains("why-form");
    if (isWhyForm) {
      if (data.get("reason")) body.reason = data.get("reason");
      if (data.get("comment")) body.comment = data.get("comment");
    }
    try {
      const response = await fetch("/api/v1/articles/" + encodeURIComponent(slug) + "/votes", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify(body),
      });
      if (!response.ok) {
        const problem = await response.json().catch(() => ({}));
        // The API explains in English; a reader of another language gets the page's own words.
        const fallback = section.dataset.msgNotSaved || "Your answer could not be saved.";
        const english = (document.documentElement.lang || "en").toLowerCase().startsWith("en");
        const detail = english && problem.error && problem.error.message;
        showError(section, detail || fallback);
        return;
      }
      const step = body.helpful ? "thanks" : (isWhyForm ? "noted" : "why");
      const panel = await fetch("/articles/" + encodeURIComponent(slug) + "/feedback?step=" + step,
                                { credentials: "same-origin" });
      section.outerHTML = await panel.text();
      const heading = document.getElementById("feedback-heading");
      if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
    } catch (error) {
      form.submit();
    }
  });

  function showError(section, message) {
    let note = section.querySelector(".notice.error");
    if (!note) {
      note = document.createElement("p");
      note.className = "notice error";
      note.setAttribute("role", "alert");
      section.appendChild(note);
    }
    note.textContent = message;
  }

  // Articles for what has been typed so far (GET /api/v1/suggest): not recorded as searches.
  const LANGUAGE = (document.documentElement.lang || "en").split("-")[0].toLowerCase();
  const CHINESE = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;

  function worthAsking(text) {
    return text.length >= 2 || CHINESE.test(text);
  }

  async function fetchSuggestions(text, signal) {
    const response = await fetch("/api/v1/suggest?lang=" + encodeURIComponent(LANGUAGE) +
                                 "&q=" + encodeURIComponent(text),
                                 { credentials: "same-origin", signal: signal });
    if (!response.ok) return [];
    return (await response.json()).suggestions;
  }

  // Text with the [start, end) ranges (Unicode code points) in <mark>; never parsed as HTML.
  function marked(text, marks) {
    const characters = Array.from(text);
    const fragment = document.createDocumentFragment();
    let cursor = 0;
    for (const [start, end] of marks) {
      if (start < cursor) continue;
      fragment.append(characters.slice(cursor, start).join(""));
      const mark = document.createElement("mark");
      mark.textContent = characters.slice(start, end).join("");
      fragment.append(mark);
      cursor = end;
    }
    fragment.append(characters.slice(cursor).join(""));
    return fragment;
  }

  function span(className, content) {
    const element = document.createElement("span");
    element.className = className;
    element.append(content);
    return element;
  }

  // The search boxes: an ARIA 1.2 combobox with a list of articles. Arrow keys choose,
  // Enter opens the chosen article (or searches when none is chosen), Esc closes the list.
  function combobox(input, list) {
    let items = [];
    let active = -1;
    let timer = null;
    let pending = null;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      choose(-1);
    }

    function choose(index) {
      active = index;
      list.querySelectorAll("[role=option]").forEach(function (option, position) {
        option.setAttribute("aria-selected", position === index ? "true" : "false");
      });
      if (index >= 0) {
        const option = list.children[index];
        input.setAttribute("aria-activedescendant", option.id);
        option.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open(url) {
      window.location.assign(url + (url.includes("?") ? "&" : "?") + "from=suggest");
    }

    function show(found) {
      items = found;
      list.replaceChildren();
      found.forEach(function (item, index) {
        const option = document.createElement("li");
        option.id = list.id + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.url = item.url;
        option.append(span("suggest-title", marked(item.title, item.marks)));
        if (item.via) option.append(" ", span("suggest-via", marked(item.via.text, item.via.marks)));
        list.append(option);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      list.hidden = found.length === 0;
      input.setAttribute("aria-expanded", found.length ? "true" : "false");
    }

    async function update() {
      const text = input.value.trim();
      if (pending) pending.abort();
      if (!worthAsking(text)) { show([]); return; }
      pending = new AbortController();
      try {
        const found = await fetchSuggestions(text, pending.signal);
        if (input.value.trim() === text && document.activeElement === input) show(found);
      } catch (error) {
        if (error.name !== "AbortError") show([]);
      }
    }

    function later() {
      clearTimeout(timer);
      timer = setTimeout(update, 120);
    }
    // While an input method composes Chinese, the box holds pinyin: ask once it is done.
    input.addEventListener("input", function (event) { if (!event.isComposing) later(); });
    input.addEventListener("compositionend", later);
    input.addEventListener("keydown", function (event) {
      if (event.isComposing) return;  // Enter and arrows belong to the input method
      const expanded = !list.hidden && items.length > 0;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!items.length) return;
        event.preventDefault();
        if (!expanded) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
        }
        const down = event.key === "ArrowDown";
        const count = items.length;
        choose(active < 0 ? (down ? 0 : count - 1) : (active + (down ? 1 : -1) + count) % count);
      } else if (event.key === "Enter" && expanded && active >= 0) {
        event.preventDefault();
        open(items[active].url);
      } else if (event.key === "Escape" && expanded) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    list.addEventListener("click", function (event) {
      const option = event.target.closest("[role=option]");
      if (option) open(option.dataset.url);
    });
  }

  document.querySelectorAll("input[data-suggest-list]").forEach(function (input) {
    const list = document.getElementById(input.dataset.suggestList);
    if (list) combobox(input, list);
  });

  // Contact form: articles while the subject is typed (the last chance to self-serve). The
  // start of a title is matched first; a subject written as a sentence falls back to search.
  const subject = document.querySelector("input[data-suggest=subject]");
  const box = document.getElementById("suggestions");
  if (subject && box) {
    let timer = null;
    let lastQuery = "";
    const list = box.querySelector("ul");
    const articles = async function (query) {
      const found = await fetchSuggestions(query);
      if (found.length) return found;
      const response = await fetch("/api/v1/search?source=contact&limit=5&q=" + encodeURIComponent(query),
                                   { credentials: "same-origin" });
      if (!response.ok) return [];
      return (await response.json()).results.map(function (hit) {
        return { url: hit.url, title: hit.title, marks: [], summary: hit.summary };
      });
    };
    const suggest = async function () {
      const query = subject.value.trim();
      if (query === lastQuery) return;
      lastQuery = query;
      if (query.length < 3 && !CHINESE.test(query)) { box.hidden = true; return; }
      try {
        const found = await articles(query);
        if (subject.value.trim() !== query) return;
        list.replaceChildren();
        for (const item of found) {
          const entry = document.createElement("li");
          const link = document.createElement("a");
          link.href = item.url + "?from=contact";
          link.target = "_blank";
          link.rel = "noopener";
          link.append(marked(item.title, item.marks));
          entry.append(link);
          if (item.summary) entry.append(span("muted", " — " + item.summary));
          list.appendChild(entry);
        }
        box.hidden = found.length === 0;
      } catch (error) {
        box.hidden = true;
      }
    };
    subject.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(suggest, 250);
    });
    if (subject.value) suggest();
  }
})();
