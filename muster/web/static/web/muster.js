// Small page behaviours that templates ask for with data- attributes. The Content-Security-Policy
// allows no inline script (no <script> blocks, no onclick=), so they all live here.
(function () {
  "use strict";

  // <select data-autosubmit>: submit its form on change (the language switch).
  document.addEventListener("change", function (e) {
    var el = e.target.closest && e.target.closest("[data-autosubmit]");
    if (el && el.form) el.form.submit();
  });

  // <button data-print>: print the page.
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("[data-print]")) window.print();
  });

  function settle(root, first) {
    // <details data-open-wide>: open on a wide screen, folded on a phone (on load only, so a
    // swap never reopens what the user folded).
    if (first && window.innerWidth > 640) {
      root.querySelectorAll("details[data-open-wide]").forEach(function (d) { d.open = true; });
    }
    // <span data-focus="#selector">: focus that field once the fragment is in place.
    var f = root.querySelector("[data-focus]");
    if (f) {
      var target = document.querySelector(f.getAttribute("data-focus"));
      if (target) target.focus();
    }
    // <span data-reload>: the fragment says the whole page must be fetched again.
    if (root.querySelector("[data-reload]")) location.reload();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { settle(document, true); });
  } else {
    settle(document, true);
  }
  document.addEventListener("htmx:afterSettle", function () { settle(document, false); });
})();
