// The article reading view: tooltips on highlights, the status filter, and recording a claim
// by selecting words. The page works without it (claims/templates/claims/reading_view.html);
// it talks to the same JSON API as every other client.
//
// Offsets are counted as the API counts them, in code points (Python's str), not in the
// UTF-16 units JavaScript strings use: the text of [data-article-body] is the article's body,
// so the code points before a point of the selection are its offset in the body.

const MESSAGES = {
  outside: "Select words inside the article's text.",
  blank: "The selection holds only spaces or line breaks: select words to record a claim.",
  crossing: (statement) =>
    `Your selection crosses the highlight of another claim (“${statement}”). ` +
    "Select words inside that highlight, or around the whole of it.",
  network: "The server could not be reached; nothing was recorded. Try again.",
};

function codePoints(text) {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

function offsetIn(container, node, offset) {
  const range = document.createRange();
  range.setStart(container, 0);
  range.setEnd(node, offset);
  return codePoints(range.toString());
}

function readData(root) {
  return JSON.parse(root.querySelector("#reading-data").textContent);
}

function showMessage(element, text, kind) {
  element.textContent = text;
  element.dataset.kind = kind;
  element.hidden = !text;
}

// --- Tooltips: every claim whose highlight holds the point, innermost first. ---------------

function claimsAt(mark) {
  const ids = [];
  for (let el = mark; el && el.matches?.("[data-claim-id]"); el = el.parentElement.closest("[data-claim-id]")) {
    ids.push(el.dataset.claimId);
  }
  return ids;
}

function tooltipEntry(claim) {
  const entry = document.createElement("div");
  entry.className = "ct-tooltip-claim";
  const statement = document.createElement("p");
  statement.className = "ct-tooltip-statement";
  statement.dataset.tooltipStatement = "";
  statement.textContent = claim.statement;
  const meta = document.createElement("p");
  meta.className = "ct-tooltip-meta";
  const citations = `${claim.citation_count} citation${claim.citation_count === 1 ? "" : "s"}`;
  meta.textContent = [claim.claimant || "No claimant given", claim.status_label, citations].join(" · ");
  entry.append(statement, meta);
  return entry;
}

function setUpTooltips(root, body, state) {
  const tooltip = root.querySelector("[data-claim-tooltip]");
  let current = null;
  const show = (mark) => {
    if (current) delete current.dataset.active;
    current = mark;
    mark.dataset.active = "";
    tooltip.replaceChildren(...claimsAt(mark).map((id) => tooltipEntry(state.data.claims[id])));
    tooltip.hidden = false;
    const box = mark.getBoundingClientRect();
    const below = box.bottom + 8 + tooltip.offsetHeight < window.innerHeight;
    tooltip.style.left = `${Math.max(8, Math.min(box.left, window.innerWidth - tooltip.offsetWidth - 8))}px`;
    tooltip.style.top = `${below ? box.bottom + 6 : box.top - tooltip.offsetHeight - 6}px`;
    mark.setAttribute("aria-describedby", tooltip.id);
  };
  const hide = () => {
    if (current) {
      delete current.dataset.active;
      current.removeAttribute("aria-describedby");
    }
    current = null;
    tooltip.hidden = true;
  };
  const markOf = (event) => event.target.closest?.("[data-claim-id]");
  body.addEventListener("mouseover", (event) => {
    const mark = markOf(event);
    if (mark) show(mark);
    else hide();
  });
  body.addEventListener("mouseleave", hide);
  body.addEventListener("focusin", (event) => markOf(event) && show(markOf(event)));
  body.addEventListener("focusout", hide);
  window.addEventListener("scroll", hide, { passive: true });
  const open = (mark) => {
    window.location.assign(state.data.claims[mark.dataset.claimId].url);
  };
  body.addEventListener("click", (event) => {
    const mark = markOf(event);
    const selection = document.getSelection();
    if (mark && (!selection || selection.isCollapsed)) open(mark);
  });
  body.addEventListener("keydown", (event) => {
    const mark = markOf(event);
    if (mark && event.key === "Enter") open(mark);
  });
}

// --- The status filter of the side list (and of the highlights). ---------------------------

function applyFilter(root, status) {
  let shown = 0;
  for (const item of root.querySelectorAll("[data-claim-item]")) {
    item.hidden = Boolean(status) && item.dataset.status !== status;
    if (!item.hidden) shown += 1;
  }
  for (const mark of root.querySelectorAll("[data-article-body] [data-claim-id]")) {
    if (status && mark.dataset.status !== status) mark.dataset.dimmed = "";
    else delete mark.dataset.dimmed;
  }
  const none = root.querySelector("[data-no-claims-with-status]");
  if (none) none.hidden = !status || shown > 0;
}

function setUpFilter(root) {
  const panel = root.querySelector("[data-claims-panel]");
  const enhance = () => {
    const submit = panel.querySelector("[data-status-filter-submit]");
    if (submit) submit.hidden = true;
  };
  enhance();
  panel.addEventListener("change", (event) => {
    if (event.target.matches("[data-status-filter]")) applyFilter(root, event.target.value);
  });
  panel.addEventListener("submit", (event) => {
    if (event.target.matches("[data-status-filter-form]")) event.preventDefault();
  });
  return enhance;
}

// --- Recording a claim from a selection. ----------------------------------------------------

function selectionInBody(body) {
  const selection = document.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  const inside = body.contains(range.startContainer) && body.contains(range.endContainer);
  if (!inside) return range.intersectsNode(body) ? { refused: MESSAGES.outside } : null;
  const raw = range.toString();
  const quote = raw.trim();
  if (!quote) return { refused: MESSAGES.blank };
  const lead = codePoints(raw) - codePoints(raw.trimStart());
  const start = offsetIn(body, range.startContainer, range.startOffset) + lead;
  return { quote, start, end: start + codePoints(quote) };
}

function crossedClaim(claims, start, end) {
  for (const claim of Object.values(claims)) {
    const a = claim.quote_start;
    const b = claim.quote_end;
    if ((start < a && a < end && end < b) || (a < start && start < b && b < end)) return claim;
  }
  return null;
}

function clearErrors(form, formError) {
  for (const element of form.querySelectorAll("[data-field-error]")) {
    element.textContent = "";
    element.hidden = true;
  }
  for (const element of form.querySelectorAll("[aria-invalid]")) element.removeAttribute("aria-invalid");
  showMessage(formError, "", "refused");
}

function showErrors(form, formError, body) {
  const general = [];
  for (const error of body.errors || []) {
    const slot = error.field && form.querySelector(`[data-field-error="${CSS.escape(error.field)}"]`);
    if (slot) {
      slot.textContent = slot.textContent ? `${slot.textContent} ${error.message}` : error.message;
      slot.hidden = false;
      form.querySelector(`[data-field="${CSS.escape(error.field)}"]`)?.setAttribute("aria-invalid", "true");
    } else {
      general.push(error.field ? `${error.field}: ${error.message}` : error.message);
    }
  }
  if (general.length || !(body.errors || []).length) {
    showMessage(formError, general.length ? general.join(" ") : body.detail || "The claim was refused.", "refused");
  }
}

async function refreshReading(root, state, enhanceFilter) {
  // The server renders the highlights; fetch the page again and put its reading view in place
  // of this one's, the form (and what it holds) untouched and the scroll where it was.
  const response = await fetch(window.location.href, { headers: { Accept: "text/html" } });
  if (!response.ok) return false;
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  const next = fresh.querySelector("[data-reading-view]");
  if (!next) return false;
  const x = window.scrollX;
  const y = window.scrollY;
  for (const selector of ["[data-article-body]", "[data-legend]", "[data-claims-panel]", "#reading-data"]) {
    root.querySelector(selector).replaceChildren(...next.querySelector(selector).childNodes);
  }
  for (const selector of [".response-info"]) {
    const mine = document.querySelector(selector);
    const theirs = fresh.querySelector(selector);
    if (mine && theirs) mine.replaceChildren(...theirs.childNodes);
  }
  state.data = readData(root);
  enhanceFilter();
  window.scrollTo(x, y);
  return true;
}

function setUpRecording(root, body, form, state, enhanceFilter) {
  const panel = root.querySelector("[data-record-panel]");
  const formError = panel.querySelector("[data-form-error]");
  const message = root.querySelector("[data-selection-message]");
  const cancel = form.querySelector("[data-record-cancel]");
  const submit = form.querySelector("[data-record-submit]");
  const field = (name) => form.elements.namedItem(name);
  panel.hidden = true;
  cancel.hidden = false;

  // Where the focus was when the form opened: Escape (or Cancel) returns it there.
  let returnFocus = null;
  const open = ({ quote, start }) => {
    if (panel.hidden) returnFocus = document.activeElement;
    field("quote").value = quote;
    field("quote_start").value = String(start);
    panel.hidden = false;
    showMessage(message, "", "info");
    field("statement").focus({ preventScroll: true });
  };
  let handled = "";
  const onSelect = () => {
    const picked = selectionInBody(body);
    // The same selection is read once: a click on the form must not fill it in again.
    const key = picked ? picked.refused || `${picked.start}:${picked.end}` : "";
    if (key === handled) return;
    handled = key;
    if (!picked) return;
    if (picked.refused) {
      showMessage(message, picked.refused, "refused");
      return;
    }
    const crossed = crossedClaim(state.data.claims, picked.start, picked.end);
    if (crossed) {
      showMessage(message, MESSAGES.crossing(crossed.statement), "refused");
      return;
    }
    open(picked);
  };
  // A mouse selection is read when the button is released; one made otherwise (the keyboard,
  // a touch screen) once it has stopped changing for a moment.
  let pressed = false;
  let settle = null;
  document.addEventListener("pointerdown", () => {
    pressed = true;
  });
  document.addEventListener("pointerup", (event) => {
    pressed = false;
    if (!panel.contains(event.target)) setTimeout(onSelect, 0);
  });
  document.addEventListener("selectionchange", () => {
    clearTimeout(settle);
    if (!pressed) settle = setTimeout(onSelect, 250);
  });
  const close = () => {
    panel.hidden = true;
    clearErrors(form, formError);
    // A mouse selection leaves the focus on the page itself: it goes back to the article's text.
    let back = returnFocus;
    if (!back || back === document.body || !back.isConnected) {
      if (!body.hasAttribute("tabindex")) body.tabIndex = -1;
      back = body;
    }
    returnFocus = null;
    back.focus({ preventScroll: true });
  };
  cancel.addEventListener("click", close);
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || panel.hidden || event.defaultPrevented || event.isComposing) return;
    event.preventDefault();
    close();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form, formError);
    const start = field("quote_start").value.trim();
    const payload = {
      article: state.data.article,
      quote: field("quote").value,
      quote_start: start === "" ? null : Number(start),
      statement: field("statement").value,
      claimant: field("claimant").value,
      claim_date: field("claim_date").value || null,
    };
    submit.disabled = true;
    let response;
    try {
      response = await fetch(state.data.createUrl, {
        method: "POST",
        headers: {
          Accept: "application/json",
          "Content-Type": "application/json",
          "X-CSRFToken": field("csrfmiddlewaretoken").value,
        },
        body: JSON.stringify(payload),
      });
    } catch {
      showMessage(formError, MESSAGES.network, "refused");
      submit.disabled = false;
      return;
    }
    submit.disabled = false;
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      showErrors(form, formError, answer);
      return;
    }
    form.reset();
    panel.hidden = true;
    // Should the page not come back, a reload shows the new highlight all the same.
    if (!(await refreshReading(root, state, enhanceFilter).catch(() => false))) {
      window.location.reload();
      return;
    }
    showMessage(message, `Claim #${answer.id} recorded: “${answer.statement}”.`, "done");
    message.dataset.recordedClaim = String(answer.id);
  });
}

function init(root) {
  const body = root.querySelector("[data-article-body]");
  const state = { data: readData(root) };
  root.dataset.enhanced = "";
  setUpTooltips(root, body, state);
  const enhanceFilter = setUpFilter(root);
  const form = root.querySelector("[data-record-form]");
  if (form) setUpRecording(root, body, form, state, enhanceFilter);
}

const root = document.querySelector("[data-reading-view]");
if (root) init(root);
