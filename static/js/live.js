// Live Coopdesk: one websocket per tab (/ws/live/).
// - header: unread badge and the latest notifications (every kind: requests, paths,
//   invoices, articles, reminders), kept up to date;
// - a request page (#ticket-live): its status and timeline refresh when something happens;
// - a team queue (#queue-live): new and changed rows appear without reload;
// - a page about one object ([data-live-about], a path or an invoice's follow-up): when a
//   notification names that object, the page takes the new version if nothing is being typed
//   or opened in it, else says it has changed and offers to show the changes;
// - after a drop: "connection lost, reconnecting…", reconnect with exponential backoff,
//   then catch up from the last notification seen, so nothing is missed.
// The server only relays; every change still goes through a form and a page.
(function () {
  "use strict";
  if (window.coopdeskLive) return;  // one socket per tab, even if the script is loaded twice
  var configEl = document.getElementById("live-config");
  if (!configEl || !("WebSocket" in window)) return;
  var config = JSON.parse(configEl.textContent);
  var text = config.text;

  // Times in the page's language and the site's zone (Europe/Paris), like every page, not the
  // device's: a member abroad would otherwise see the bell disagree with the request page.
  var locale = config.locale;
  var menuTime = new Intl.DateTimeFormat(locale, {
    day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    timeZone: document.body.dataset.timeZone || undefined,
  });
  // An earlier year says so: "5 Dec" alone would read as this year's.
  var menuDate = new Intl.DateTimeFormat(locale, {
    day: "numeric", month: "short", year: "numeric",
    timeZone: document.body.dataset.timeZone || undefined,
  });

  function menuWhen(at) {
    var date = new Date(at);
    return date.getFullYear() === new Date().getFullYear() ? menuTime.format(date) : menuDate.format(date);
  }

  var MENU_SIZE = 10, BASE_DELAY = 500, MAX_DELAY = 15000, NOTICE_AFTER = 800;
  var socket = null, attempts = 0, connectedOnce = false, stopped = false;
  var retryTimer = null, noticeTimer = null;
  var lastId = null, unread = 0, items = {};

  var ticketEl = document.getElementById("ticket-live");
  var queueEl = document.getElementById("queue-live");
  var aboutEl = document.querySelector("[data-live-about]");
  var badge = document.getElementById("live-badge");
  var menu = document.getElementById("live-menu");
  var menuList = document.getElementById("live-menu-list");
  var notice = document.getElementById("live-notice");
  var announcer = document.getElementById("live-announce");

  // --- connection -----------------------------------------------------------------------

  function socketUrl() {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + config.path;
  }

  function connect() {
    clearTimeout(retryTimer);
    retryTimer = null;
    if (stopped || (socket && socket.readyState <= 1)) return;
    var ws = new WebSocket(socketUrl());
    socket = ws;
    ws.onopen = function () {
      var reconnected = connectedOnce;
      connectedOnce = true;
      attempts = 0;
      showDown(false);
      send({since: lastId});
      if (ticketEl) send({watch: "ticket", id: Number(ticketEl.dataset.ticket)});
      if (queueEl) send({watch: "team", id: Number(queueEl.dataset.team)});
      if (reconnected) {  // what happened meanwhile on the objects on screen
        refreshTicket();
        refreshQueue(null);
      }
    };
    ws.onmessage = function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      handle(message);
    };
    ws.onclose = function () {
      if (socket !== ws) return;
      socket = null;
      if (stopped) return;
      showDown(true);
      var delay = Math.min(MAX_DELAY, BASE_DELAY * Math.pow(2, attempts));
      attempts += 1;
      retryTimer = setTimeout(connect, delay / 2 + Math.random() * delay / 2);
    };
  }

  function send(data) {
    if (socket && socket.readyState === 1) socket.send(JSON.stringify(data));
  }

  function showDown(down) {
    clearTimeout(noticeTimer);
    if (!notice) return;
    if (!down) {
      notice.textContent = "";
      notice.classList.remove("shown");
      return;
    }
    // A short grace period: a page change or a quick reconnect should not flash it.
    noticeTimer = setTimeout(function () {
      notice.textContent = text.down;
      notice.classList.add("shown");
    }, connectedOnce ? NOTICE_AFTER : NOTICE_AFTER * 3);
  }

  function reconnectNow() {
    if (!socket && !stopped) { attempts = 0; connect(); }
  }

  window.addEventListener("online", reconnectNow);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") reconnectNow();
  });
  window.addEventListener("pagehide", function () {
    stopped = true;
    if (socket) socket.close();
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { stopped = false; reconnectNow(); }  // back from the page cache
  });

  // --- messages ---------------------------------------------------------------------------

  function handle(message) {
    switch (message.type) {
      case "notifications":  // answer to {since}: the latest, or what we missed
        message.items.forEach(function (item) { remember(item); });
        setUnread(message.unread);
        renderMenu();
        if (message.catch_up && message.items.length) announce(describe(message.items[message.items.length - 1]));
        if (message.catch_up && message.items.some(isAboutThisPage)) refreshAbout();
        break;
      case "notification":
        if (remember(message.notification)) {
          setUnread(unread + 1);
          renderMenu();
          announce(describe(message.notification));
          if (isAboutThisPage(message.notification)) refreshAbout();
        }
        break;
      case "read":
        Object.keys(items).forEach(function (id) {
          if (message.ids === "all" || message.ids.indexOf(Number(id)) !== -1) items[id].unread = false;
        });
        setUnread(message.unread);
        renderMenu();
        break;
      case "ticket.event":
        if (ticketEl && message.ticket === Number(ticketEl.dataset.ticket)) refreshTicket();
        if (queueEl) {
          var team = Number(queueEl.dataset.team);
          if (message.team === team || message.from_team === team) refreshQueue(message);
        }
        break;
      case "gone":  // transferred to a team this person is not part of: the page is stale
        if (ticketEl && message.id === Number(ticketEl.dataset.ticket)) showGone();
        break;
      case "watching":  // something may have changed between the page and the socket
        if (message.watch === "ticket" && ticketEl && String(message.version) !== ticketEl.dataset.version) refreshTicket();
        break;
    }
  }

  // --- header: badge and menu ---------------------------------------------------------------

  function remember(item) {
    var isNew = !items[item.id];
    items[item.id] = item;
    if (lastId === null || item.id > lastId) lastId = item.id;
    return isNew && item.unread;
  }

  function setUnread(count) {
    unread = Math.max(0, count);
    if (!badge) return;
    badge.textContent = unread > 99 ? "99+" : String(unread);
    badge.hidden = unread === 0;
    var summary = document.getElementById("live-bell");
    if (summary) summary.title = text.unread.replace("{n}", unread);
  }

  // The server words each notification in every language of the site; show the page's.
  var lang = document.documentElement.lang || "fr";

  function words(item) {
    return (item.i18n && item.i18n[lang]) || {text: item.text || "", about: item.about || ""};
  }

  function describe(item) {
    var w = words(item);
    return (item.actor || text.system) + " · " + w.text + " · " + w.about;
  }

  function span(className, content) {
    var element = document.createElement("span");
    element.className = className;
    element.textContent = content;
    return element;
  }

  function renderMenu() {
    if (!menuList) return;
    var latest = Object.keys(items).map(function (id) { return items[id]; })
      .sort(function (a, b) { return b.id - a.id; }).slice(0, MENU_SIZE);
    menuList.textContent = "";
    if (!latest.length) {
      var empty = document.createElement("li");
      empty.className = "empty";
      empty.textContent = text.empty;
      menuList.appendChild(empty);
      return;
    }
    latest.forEach(function (item) {  // textContent only: subjects are typed by people
      var li = document.createElement("li");
      li.className = item.unread ? "unread" : "";
      li.dataset.notification = item.id;
      var link = document.createElement("a");
      link.href = item.url;
      link.appendChild(span("what", words(item).text));
      link.appendChild(span("which", words(item).about));
      var when = menuWhen(item.at);
      link.appendChild(span("who", (item.actor || text.system) + " · " + when));
      li.appendChild(link);
      menuList.appendChild(li);
    });
  }

  function announce(sentence) {
    if (!announcer) return;
    announcer.textContent = "";
    setTimeout(function () { announcer.textContent = sentence; }, 50);
  }

  var readAll = document.getElementById("live-read-all");
  if (readAll) {
    readAll.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(readAll.action, {method: "POST", body: new FormData(readAll), credentials: "same-origin",
                             headers: {"Accept": "application/json"}})
        .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
        .then(function (body) {
          Object.keys(items).forEach(function (id) { items[id].unread = false; });
          setUnread(body.unread);
          renderMenu();
        })
        .catch(function () { readAll.submit(); });
    });
  }
  if (menu) {
    document.addEventListener("click", function (event) {
      if (menu.open && !menu.contains(event.target)) menu.open = false;
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) { menu.open = false; menu.querySelector("summary").focus(); }
    });
  }

  // --- the open request page ------------------------------------------------------------------

  var ticketTimer = null, ticketBusy = false, ticketAgain = false;

  function refreshTicket() {
    if (!ticketEl) return;
    clearTimeout(ticketTimer);
    ticketTimer = setTimeout(loadTicket, 60);
  }

  function loadTicket() {
    if (ticketBusy) { ticketAgain = true; return; }
    ticketBusy = true;
    fetch(ticketEl.dataset.liveUrl, {credentials: "same-origin", headers: {"X-Requested-With": "fetch"}})
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.text(); })
      .then(function (html) {
        var before = ticketEl.dataset.version;
        ticketEl.innerHTML = html;
        var card = ticketEl.querySelector("[data-version]");
        if (card) ticketEl.dataset.version = card.dataset.version;
        if (before !== ticketEl.dataset.version) refreshSide();
      })
      .catch(function () {})
      .then(function () {
        ticketBusy = false;
        if (ticketAgain) { ticketAgain = false; loadTicket(); }
      });
  }

  function showGone() {
    var side = document.querySelector(".ticket-side");
    if (side) side.remove();  // its buttons and forms would only be refused now
    var alert = document.createElement("p");
    alert.className = "live-gone";
    alert.setAttribute("role", "alert");
    alert.textContent = text.gone;
    ticketEl.parentNode.insertBefore(alert, ticketEl);
  }

  // The side panel's buttons depend on the status; refresh it unless the person is using it.
  function pristine(root) {
    if (root.contains(document.activeElement) || root.querySelector("details[open]")) return false;
    var fields = root.querySelectorAll("input, textarea, select");
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (field.type === "hidden") continue;
      if (field.type === "checkbox" || field.type === "radio") {
        if (field.checked !== field.defaultChecked) return false;
      } else if (field.tagName === "SELECT") {
        var initial = 0;  // with no "selected" attribute, a list starts on its first option
        for (var j = 0; j < field.options.length; j++) {
          if (field.options[j].defaultSelected) initial = j;
        }
        if (field.selectedIndex !== initial) return false;
      } else if (field.value !== field.defaultValue) {
        return false;
      }
    }
    return true;
  }

  function refreshSide() {
    var side = document.querySelector(".ticket-side");
    if (!side || !pristine(side)) return;
    fetch(location.href, {credentials: "same-origin"})
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector(".ticket-side");
        if (fresh && pristine(side)) side.innerHTML = fresh.innerHTML;
      })
      .catch(function () {});
  }

  // --- a page about one object: a path, an invoice's follow-up ----------------------------------

  var aboutTimer = null;

  function isAboutThisPage(item) {
    return !!aboutEl && !!item.page && item.page === aboutEl.dataset.liveAbout;
  }

  function refreshAbout() {
    clearTimeout(aboutTimer);
    aboutTimer = setTimeout(loadAbout, 60);
  }

  // Taken as it comes only when nothing would be lost: no field changed, no panel opened, no
  // form that keeps drafts (its script would not follow the new copy).
  function mayReplace() {
    return pristine(aboutEl) && !aboutEl.querySelector("form[data-draft-url]");
  }

  function loadAbout() {
    if (!mayReplace()) { offerChanges(); return; }
    fetch(location.href, {credentials: "same-origin"})
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-live-about]");
        if (!fresh || fresh.dataset.liveAbout !== aboutEl.dataset.liveAbout || !mayReplace()) {
          offerChanges();
          return;
        }
        aboutEl.innerHTML = fresh.innerHTML;
        aboutEl.dispatchEvent(new CustomEvent("coopdesk:replaced", {bubbles: true}));
      })
      .catch(offerChanges);
  }

  function offerChanges() {
    if (document.getElementById("live-changed")) return;
    var box = document.createElement("p");
    box.id = "live-changed";
    box.className = "live-changed";
    box.setAttribute("role", "status");
    box.appendChild(document.createTextNode(text.changed + " "));
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = text.showChanges;
    button.addEventListener("click", function () { location.reload(); });
    box.appendChild(button);
    aboutEl.parentNode.insertBefore(box, aboutEl);
  }

  // --- the team queue ---------------------------------------------------------------------------

  var queueTimer = null, queueNews = [];

  function refreshQueue(message) {
    if (!queueEl) return;
    if (message) queueNews.push(message);
    clearTimeout(queueTimer);
    queueTimer = setTimeout(loadQueue, 150);
  }

  function rowMap(root) {
    var rows = {};
    root.querySelectorAll("tr[data-ticket]").forEach(function (row) {
      var clone = row.cloneNode(true);
      clone.querySelectorAll("input").forEach(function (input) { input.remove(); });
      rows[row.dataset.ticket] = clone.innerHTML;
    });
    return rows;
  }

  function loadQueue() {
    var news = queueNews;
    queueNews = [];
    var form = document.getElementById("bulk-form");
    if (!form) return;
    fetch(location.href, {credentials: "same-origin"})
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("bulk-form");
        if (!fresh) return;
        var before = rowMap(form);
        var checked = {};
        form.querySelectorAll("input[type=checkbox]:checked").forEach(function (box) { checked[box.value] = true; });
        var selects = {};
        form.querySelectorAll("select").forEach(function (select) { selects[select.name] = select.value; });
        var hadFocus = form.contains(document.activeElement) ? document.activeElement.id : null;
        form.innerHTML = fresh.innerHTML;
        form.querySelectorAll("input[type=checkbox]").forEach(function (box) { box.checked = !!checked[box.value]; });
        form.querySelectorAll("select").forEach(function (select) {
          if (selects[select.name] !== undefined) select.value = selects[select.name];
        });
        if (hadFocus && document.getElementById(hadFocus)) document.getElementById(hadFocus).focus();
        var after = rowMap(form);
        Object.keys(after).forEach(function (id) {
          if (before[id] !== after[id]) {
            var row = form.querySelector('tr[data-ticket="' + id + '"]');
            row.classList.remove("fresh");
            void row.offsetWidth;  // restart the highlight
            row.classList.add("fresh");
          }
        });
        var last = news[news.length - 1];
        if (last) {
          var template = last.kind === "created" ? text.queueNew : text.queueChanged;
          queueEl.textContent = template.replace("{ref}", last.reference);
        }
      })
      .catch(function () {});
  }

  // --- start, and hooks for tests and the curious ------------------------------------------------

  window.coopdeskLive = {
    get socket() { return socket; },
    get unread() { return unread; },
    get lastId() { return lastId; },
    drop: function () { if (socket) socket.close(); },  // as if the network cut it
  };
  renderMenu();
  connect();
})();
