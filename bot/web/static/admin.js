// Staff console: small enhancements on top of pages that work without them. Loaded as a file
// (the CSP allows no inline script); every word shown comes from the page (data-* attributes
// rendered from content/console/<lang>.yaml), so the console stays in one language.
"use strict";

function composer() {
  const form = document.getElementById("composer");
  if (!form) return;

  // Live preview: each language's bubble shows its text as LINE will; an empty optional
  // language says that its readers get the Japanese.
  form.querySelectorAll("textarea[data-preview]").forEach((text) => {
    const preview = document.querySelector(text.dataset.preview);
    const count = document.querySelector(text.dataset.count);
    const showText = () => {
      const written = text.value.trim() !== "";
      preview.textContent = written ? text.value : text.dataset.empty;
      preview.classList.toggle("missing", !written);
      // The resident's text in its language (read with that voice); the placeholder is the
      // console's, so it takes the page's.
      if (written && preview.dataset.lang) preview.lang = preview.dataset.lang;
      else preview.removeAttribute("lang");
      count.textContent = count.dataset.template.replace("{n}", String(text.value.length));
    };
    text.addEventListener("input", showText);
    showText();
  });

  // Audience: how many residents the chosen topic reaches, asked when the topic changes.
  const topic = document.getElementById("topic");
  const size = document.getElementById("audience-size");
  topic.addEventListener("change", async () => {
    const url = topic.dataset.audienceUrl + "?topic=" + encodeURIComponent(topic.value);
    try {
      const response = await fetch(url, {headers: {Accept: "application/json"}});
      if (response.ok) size.textContent = (await response.json()).label;
    } catch (error) {
      // The figure is checked again on sending; an old figure is better than an error here.
    }
  });

  // The send time only matters for "send at a set time".
  const later = form.querySelector("[data-when-later]");
  const showLater = () => {
    const chosen = form.querySelector('input[name="when"]:checked');
    later.hidden = !chosen || chosen.value !== "later";
  };
  form.querySelectorAll('input[name="when"]').forEach((radio) => {
    radio.addEventListener("change", showLater);
  });
  showLater();
}

function submitOnce() {
  // One click, one announcement (the server refuses a second copy of the form anyway).
  document.querySelectorAll("form:has([data-once])").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (form.dataset.sent) {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "true";
      form.querySelectorAll("[data-once]").forEach((button) => {
        button.setAttribute("aria-disabled", "true");
        button.classList.add("busy");
      });
    });
  });
}

function sendingProgress() {
  // Follow the sender (another process) through the database until the announcement is done.
  const box = document.getElementById("progress");
  if (!box || box.dataset.final === "true") return;
  const bar = document.getElementById("progress-bar");
  const status = document.getElementById("progress-status");
  const summary = document.getElementById("progress-summary");
  const badge = document.getElementById("status-badge");
  const failed = document.getElementById("failed-count");
  const withdraw = document.getElementById("withdraw");
  const edit = document.getElementById("edit");
  const outcome = document.getElementById("outcome");
  const outcomeLabel = document.getElementById("outcome-label");
  followJson(box.dataset.progressUrl, (progress) => {
    bar.max = Math.max(progress.audience, 1);
    bar.value = progress.delivered;
    bar.textContent = progress.summary;
    status.textContent = progress.status_label;
    summary.textContent = progress.summary;
    badge.textContent = progress.status_label;
    badge.className = "badge " + progress.status;
    if (failed) failed.textContent = String(progress.failed);
    if (withdraw && progress.status !== "scheduled") withdraw.hidden = true;
    if (edit && progress.status !== "scheduled") edit.hidden = true;
    if (progress.outcome.length) {
      // How it ended, in the page's language, one line each.
      outcome.replaceChildren(...progress.outcome.map((line) => {
        const span = document.createElement("span");
        span.className = "line";
        span.textContent = line;
        return span;
      }));
      outcome.hidden = outcomeLabel.hidden = false;
    }
    if (progress.final) box.dataset.final = "true";
    return progress.final;
  });
}

function retrainingProgress() {
  // Follow a retraining (a thread of some worker) through its row until it is published,
  // refused or failed; the sentence is in a status region, so it is read out when it changes.
  const line = document.querySelector("[data-run-url]");
  if (!line) return;
  followJson(line.dataset.runUrl, (run) => {
    line.textContent = run.summary;
    line.className = "run-state run-" + run.status;
    return run.final;
  });
}

function followJson(url, show) {
  // Ask `url` for its JSON every 1.5 s and show it, until `show` says the work is final.
  const tick = async () => {
    try {
      const response = await fetch(url, {headers: {Accept: "application/json"}, cache: "no-store"});
      if (response.ok && show(await response.json())) return;
    } catch (error) {
      // A dropped connection is retried on the next tick.
    }
    setTimeout(tick, 1500);
  };
  setTimeout(tick, 1000);
}

function focusFirstMistake() {
  // After a refused form, start where the first fix is needed (its message is read with it).
  const first = document.querySelector('[aria-invalid="true"]');
  if (first) first.focus();
}

function answerPreview() {
  // The answer form: each language's LINE preview follows its title, text and labels.
  const form = document.getElementById("answer-form");
  if (!form) return;
  form.querySelectorAll("[data-preview]").forEach((field) => {
    const shown = document.querySelector(field.dataset.preview);
    if (!shown) return;
    field.addEventListener("input", () => {
      shown.textContent = field.value;
    });
  });
}

composer();
sendingProgress();
answerPreview();
retrainingProgress();
submitOnce();
focusFirstMistake();
