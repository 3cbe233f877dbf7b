// Searchable pickers (muster/web/widgets.py PickerInput): an <input data-picker="url" list="id">
// asks the URL for entries matching what is typed and fills its <datalist>, which the browser
// shows as suggestions. Without this script the input still takes a code or an exact name.
(function () {
  "use strict";
  var timers = new WeakMap();
  var last = new WeakMap();

  function fill(input, items) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    while (list.firstChild) list.removeChild(list.firstChild);
    items.forEach(function (item) {
      var option = document.createElement("option");
      option.value = item.value;
      if (item.label) option.textContent = item.label;
      list.appendChild(option);
    });
  }

  function ask(input) {
    var q = input.value.trim();
    if (q === last.get(input)) return;
    last.set(input, q);
    if (!q) { fill(input, []); return; }
    var url = input.getAttribute("data-picker");
    url += (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(q);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (data) {
        // A slower answer to an earlier keystroke must not replace the current one.
        if (input.value.trim() === q) fill(input, data.items || []);
      })
      .catch(function () { /* offline: the input still takes a code typed in full */ });
  }

  document.addEventListener("input", function (e) {
    var input = e.target;
    if (!input.matches || !input.matches("input[data-picker]")) return;
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () { ask(input); }, 200));
  });
})();

// <input data-picker-append="textarea-id">: a picked entry is added as a line of that list.
(function () {
  "use strict";
  document.addEventListener("change", function (e) {
    var input = e.target;
    if (!input.matches || !input.matches("input[data-picker-append]")) return;
    var value = input.value.trim();
    var target = document.getElementById(input.getAttribute("data-picker-append"));
    if (!value || !target) return;
    var lines = target.value.split("\n").map(function (l) { return l.trim(); }).filter(Boolean);
    if (lines.indexOf(value) < 0) lines.push(value);
    target.value = lines.join("\n");
    input.value = "";
  });
})();
