// The research dashboard while its figures are computed in the background: ask the
// same page again every few seconds and, once it holds the figures, put them in place
// and say so in the polite live region. Without JavaScript the "Refresh" link does it.
(function () {
  "use strict";
  var status = document.querySelector("[data-figures-pending]");
  if (!status || !window.fetch || !window.DOMParser) {
    return;
  }
  var attempts = 0;
  function check() {
    attempts += 1;
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html === null) {
          return;
        }
        var page = new DOMParser().parseFromString(html, "text/html");
        var figures = page.getElementById("research-figures");
        if (!figures || figures.querySelector("[data-figures-pending]")) {
          if (attempts < 100) {
            window.setTimeout(check, 3000);
          }
          return;
        }
        var readyText = status.getAttribute("data-ready-text");
        document.getElementById("research-figures").replaceWith(figures);
        var announcement = document.createElement("p");
        announcement.className = "visually-hidden";
        announcement.setAttribute("role", "status");
        figures.prepend(announcement);
        // Filled after insertion, so screen readers announce it.
        window.setTimeout(function () {
          announcement.textContent = readyText;
        }, 100);
      })
      .catch(function () {
        if (attempts < 100) {
          window.setTimeout(check, 3000);
        }
      });
  }
  window.setTimeout(check, 3000);
})();
