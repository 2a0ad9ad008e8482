// The browsable API's forms, made pleasant (api/renderers.py renders them without this):
// the delete button names the version shown, and an id field of a related record
// ([data-lookup]) gets a search box that asks the JSON API (`<list>?q=`) and fills the id.
(function () {
  "use strict";

  var DELAY_MS = 250;

  function addDeleteVersion() {
    var holder = document.querySelector("[data-record-version]");
    if (!holder) return;
    document.querySelectorAll('form[data-method="DELETE"]').forEach(function (form) {
      if (form.querySelector('input[name="version"]')) return;
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "version";
      input.value = holder.getAttribute("data-record-version");
      form.appendChild(input);
    });
  }

  function labelOf(row) {
    var text = row.title || row.name || row.statement || "";
    var extra = row.publisher_name || (row.publisher && row.publisher.name) || row.kind || "";
    return "#" + row.id + " " + text + (extra ? " (" + extra + ")" : "");
  }

  function attachLookup(group) {
    var idInput = group.querySelector("[data-lookup-input]");
    if (!idInput) return;
    var url = group.getAttribute("data-lookup");
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control";
    box.placeholder = "Type words to search, then pick a result";
    box.setAttribute("data-lookup-search", group.getAttribute("data-field"));
    box.setAttribute("aria-label", "Search for the " + group.getAttribute("data-field"));
    var list = document.createElement("ul");
    list.className = "list-unstyled";
    list.setAttribute("data-lookup-results", "");
    list.setAttribute("aria-live", "polite");
    idInput.insertAdjacentElement("afterend", list);
    idInput.insertAdjacentElement("afterend", box);

    var timer = null;
    var asked = 0;
    function show(rows, words) {
      list.replaceChildren();
      if (!rows.length) {
        var none = document.createElement("li");
        none.textContent = "Nothing matches “" + words + "”.";
        list.appendChild(none);
        return;
      }
      rows.forEach(function (row) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-link";
        button.setAttribute("data-lookup-result", String(row.id));
        button.textContent = labelOf(row);
        button.addEventListener("click", function () {
          idInput.value = String(row.id);
          list.replaceChildren();
          box.value = labelOf(row);
        });
        item.appendChild(button);
        list.appendChild(item);
      });
    }
    function search() {
      var words = box.value.trim();
      if (words.length < 2) {
        list.replaceChildren();
        return;
      }
      var mine = ++asked;
      var address = url + "?q=" + encodeURIComponent(words) + "&page_size=8";
      fetch(address, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (body) {
          if (mine === asked) show(body.results || [], words);
        })
        .catch(function () {
          if (mine === asked) list.replaceChildren();
        });
    }
    box.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, DELAY_MS);
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault(); // picking, not submitting
    });
  }

  function csrfToken() {
    var holder = document.getElementById("drf_csrf");
    try {
      return holder ? JSON.parse(holder.textContent).csrfToken : "";
    } catch (error) {
      return "";
    }
  }

  function showErrors(form, body) {
    form.querySelectorAll("[data-field-error], [data-form-errors]").forEach(function (node) {
      node.remove();
    });
    form.querySelectorAll(".has-error").forEach(function (node) {
      node.classList.remove("has-error");
    });
    var others = [];
    (body.errors || []).forEach(function (error) {
      var name = String(error.field || "").split(".")[0];
      var group = name && form.querySelector('[data-field="' + name + '"]');
      if (!group) {
        others.push((error.field ? error.field + ": " : "") + error.message);
        return;
      }
      group.classList.add("has-error");
      var note = document.createElement("span");
      note.className = "help-block";
      note.setAttribute("data-field-error", name);
      note.textContent = error.message;
      group.querySelector(".col-sm-10").appendChild(note);
    });
    if (others.length || !(body.errors || []).length) {
      var alert = document.createElement("div");
      alert.className = "alert alert-danger";
      alert.setAttribute("role", "alert");
      alert.setAttribute("data-form-errors", "");
      alert.textContent = [body.detail || "The request was refused."].concat(others).join(" ");
      form.insertBefore(alert, form.firstChild);
    }
  }

  // A form of the page's own (the claim page's citation form) sent as JSON, staying on the page.
  function attachJsonForm(form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = {};
      new FormData(form).forEach(function (value, name) {
        if (name !== "csrfmiddlewaretoken") body[name] = value;
      });
      var button = form.querySelector('button[type="submit"]');
      if (button) button.disabled = true;
      fetch(form.getAttribute("action"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify(body),
      })
        .then(function (response) {
          return response.json().then(function (answer) {
            return { ok: response.ok, answer: answer };
          });
        })
        .then(function (result) {
          if (result.ok && form.hasAttribute("data-reload-on-success")) {
            window.location.reload();
            return;
          }
          if (button) button.disabled = false;
          if (!result.ok) showErrors(form, result.answer);
        })
        .catch(function () {
          if (button) button.disabled = false;
          showErrors(form, { detail: "The server could not be reached; nothing was sent." });
        });
    });
  }

  function start() {
    addDeleteVersion();
    document.querySelectorAll("[data-lookup]").forEach(attachLookup);
    document.querySelectorAll("form[data-json-form]").forEach(attachJsonForm);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
