// Saves what the member types in the new-request form as a server-side draft:
// a short while after they stop typing, and when they leave the page.
(function () {
  "use strict";
  var form = document.getElementById("ticket-form");
  if (!form) return;
  var url = form.dataset.draftUrl;
  var status = document.getElementById("draft-status");
  var timer = null;
  var dirty = false;
  var submitting = false;

  function payload() {
    var data = new FormData();
    ["csrfmiddlewaretoken", "key", "subject", "body"].forEach(function (name) {
      var field = form.elements[name];
      if (field) data.append(name, field.value);
    });
    var checked = form.querySelector("input[name=category]:checked");
    if (checked) data.append("category", checked.value);
    return data;
  }

  function save() {
    timer = null;
    if (!dirty || submitting) return;  // a save landing after the send would revive the draft
    dirty = false;
    fetch(url, {method: "POST", body: payload(), credentials: "same-origin",
                headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json().then(function (body) { return [response.ok, body]; }); })
      .then(function (result) {
        if (!result[0] || !result[1].draft) return;
        var params = new URLSearchParams(window.location.search);
        if (params.get("draft") !== String(result[1].draft)) {
          params.set("draft", result[1].draft);
          history.replaceState(null, "", "?" + params.toString());
        }
        var at = new Date(result[1].saved_at);
        status.textContent = form.dataset.savedLabel.replace("%s", at.toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"}));
      })
      .catch(function () {
        dirty = true;
        status.textContent = form.dataset.offlineLabel;
      });
  }

  function schedule() {
    dirty = true;
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 800);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  form.addEventListener("submit", function () {
    submitting = true;
    if (timer) clearTimeout(timer);
  });
  function flush() {
    if (submitting || !dirty) return;
    dirty = false;
    navigator.sendBeacon(url, payload());
  }
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush();
  });

  // Subject search: show only the matching categories.
  var search = document.getElementById("category-search");
  if (search) {
    search.addEventListener("input", function () {
      var words = search.value.toLowerCase().trim().split(/\s+/).filter(Boolean);
      var shown = 0;
      form.querySelectorAll("[data-team]").forEach(function (team) {
        var teamShown = 0;
        team.querySelectorAll("label.choice").forEach(function (label) {
          var text = label.dataset.search;
          var match = words.every(function (w) { return text.indexOf(w) !== -1; });
          label.hidden = !match;
          if (match) teamShown++;
        });
        team.hidden = teamShown === 0;
        shown += teamShown;
      });
      document.getElementById("category-none").hidden = shown > 0;
    });
    search.addEventListener("keydown", function (e) { if (e.key === "Enter") e.preventDefault(); });
  }
})();
