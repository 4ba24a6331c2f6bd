// Nothing typed is lost: every form marked with data-draft-url keeps what is typed in it as
// a server-side draft, a short while after typing stops and when the page is left. It comes
// back after a reload, on another device and after a refused (stale) send, and the server
// deletes it when the form is sent.
//   data-draft-url     where to post the draft (the server checks who may write it)
//   data-draft-kind    sent as "kind" (a reply, a note, a transfer reason, an article…)
//   data-draft-fields  the fields kept, space separated (default: "body"); "reason:body"
//                      sends the field "reason" as "body"
//   data-draft-param   when the answer names the draft, put it in the address under this
//                      name, so that a reload finds it (the new-request form)
//   data-saved-label, data-offline-label: what the .draft-status line says
(function () {
  "use strict";
  document.querySelectorAll("form[data-draft-url]").forEach(function (form) {
    var url = form.dataset.draftUrl;
    var pairs = (form.dataset.draftFields || "body").split(" ").map(function (entry) {
      var parts = entry.split(":");
      return [parts[0], parts[1] || parts[0]];
    });
    var names = pairs.map(function (pair) { return pair[0]; });
    var status = form.querySelector(".draft-status");
    var timer = null, dirty = false, submitting = false;

    function payload() {
      var data = new FormData();
      data.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
      if (form.dataset.draftKind) data.append("kind", form.dataset.draftKind);
      pairs.forEach(function (pair) {
        var field = form.elements[pair[0]];  // radio buttons: their list's value is the checked one
        if (field) data.append(pair[1], field.value);
      });
      return data;
    }

    function say(text) { if (status) status.textContent = text; }

    function save() {
      timer = null;
      if (!dirty || submitting) return;  // a save landing after the send would revive it
      dirty = false;
      fetch(url, {method: "POST", body: payload(), credentials: "same-origin",
                  headers: {"Accept": "application/json"}})
        .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
        .then(function (body) {
          var param = form.dataset.draftParam;
          if (param && body.draft) {
            var params = new URLSearchParams(window.location.search);
            if (params.get(param) !== String(body.draft)) {
              params.set(param, body.draft);
              history.replaceState(null, "", "?" + params.toString());
            }
          }
          if (!body.saved_at) { say(""); return; }
          var at = new Date(body.saved_at);
          say(form.dataset.savedLabel.replace(
            "%s", at.toLocaleTimeString(document.documentElement.lang || [], {
              hour: "2-digit", minute: "2-digit", hourCycle: "h23",
              timeZone: document.body.dataset.timeZone || undefined,  // the site's, as on every page
            })));
        })
        .catch(function () {
          dirty = true;
          say(form.dataset.offlineLabel);
        });
    }

    function schedule(event) {
      if (names.indexOf(event.target.name) === -1) return;
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
  });
})();
