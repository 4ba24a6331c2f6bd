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

  // Subject search: show the categories that hold every word typed (accents and words of
  // one or two letters aside); when none does, those that hold the most of them, so that
  // "bulletin de paie" still shows the payslip subjects.
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  var search = document.getElementById("category-search");
  if (search) {
    var labels = Array.prototype.slice.call(form.querySelectorAll("label.choice"));
    labels.forEach(function (label) { label.dataset.folded = fold(label.dataset.search); });
    search.addEventListener("input", function () {
      var words = fold(search.value).split(/[^a-z0-9]+/).filter(function (w) {
        return w.length > 2;
      });
      var found = labels.map(function (label) {
        return words.filter(function (w) { return label.dataset.folded.indexOf(w) !== -1; }).length;
      });
      var best = words.length ? Math.max.apply(null, found) : 0;
      var shown = 0;
      labels.forEach(function (label, i) {
        label.hidden = words.length > 0 && (best === 0 || found[i] < best);
        if (!label.hidden) shown++;
      });
      form.querySelectorAll("[data-team]").forEach(function (team) {
        team.hidden = !team.querySelector("label.choice:not([hidden])");
      });
      document.getElementById("category-none").hidden = shown > 0;
    });
    search.addEventListener("keydown", function (e) { if (e.key === "Enter") e.preventDefault(); });
  }
})();
