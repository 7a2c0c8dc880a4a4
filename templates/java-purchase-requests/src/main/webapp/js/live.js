// Shows purchase requests submitted while a manager's list page is open, without a reload.
// The page has a push token only for managers (see RequestListServlet); the platform's client
// script (loaded before this one) keeps the connection and reconnects by itself.
(function () {
  "use strict";
  var list = document.querySelector(".request-list[data-push-token]");
  if (!list || !window.Slipway) return;
  var root = list.getAttribute("data-root");

  function span(className, text) {
    var element = document.createElement("span");
    element.className = className;
    element.textContent = text; // textContent, never innerHTML: titles are typed by users
    return element;
  }

  window.Slipway.connect(list.getAttribute("data-push-token"), function (message) {
    if (!message || message.type !== "submitted") return;
    var link = document.createElement("a");
    link.className = "request-row new";
    link.href = root + "/requests/" + encodeURIComponent(message.id);
    link.append(
      span("request-title", message.title),
      span("request-meta", message.requester + " · just now"),
      span("amount", message.amount),
      span("badge pending", "Pending")
    );
    var item = document.createElement("li");
    item.append(link);
    list.prepend(item);
    var empty = document.querySelector(".card.empty");
    if (empty) empty.hidden = true;
    var banner = document.getElementById("live-banner");
    banner.textContent = "New request: " + message.title + " (" + message.amount + ")";
    banner.hidden = false;
  }, {
    // data-live says whether new requests arrive (styles or tests can use it).
    onOpen: function () { list.setAttribute("data-live", "connected"); },
    onClose: function () { list.setAttribute("data-live", "reconnecting"); }
  });
})();
