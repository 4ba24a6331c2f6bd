// New request, subject search: show the categories that hold every word typed (accents and
// words of one or two letters aside); when none does, those that hold the most of them, so
// that "bulletin de paie" still shows the payslip subjects.
(function () {
  "use strict";
  var form = document.getElementById("ticket-form");
  var search = document.getElementById("category-search");
  if (!form || !search) return;
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
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
})();
