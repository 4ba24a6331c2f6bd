// The saved-reply picker of a request's reply box: the list is fetched when the agent
// opens it (the request's page stays as light as before), filtered as they type, and the
// chosen reply, filled in by the server for this request, is inserted where the cursor is.
(function () {
  "use strict";
  var box = document.querySelector(".saved-replies");
  if (!box) return;
  var form = document.getElementById(box.dataset.form);  // the reply form, just below
  var textarea = form.elements.body;
  var toggle = box.querySelector(".saved-replies-toggle");
  var panel = box.querySelector(".saved-replies-panel");
  var search = box.querySelector("input[type=search]");
  var list = box.querySelector(".saved-replies-results");
  var status = box.querySelector(".saved-replies-status");
  var replies = null;

  function show(items) {
    list.replaceChildren();
    items.forEach(function (reply) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "link";
      button.textContent = reply.title;
      button.addEventListener("click", function () { insert(reply); });
      var scope = document.createElement("small");
      scope.textContent = " (" + reply.scope + ") " + reply.preview;
      item.append(button, scope);
      list.append(item);
    });
    // With no saved reply at all, say so and where to write one; "no match" only when a
    // search left none of them.
    status.textContent = items.length ? "" : replies.length ? box.dataset.emptyLabel : box.dataset.noneLabel;
  }

  function words(text) {
    return text.toLocaleLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function filter() {
    if (!replies) return;
    var wanted = words(search.value).split(/\s+/).filter(Boolean);
    show(replies.filter(function (reply) {
      var text = words(reply.title + " " + reply.preview);
      return wanted.every(function (word) { return text.indexOf(word) !== -1; });
    }));
  }

  function load() {
    status.textContent = box.dataset.loadingLabel;
    fetch(box.dataset.pickerUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then(function (body) { replies = body.replies; filter(); })
      .catch(function () { status.textContent = box.dataset.errorLabel; });
  }

  function insert(reply) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    fetch(reply.insert_url, {method: "POST", body: data, credentials: "same-origin",
                             headers: {"Accept": "application/json"}})
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then(function (body) {
        var start = textarea.selectionStart, end = textarea.selectionEnd;
        var before = textarea.value.slice(0, start), after = textarea.value.slice(end);
        // Set apart from what she already wrote: a paragraph of its own.
        if (before && !/\n\n$/.test(before)) before += /\n$/.test(before) ? "\n" : "\n\n";
        if (after && !/^\n/.test(after)) after = "\n\n" + after;
        textarea.value = before + body.text + after;
        textarea.focus();
        textarea.selectionStart = textarea.selectionEnd = before.length + body.text.length;
        textarea.dispatchEvent(new Event("input", {bubbles: true}));
        status.textContent = box.dataset.insertedLabel;
      })
      .catch(function () { status.textContent = box.dataset.errorLabel; });
  }

  toggle.addEventListener("click", function () {
    var open = panel.hidden;
    panel.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    if (open && replies === null) load();
    if (open) search.focus();
  });
  search.addEventListener("input", filter);
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") event.preventDefault();  // not the reply's submit
  });
})();
