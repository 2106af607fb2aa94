// The guide editor, enhanced: a preview that follows the typing, and image upload in place.
// Without script the Preview button and the upload form work as plain form posts.
(function () {
  "use strict";

  const form = document.getElementById("editor-form");
  const body = document.getElementById("body");
  const preview = document.getElementById("editor-preview");
  const previewBody = document.getElementById("editor-preview-body");
  const previewState = document.getElementById("editor-preview-state");
  if (!form || !body || !preview || !previewBody) return;
  const token = form.querySelector("input[name=csrf_token]").value;
  // Messages in the page's language, from data-msg-* attributes (English when absent).
  function say(element, key, english) {
    return (element && element.dataset[key]) || english;
  }

  let timer = null;
  let sent = null;
  async function refreshPreview() {
    const text = body.value;
    if (text === sent) return;
    sent = text;
    const data = new URLSearchParams({ body: text, csrf_token: token });
    try {
      const response = await fetch(form.dataset.previewUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Accept": "application/json" },
        body: data,
      });
      const answer = await response.json();
      if (!response.ok) {
        const reason = [answer.message, answer.error].find((m) => typeof m === "string");
        previewState.textContent = "(" + (reason ||
          say(form, "msgPreviewUnavailable", "preview unavailable")) + ")";
        return;
      }
      if (text !== body.value) return; // a newer request is on its way
      previewBody.innerHTML = answer.html; // sanitised by the server, as on the public page
      previewState.textContent = say(form, "msgPreviewLive", "(updates as you type)");
      preview.hidden = false;
    } catch (error) {
      previewState.textContent = say(form, "msgPreviewOffline",
        "(preview unavailable: use the Preview button)");
    }
  }
  body.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refreshPreview, 300);
  });
  refreshPreview();

  const upload = document.getElementById("editor-upload");
  const status = document.getElementById("editor-upload-status");
  if (!upload || !status) return;
  upload.addEventListener("submit", async function (event) {
    event.preventDefault();
    status.hidden = false;
    status.classList.remove("error");
    status.textContent = say(upload, "msgUploading", "Uploading…");
    try {
      const response = await fetch(upload.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Accept": "application/json" },
        body: new FormData(upload),
      });
      const answer = await response.json().catch(() => ({}));
      if (!response.ok || !answer.markdown) {  // a sign-in page answers 200 without JSON
        status.classList.add("error");
        status.textContent = uploadError(response.ok ? 401 : response.status, answer);
        return;
      }
      const at = body.selectionEnd || body.value.length;
      const line = "\n\n" + answer.markdown + "\n\n";
      body.value = body.value.slice(0, at) + line + body.value.slice(at);
      status.textContent = say(upload, "msgAdded", "Added to the article:") + " " + answer.markdown;
      upload.reset();
      body.focus();
      body.setSelectionRange(at + line.length, at + line.length);
      refreshPreview();
    } catch (error) {
      // Never leave the page: the article being written is not saved yet.
      status.classList.add("error");
      status.textContent = say(upload, "msgNotSent",
        "The image could not be sent. Check the connection and try again.");
    }
  });

  // An image dropped or pasted into the text goes to the upload form: its alt text is
  // required, so the editor describes it first (or it is sent at once if described already).
  const fileInput = document.getElementById("image");
  const alt = document.getElementById("alt");
  function takeImage(file) {
    if (!file || !file.type.startsWith("image/") || !fileInput) return false;
    const transfer = new DataTransfer();
    transfer.items.add(file);
    fileInput.files = transfer.files;
    status.hidden = false;
    status.classList.remove("error");
    if (alt && alt.value.trim()) {
      upload.requestSubmit();
    } else {
      status.textContent = say(upload, "msgDescribe",
        "Describe the image, then press Upload: it is added where the text cursor is.");
      if (alt) alt.focus();
    }
    return true;
  }
  body.addEventListener("dragover", function (event) {
    if (event.dataTransfer && Array.from(event.dataTransfer.types).includes("Files")) {
      event.preventDefault();
      body.classList.add("dragging");
    }
  });
  body.addEventListener("dragleave", function () { body.classList.remove("dragging"); });
  body.addEventListener("drop", function (event) {
    body.classList.remove("dragging");
    const file = event.dataTransfer && event.dataTransfer.files[0];
    if (file && file.type.startsWith("image/")) {
      event.preventDefault();
      takeImage(file);
    }
  });
  body.addEventListener("paste", function (event) {
    const items = Array.from((event.clipboardData && event.clipboardData.items) || []);
    const item = items.find((i) => i.kind === "file" && i.type.startsWith("image/"));
    if (item && takeImage(item.getAsFile())) event.preventDefault();
  });

  function uploadError(code, answer) {
    if (typeof answer.message === "string") return answer.message;  // in the page's language
    if (typeof answer.error === "string") return answer.error;
    if (code === 413) return say(upload, "msgTooLarge", "The image is too large.");
    if (code === 400) {
      return say(upload, "msgExpired", "The page has expired: save your work, then upload again.");
    }
    if (code === 401) {
      return say(upload, "msgSignedOut",
        "Your session ended: sign in again in another tab, then upload again.");
    }
    if (answer.error && answer.error.message) return answer.error.message;  // English: the API's
    return say(upload, "msgNotStored", "The image could not be stored.");
  }
})();
