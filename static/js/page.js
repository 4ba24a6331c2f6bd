// Behaviour every page shares. Kept out of the templates: the Content-Security-Policy runs
// no inline script, event attribute (onchange=...) or style attribute.
(function () {
  "use strict";
  // The language menu applies the choice at once (a button stays for pages without script).
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // "Go back" links: the previous page when there is one, else the link's own address.
  document.querySelectorAll("a[data-history-back]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (window.history.length > 1) {
        event.preventDefault();
        window.history.back();
      }
    });
  });
  // "Copy the text" buttons (the refused-form page offers what was typed back).
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.getElementById(button.dataset.copy);
      var said = button.nextElementSibling;
      field.select();
      var done = function () { if (said) said.textContent = button.dataset.copiedLabel; };
      if (navigator.clipboard) {
        navigator.clipboard.writeText(field.value).then(done, function () {
          if (document.execCommand("copy")) done();
        });
      } else if (document.execCommand("copy")) {
        done();
      }
    });
  });
  // A refused form comes back at the top of its page, its errors perhaps far below (a reply
  // box under a long timeline, on a phone): go to the first field that needs fixing.
  var invalid = document.querySelector("main [aria-invalid='true'], main fieldset.has-error input");
  if (invalid) {
    var folded = invalid.closest("details:not([open])");
    if (folded) folded.open = true;
    invalid.focus();
  }
  // A form sent once is not sent again by a second click while the next page loads (a
  // double click would post twice). Its buttons look busy (aria-disabled, not `disabled`,
  // which would drop the pressed button's name and value from what is sent), and further
  // submits are ignored. Forms sent by a script (fetch: the event was prevented first),
  // GET forms (searches, filters) and forms opening another window are left alone. A file
  // download leaves the page in place: after a while the form may be sent again.
  var SENDING_FOR_MS = 10000;
  var sendingTimers = new WeakMap();
  function setSending(form, on) {
    window.clearTimeout(sendingTimers.get(form));
    if (on) {
      form.dataset.sending = "1";
      sendingTimers.set(form, window.setTimeout(function () { setSending(form, false); }, SENDING_FOR_MS));
    } else {
      delete form.dataset.sending;
    }
    // form.elements: its buttons, also those placed outside it with form="…".
    Array.prototype.forEach.call(form.elements, function (button) {
      var kind = (button.getAttribute("type") || "submit").toLowerCase();
      var submits = button.tagName === "BUTTON" ? kind === "submit"
        : button.tagName === "INPUT" && (kind === "submit" || kind === "image");
      if (!submits) return;
      button.classList.toggle("is-sending", on);
      if (on) button.setAttribute("aria-disabled", "true");
      else button.removeAttribute("aria-disabled");
    });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.method !== "post" || form.target === "_blank"
        || form.hasAttribute("data-no-submit-guard")) return;
    if (form.dataset.sending) { event.preventDefault(); return; }
    setSending(form, true);
  });
  // Back to this page from the browser's cache: its forms may be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-sending]").forEach(function (form) { setSending(form, false); });
  });
  // Bars whose length is data (data-percent): set through the CSSOM, which the policy allows.
  function drawBars(root) {
    root.querySelectorAll("[data-percent]").forEach(function (bar) {
      bar.style.setProperty("--w", bar.dataset.percent + "%");
    });
  }
  drawBars(document);
  // A live page took a new copy of its content (live.js).
  document.addEventListener("coopdesk:replaced", function (event) { drawBars(event.target); });
})();
