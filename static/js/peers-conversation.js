// New messages appear without reloading: every 10 seconds while the page is in view, ask for
// messages newer than the last one shown. The server renders them (escaped) as list items.
(function () {
  "use strict";
  var list = document.getElementById("messages");
  if (!list || !list.dataset.pollUrl || !window.fetch) return;
  var busy = false;

  function poll() {
    if (busy || document.hidden) return;
    busy = true;
    var url = list.dataset.pollUrl + "?after=" + encodeURIComponent(list.dataset.lastId || "0");
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (!html.trim()) return;
        list.insertAdjacentHTML("beforeend", html);
        var items = list.querySelectorAll("li[data-id]");
        if (items.length) list.dataset.lastId = items[items.length - 1].dataset.id;
        var none = document.getElementById("no-messages");
        if (none) none.remove();
      })
      .catch(function () {})
      .then(function () { busy = false; });
  }

  setInterval(poll, 10000);
  document.addEventListener("visibilitychange", poll);
})();
