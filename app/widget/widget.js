/* Help center widget: one <script> tag adds a help button; pressing it opens a panel.
   No dependencies; styles isolated in a Shadow DOM; nothing is fetched before the press.
   The interface strings (STRINGS) are filled in by the help center when it serves this file. */
(function (STRINGS) {
  "use strict";
  var script = document.currentScript ||
    document.querySelector('script[src*="/widget.js"]');
  if (!script || window.__helpWidget) return;
  window.__helpWidget = true;
  var BASE = new URL(script.src, location.href).origin;
  var CONTEXT = script.getAttribute("data-context") || "";
  var LANG = pick(script.getAttribute("data-lang") ||
    document.documentElement.getAttribute("lang") || navigator.language || "en");
  var T = STRINGS[LANG] || STRINGS.en;
  var token = null, started = null, opener = null, timer = 0, article = null, typed = 0;

  function pick(code) {
    var primary = String(code).toLowerCase().split(/[-_]/)[0];
    return STRINGS[primary] ? primary : "en";
  }

  var CSS = ":host{all:initial}*{box-sizing:border-box;font:15px/1.45 system-ui,sans-serif}" +
    ".launch{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;" +
    "border-radius:24px;padding:12px 20px;background:#1a56db;color:#fff;font-weight:600;" +
    "cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25)}" +
    ".launch:focus-visible,button:focus-visible,a:focus-visible,input:focus-visible," +
    "textarea:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}" +
    ".panel{position:fixed;right:20px;bottom:80px;z-index:2147483001;width:380px;" +
    "max-height:min(640px,calc(100vh - 100px));display:flex;flex-direction:column;" +
    "background:#fff;color:#111;border-radius:12px;box-shadow:0 10px 40px rgba(0,0,0,.3);" +
    "overflow:hidden}.panel[hidden]{display:none}" +
    "header{display:flex;align-items:center;gap:8px;padding:12px 14px;background:#1a56db;" +
    "color:#fff}header h2{flex:1;margin:0;font-size:17px;font-weight:600}" +
    "header button{background:transparent;border:0;color:#fff;font-size:22px;cursor:pointer;" +
    "padding:0 6px}.body{padding:14px;overflow:auto;flex:1}" +
    "h3{font-size:14px;font-weight:600;color:#555;margin:14px 0 6px}" +
    "ul{list-style:none;margin:0;padding:0}li{margin:0 0 4px}" +
    ".item{display:block;width:100%;text-align:left;background:#f4f6fa;border:0;" +
    "border-radius:8px;padding:8px 10px;cursor:pointer;color:#1a3f9c}" +
    ".item small{display:block;color:#555}input,textarea{width:100%;padding:8px;" +
    "border:1px solid #888;border-radius:6px;margin:2px 0 10px}textarea{min-height:90px}" +
    "label{display:block;font-weight:600}.primary,.plain{border:0;border-radius:6px;" +
    "padding:8px 14px;cursor:pointer;margin:4px 4px 4px 0}.primary{background:#1a56db;" +
    "color:#fff}.plain{background:#e5e7eb;color:#111}.error{color:#b91c1c}" +
    ".article{overflow-wrap:anywhere}.article img{max-width:100%;height:auto}" +
    ".vote{border-top:1px solid #ddd;margin-top:14px;padding-top:10px}" +
    "fieldset{border:0;padding:0;margin:6px 0}fieldset label{font-weight:400}" +
    "fieldset input{width:auto;margin-right:6px}mark{background:#fde68a}" +
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}" +
    "@media (max-width:480px){.panel{inset:0;width:auto;max-height:none;border-radius:0}}";

  var host = document.createElement("div");
  host.setAttribute("data-help-widget", "");
  var root = host.attachShadow({ mode: "open" });
  // A constructed style sheet is not inline style: host pages with a strict
  // Content-Security-Policy (this help center's own demo page among them) still apply it.
  var sheet = null;
  try { sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); } catch (e) { sheet = null; }
  root.innerHTML = (sheet ? "" : "<style>" + CSS + "</style>") +
    '<button class="launch" type="button" aria-haspopup="dialog" aria-expanded="false">' +
    "</button>" +
    '<div class="panel" role="dialog" aria-modal="true" hidden>' +
    '<header><button type="button" class="back" hidden>&larr;</button>' +
    '<h2 id="hw-title"></h2><button type="button" class="close">&times;</button></header>' +
    '<div class="body"></div><p class="sr" role="status"></p></div>';
  if (sheet) root.adoptedStyleSheets = [sheet];
  var launch = root.querySelector(".launch"), panel = root.querySelector(".panel");
  var body = root.querySelector(".body"), back = root.querySelector(".back");
  var live = root.querySelector(".sr");
  launch.textContent = "? " + T.button;
  launch.setAttribute("aria-label", T.button);
  panel.setAttribute("aria-labelledby", "hw-title");
  panel.setAttribute("lang", LANG);
  root.getElementById("hw-title").textContent = T.title;
  root.querySelector(".close").setAttribute("aria-label", T.close);
  back.setAttribute("aria-label", T.back);
  (document.body || document.documentElement).appendChild(host);

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var key in attrs || {}) node.setAttribute(key, attrs[key]);
    if (text != null) node.textContent = text;
    return node;
  }

  function api(method, path, data, retried) {
    var headers = { Accept: "application/json" };
    if (token) headers["X-Help-Session"] = token;
    if (data) headers["Content-Type"] = "application/json";
    if (data && data.key) { headers["Idempotency-Key"] = data.key; delete data.key; }
    return fetch(BASE + "/api/v1" + path, {
      method: method, headers: headers, credentials: "omit", mode: "cors",
      body: data ? JSON.stringify(data) : undefined
    }).then(function (response) {
      if (response.status === 401 && !retried) {
        token = null;
        return session(true).then(function () { return api(method, path, data, true); });
      }
      return response.json().then(function (json) {
        if (!response.ok) { var e = new Error("http"); e.json = json; throw e; }
        return json;
      });
    });
  }

  function session(again) {
    if (started && !again) return started;
    started = fetch(BASE + "/api/v1/widget/session", {
      method: "POST", credentials: "omit", mode: "cors",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ context: CONTEXT || null })
    }).then(function (response) {
      if (!response.ok) throw new Error("refused");
      return response.json();
    }).then(function (json) { token = json.token; });
    return started;
  }

  function q(name, value) { return name + "=" + encodeURIComponent(value); }
  function langArg() { return q("lang", LANG); }

  function list(title, items, source) {
    var box = el("div", { "class": "list" });
    box.appendChild(el("h3", null, title));
    var ul = el("ul");
    items.forEach(function (item) {
      var li = el("li"), button = el("button", { type: "button", "class": "item" });
      button.appendChild(document.createTextNode(item.title));
      if (item.summary) button.appendChild(el("small", null, item.summary));
      button.addEventListener("click", function () { read(item.slug, source); });
      li.appendChild(button);
      ul.appendChild(li);
    });
    box.appendChild(ul);
    if (!items.length) box.appendChild(el("p", null, T.no_results));
    // Announced once, instead of the whole panel being a live region.
    live.textContent = items.length ? T.count.replace("%(count)s", items.length) : T.no_results;
    return box;
  }

  function contactLink() {
    var button = el("button", { type: "button", "class": "plain contact" }, T.contact);
    button.addEventListener("click", contact);
    return button;
  }

  function home() {
    article = null;
    back.hidden = true;
    body.textContent = "";
    var form = el("form", { role: "search" });
    var input = el("input", { type: "search", "aria-label": T.search, placeholder: T.search,
      autocomplete: "off", "class": "query" });
    var found = el("div", { "class": "found" }), suggested = el("div", { "class": "suggested" });
    form.appendChild(input);
    body.appendChild(form);
    body.appendChild(found);
    body.appendChild(suggested);
    body.appendChild(contactLink());
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var text = input.value.trim(), mine = ++typed;
      if (!text) { found.textContent = ""; suggested.hidden = false; return; }
      timer = setTimeout(function () {
        api("GET", "/suggest?" + q("q", text) + "&" + langArg()).then(function (json) {
          if (mine !== typed) return;
          suggested.hidden = true;
          found.replaceChildren(list(T.results, json.suggestions, "suggest"));
        }).catch(function () {});
      }, 200);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text) return;
      clearTimeout(timer);
      var mine = ++typed;
      api("GET", "/search?" + q("q", text) + "&" + langArg() + "&limit=8").then(function (json) {
        if (mine !== typed) return;
        suggested.hidden = true;
        found.replaceChildren(list(T.results, json.results, "search"));
      }).catch(failed);
    });
    suggested.appendChild(el("p", null, T.loading));
    api("GET", "/contexts/" + encodeURIComponent(CONTEXT || "default") + "?" + langArg())
      .then(function (json) {
        suggested.replaceChildren(list(T.suggested, json.articles, "suggest"));
      }).catch(failed);
    input.focus();
  }

  function absolute(node) {
    node.querySelectorAll("a[href],img[src]").forEach(function (item) {
      var name = item.tagName === "A" ? "href" : "src";
      item.setAttribute(name, new URL(item.getAttribute(name), BASE + "/").href);
      if (name === "href") { item.target = "_blank"; item.rel = "noopener"; }
    });
  }

  function read(slug, source) {
    back.hidden = false;
    body.textContent = T.loading;
    api("GET", "/articles/" + encodeURIComponent(slug) + "?" + langArg() + "&" +
        q("source", source)).then(function (json) {
      article = json;
      body.textContent = "";
      var box = el("article", { "class": "article" });
      box.appendChild(el("h3", { tabindex: "-1" }, json.title));
      var content = el("div");
      content.innerHTML = json.html;  // rendered and sanitised by the help center
      absolute(content);
      box.appendChild(content);
      box.appendChild(el("a", { href: json.url, target: "_blank", rel: "noopener" },
        T.open_site));
      body.appendChild(box);
      body.appendChild(vote(json.slug));
      box.querySelector("h3").focus();
    }).catch(failed);
  }

  function vote(slug) {
    var box = el("div", { "class": "vote" });
    box.appendChild(el("p", null, T.solved));
    var yes = el("button", { type: "button", "class": "plain yes" }, T.yes);
    var no = el("button", { type: "button", "class": "plain no" }, T.no);
    box.appendChild(yes);
    box.appendChild(no);
    function send(helpful, reason) {
      api("POST", "/articles/" + encodeURIComponent(slug) + "/votes",
        { helpful: helpful, reason: reason || null }).then(function () {
        box.replaceChildren(el("p", { role: "status" }, T.thanks));
        if (!helpful) box.appendChild(contactLink());
      }).catch(failed);
    }
    yes.addEventListener("click", function () { send(true); });
    no.addEventListener("click", function () {
      var form = el("form"), set = el("fieldset");
      set.appendChild(el("legend", null, T.why));
      T.reasons.forEach(function (pair, index) {
        var label = el("label"), radio = el("input", { type: "radio", name: "reason",
          value: pair[0] });
        if (!index) radio.checked = true;
        label.appendChild(radio);
        label.appendChild(document.createTextNode(pair[1]));
        set.appendChild(label);
      });
      form.appendChild(set);
      form.appendChild(el("button", { type: "submit", "class": "primary" }, T.send_vote));
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        send(false, form.querySelector("input:checked").value);
      });
      box.replaceChildren(form);
      form.querySelector("input").focus();
    });
    return box;
  }

  function field(form, name, label, tag, type) {
    var id = "hw-" + name;
    form.appendChild(el("label", { "for": id }, label));
    var input = el(tag, { id: id, name: name, required: "" });
    if (type) input.type = type;
    form.appendChild(input);
    var error = el("p", { "class": "error", id: id + "-error" });
    error.hidden = true;
    form.appendChild(error);
    return input;
  }

  function contact() {
    back.hidden = false;
    body.textContent = "";
    var form = el("form", { "class": "ticket", novalidate: "" });
    var email = field(form, "email", T.email, "input", "email");
    field(form, "subject", T.subject, "input", "text");
    field(form, "description", T.description, "textarea");
    form.appendChild(el("button", { type: "submit", "class": "primary" }, T.send));
    var hints = el("div", { "class": "hints" });
    form.insertBefore(hints, form.querySelector(".primary"));
    form.addEventListener("input", function (event) {
      if (event.target.name !== "subject" && event.target.name !== "description") return;
      clearTimeout(timer);
      var text = (form.elements.subject.value + " " + form.elements.description.value).trim();
      timer = setTimeout(function () {
        if (text.length < 3) { hints.textContent = ""; return; }
        // source=contact: live help while writing is not counted as a search
        api("GET", "/search?" + q("q", text.slice(0, 200)) + "&" + langArg() +
            "&limit=3&source=contact").then(function (json) {
          hints.replaceChildren(json.results.length ? list(T.maybe, json.results, "contact") : "");
        }).catch(function () {});
      }, 400);
    });
    var slug = article && article.slug, key = "widget-" + Date.now() + "-" +
      Math.random().toString(36).slice(2);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = { key: key, article: slug || null };
      ["email", "subject", "description"].forEach(function (name) {
        data[name] = form.elements[name].value;
        var error = root.getElementById("hw-" + name + "-error");
        error.hidden = true;
        form.elements[name].removeAttribute("aria-invalid");
      });
      api("POST", "/tickets", data).then(function (json) {
        body.textContent = "";
        var done = el("div", { role: "status", "class": "done" });
        done.appendChild(el("p", { tabindex: "-1" },
          T.sent.replace("%(reference)s", json.reference)));
        done.appendChild(el("a", { href: json.status_url, target: "_blank", rel: "noopener" },
          T.status));
        body.appendChild(done);
        done.firstChild.focus();
      }).catch(function (error) {
        var fields = error.json && error.json.error && error.json.error.fields;
        if (!fields) return failed();
        Object.keys(fields).forEach(function (name) {
          var box = root.getElementById("hw-" + name + "-error");
          if (!box) return;
          box.textContent = fields[name];
          box.hidden = false;
          form.elements[name].setAttribute("aria-invalid", "true");
          form.elements[name].setAttribute("aria-describedby", "hw-" + name + "-error");
        });
        var first = form.querySelector("[aria-invalid]");
        if (first) first.focus();
      });
    });
    body.appendChild(form);
    email.focus();
  }

  function failed() {
    body.appendChild(el("p", { role: "alert", "class": "error" }, T.failed));
  }

  function unavailable() {
    back.hidden = true;
    body.replaceChildren(el("p", { role: "alert", "class": "error unavailable" },
      T.unavailable));
  }

  function focusable() {
    return Array.prototype.filter.call(
      panel.querySelectorAll("button,a[href],input,textarea,[tabindex]"),
      function (node) { return !node.hidden && !node.disabled && node.offsetParent !== null; });
  }

  function open() {
    opener = launch;
    panel.hidden = false;
    launch.setAttribute("aria-expanded", "true");
    body.textContent = T.loading;
    root.querySelector(".close").focus();
    session().then(home, unavailable);
  }

  function close() {
    panel.hidden = true;
    launch.setAttribute("aria-expanded", "false");
    (opener || launch).focus();
  }

  launch.addEventListener("click", function () { if (panel.hidden) open(); else close(); });
  root.querySelector(".close").addEventListener("click", close);
  back.addEventListener("click", function () { if (token) home(); });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { event.preventDefault(); close(); return; }
    if (event.key !== "Tab") return;
    var nodes = focusable(), first = nodes[0], last = nodes[nodes.length - 1];
    var active = root.activeElement;
    if (event.shiftKey && (active === first || !panel.contains(active))) {
      event.preventDefault(); last.focus();
    } else if (!event.shiftKey && (active === last || !panel.contains(active))) {
      event.preventDefault(); first.focus();
    }
  });
})(__STRINGS__);
