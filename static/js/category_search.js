// New request, subject search: show the categories that hold every word typed (accents and
// words of one or two letters aside); when none does, those that hold the most of them, so
// that "bulletin de paie" still shows the payslip subjects. A word of five letters or more
// also finds a word one typing slip away ("facure", "cotisaton"), as the help search does.
(function () {
  "use strict";
  var form = document.getElementById("ticket-form");
  var search = document.getElementById("category-search");
  if (!form || !search) return;
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  // One letter missing, added, changed, or two swapped: a and b differ by one slip at most.
  function oneSlip(a, b) {
    if (Math.abs(a.length - b.length) > 1) return false;
    var i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    return a.slice(i + 1) === b.slice(i + 1) || a.slice(i) === b.slice(i + 1) ||
      a.slice(i + 1) === b.slice(i) ||
      (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
  }
  function holds(label, word) {
    if (label.dataset.folded.indexOf(word) !== -1) return true;
    return word.length >= 5 && label.words.some(function (w) {
      return oneSlip(word, w) || (w.length > word.length && oneSlip(word, w.slice(0, word.length)));
    });
  }
  var labels = Array.prototype.slice.call(form.querySelectorAll("label.choice"));
  labels.forEach(function (label) {
    label.dataset.folded = fold(label.dataset.search);
    label.words = label.dataset.folded.split(/[^a-z0-9]+/);
  });
  search.addEventListener("input", function () {
    var words = fold(search.value).split(/[^a-z0-9]+/).filter(function (w) {
      return w.length > 2;
    });
    var found = labels.map(function (label) {
      return words.filter(function (w) { return holds(label, w); }).length;
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
