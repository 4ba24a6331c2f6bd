// While a member writes a request, show the help articles that may already answer it.
// "This answered my question" is recorded; the request is not sent, the draft is kept.
(function () {
  "use strict";
  var form = document.getElementById("ticket-form");
  var box = document.getElementById("kb-suggestions");
  var status = document.getElementById("kb-suggestions-status");
  if (!form || !box) return;
  var timer = null;
  var last = null;

  function typed() {
    var subject = form.elements.subject ? form.elements.subject.value : "";
    var body = form.elements.body ? form.elements.body.value : "";
    return (subject + "\n" + body).trim();
  }
  function category() {
    var checked = form.querySelector("input[name=category]:checked");
    return checked ? checked.value : "";
  }
  function load() {
    var q = typed().slice(0, 1500);
    var cat = category();
    var key = q + "|" + cat;
    if (key === last) return;
    last = key;
    if (q.length < 3 && !cat) {
      box.hidden = true;
      box.innerHTML = "";
      return;
    }
    var params = new URLSearchParams({q: q, category: cat});
    fetch(box.dataset.url + "?" + params.toString(), {
      credentials: "same-origin", headers: {"X-Requested-With": "fetch"}
    })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        box.innerHTML = html;
        box.hidden = !html.trim();
        var n = box.querySelectorAll("li").length;
        status.textContent = n ? box.dataset.foundLabel.replace("%s", n) : "";
      })
      .catch(function () { last = null; });
  }
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(load, 500);
  }
  form.addEventListener("input", function (event) {
    if (event.target.name === "subject" || event.target.name === "body") schedule();
  });
  form.addEventListener("change", function (event) {
    if (event.target.name === "category") schedule();
  });
  box.addEventListener("click", function (event) {
    var button = event.target.closest("button.kb-answered");
    if (!button) return;
    var data = new FormData();
    data.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    data.append("article", button.dataset.article);
    data.append("query", typed().slice(0, 1500));
    data.append("category", category());
    button.disabled = true;
    fetch(box.dataset.answeredUrl, {
      method: "POST", body: data, credentials: "same-origin",
      headers: {"X-Requested-With": "fetch"}
    })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response); })
      .then(function (html) {
        var item = button.closest("li");
        item.innerHTML = html;
        var thanks = item.querySelector("[tabindex]");
        if (thanks) thanks.focus();
      })
      .catch(function () { button.disabled = false; });
  });
  schedule();  // the form may open with a category chosen (from a guided path)
})();
