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

  // Contact form: suggest articles while the subject is typed (the last chance to self-serve).
  const subject = document.querySelector("[data-suggest]");
  const box = document.getElementById("suggestions");
  if (subject && box) {
    let timer = null;
    let lastQuery = "";
    const list = box.querySelector("ul");
    const suggest = async function () {
      const query = subject.value.trim();
      if (query === lastQuery) return;
      lastQuery = query;
      if (query.length < 3) { box.hidden = true; return; }
      try {
        const response = await fetch("/api/v1/search?source=contact&limit=5&q=" + encodeURIComponent(query),
                                     { credentials: "same-origin" });
        if (!response.ok) { box.hidden = true; return; }
        const data = await response.json();
        list.replaceChildren();
        for (const hit of data.results) {
          const item = document.createElement("li");
          const link = document.createElement("a");
          link.href = hit.url + "?from=contact";
          link.target = "_blank";
          link.rel = "noopener";
          link.textContent = hit.title;
          const summary = document.createElement("span");
          summary.className = "muted";
          summary.textContent = " — " + hit.summary;
          item.append(link, summary);
          list.appendChild(item);
        }
        box.hidden = data.results.length === 0;
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
