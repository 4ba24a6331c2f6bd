// Keeps what is typed in a request's reply box and internal note as a server-side draft
// (a short while after typing stops, and when the page is left): it comes back after a
// reload or on another device, and is cleared when the text is sent.
(function () {
  "use strict";
  document.querySelectorAll("form[data-draft-kind]").forEach(function (form) {
    var field = form.elements.body;
    var status = form.querySelector(".draft-status");
    var timer = null, dirty = false, submitting = false;

    function payload() {
      var data = new FormData();
      data.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
      data.append("kind", form.dataset.draftKind);
      data.append("body", field.value);
      return data;
    }

    function save() {
      timer = null;
      if (!dirty || submitting) return;  // a save landing after the send would revive it
      dirty = false;
      fetch(form.dataset.draftUrl, {method: "POST", body: payload(), credentials: "same-origin",
                                    headers: {"Accept": "application/json"}})
        .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
        .then(function (body) {
          if (!status) return;
          if (!body.saved_at) { status.textContent = ""; return; }
          var at = new Date(body.saved_at);
          status.textContent = form.dataset.savedLabel.replace(
            "%s", at.toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"}));
        })
        .catch(function () {
          dirty = true;
          if (status) status.textContent = form.dataset.offlineLabel;
        });
    }

    field.addEventListener("input", function () {
      dirty = true;
      if (timer) clearTimeout(timer);
      timer = setTimeout(save, 800);
    });
    form.addEventListener("submit", function () {
      submitting = true;
      if (timer) clearTimeout(timer);
    });
    function flush() {
      if (submitting || !dirty) return;
      dirty = false;
      navigator.sendBeacon(form.dataset.draftUrl, payload());
    }
    window.addEventListener("pagehide", flush);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") flush();
    });
  });
})();
