// Hushåll: say so when the page has lost contact with the server (a poll of a running job or upload failed),
// and take the notice away when the server answers again. htmx keeps polling meanwhile.
(function () {
  "use strict";
  function show(lost) {
    var notice = document.getElementById("connection-lost");
    if (notice) { notice.hidden = !lost; }
  }
  document.addEventListener("htmx:sendError", function () { show(true); });
  document.addEventListener("htmx:timeout", function () { show(true); });
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (xhr && xhr.status >= 500) { show(true); }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail && event.detail.successful) { show(false); }
  });
})();
