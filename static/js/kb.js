// Help centre: glossary tooltips can be dismissed with Escape (they show on hover and focus,
// by CSS); after answering a guided path's question, focus moves to the next step.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll(".term").forEach(function (term) {
      if (term.matches(":hover") || term.contains(document.activeElement)) term.classList.add("tip-dismissed");
    });
  });
  function reset(event) {
    var term = event.target.closest && event.target.closest(".term");
    if (term) term.classList.remove("tip-dismissed");
  }
  document.addEventListener("focusout", reset);
  document.addEventListener("mouseout", reset);

  if (new URLSearchParams(window.location.search).get("from") === "answer") {
    var step = document.getElementById("step-title");
    if (step) step.focus();
  }
})();
