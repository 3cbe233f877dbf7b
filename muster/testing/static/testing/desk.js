/* The registration desk: a keyboard-wedge scanner types a code and presses Enter.
   Person scans go through a queue kept in localStorage, each with its own idempotency key,
   so a network drop loses nothing and a resend never duplicates a sample. */
(function () {
  "use strict";
  var root = document.getElementById("desk");
  var T = JSON.parse(document.getElementById("desk-i18n").textContent);
  var input = document.getElementById("scan");
  var KEY = "muster.desk." + root.dataset.point;
  var TUBE = /^T\d{6,12}$/, BOX = /^B\d{4,12}$/, CODE = /^MP[2-9A-HJKMNP-Z]{12}$/, ID = /^\d{17}[\dX]$/;
  var state = load();
  var sending = false, audio = null, done = 0;

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY)) || { tube: null, queue: [] }; } catch (e) { return { tube: null, queue: [] }; }
  }
  function save() { localStorage.setItem(KEY, JSON.stringify(state)); }
  function uid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function beep(ok) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var o = audio.createOscillator(), g = audio.createGain();
      o.type = ok ? "sine" : "square"; o.frequency.value = ok ? 1320 : 220;
      g.gain.value = 0.15; o.connect(g); g.connect(audio.destination);
      o.start(); o.stop(audio.currentTime + (ok ? 0.08 : 0.45));
    } catch (e) { /* no audio: the colour still shows */ }
  }
  function flash(kind, text) {
    var f = document.getElementById("flash");
    f.className = "flash " + kind; f.textContent = text;
    if (kind === "ok" || kind === "bad") beep(kind === "ok");
  }
  function log(kind, text) {
    var li = document.createElement("li"); li.className = kind;
    li.textContent = new Date().toLocaleTimeString() + "  " + text;
    var ol = document.getElementById("log"); ol.insertBefore(li, ol.firstChild);
    while (ol.children.length > 50) ol.removeChild(ol.lastChild);
  }
  function render() {
    var t = state.tube;
    document.getElementById("tube").textContent = t ? t.barcode : "—";
    document.getElementById("count").textContent = t ? t.count : 0;
    document.getElementById("capacity").textContent = t ? t.capacity : root.dataset.pool;
    document.getElementById("meter").style.width = t ? (100 * t.count / t.capacity) + "%" : "0";
    document.getElementById("queued").textContent = state.queue.length;
    document.getElementById("done").textContent = done;
  }
  function setNet(online) {
    var n = document.getElementById("net");
    n.textContent = online ? T.online : T.offline; n.className = "big " + (online ? "ok-text" : "bad-text");
  }
  function post(url, body) {
    return fetch(url, { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": root.dataset.csrf }, body: JSON.stringify(body) })
      .then(function (r) { return r.json().then(function (j) { j._status = r.status; return j; }, function () { return { ok: false, _status: r.status, title: r.statusText }; }); });
  }
  function openTube(code) {
    // Opening is queued too, so a desk can change tubes while the network is down.
    var single = document.getElementById("single").checked;
    document.getElementById("single").checked = false;
    state.tube = { barcode: code, count: 0, capacity: single ? 1 : parseInt(root.dataset.pool, 10), status: "open" };
    state.queue.push({ kind: "open", key: uid(), barcode: code, single: single });
    save(); render(); flash("ok", T.opened + " " + code); log("ok", T.opened + " " + code); flush();
  }
  function closeTube() {
    if (!state.tube) return;
    var code = state.tube.barcode;
    post(root.dataset.close, { barcode: code }).then(function (j) {
      if (j.ok) { state.tube = null; save(); render(); flash("warn", T.closed); log("ok", code + " " + T.closed); }
      else { flash("bad", j.title); log("bad", j.title); }
    }, function () { setNet(false); flash("bad", T.offline); });
  }
  function enqueue(scan) {
    var t = state.tube;
    state.queue.push({ kind: "scan", key: uid(), tube: t.barcode, scan: scan });
    // Count locally so the desk knows when the tube is full even while offline.
    t.count += 1;
    if (t.count >= t.capacity) { t.status = "closed"; }
    save(); render(); flush();
    if (t.status === "closed") { state.tube = null; save(); render(); }
  }
  function flush() {
    if (sending || !state.queue.length) return;
    sending = true;
    var item = state.queue[0];
    var url = item.kind === "open" ? root.dataset.open : root.dataset.scan;
    post(url, item).then(function (j) {
      sending = false; setNet(true);
      if (j._status >= 500) { setTimeout(flush, 3000); return; }  // server trouble: keep it and retry
      state.queue.shift(); save();
      if (item.kind === "open") {
        if (j.ok) { if (state.tube && state.tube.barcode === j.tube.barcode) { state.tube.capacity = j.tube.capacity; } }
        else { if (state.tube && state.tube.barcode === item.barcode) state.tube = null; save(); flash("bad", j.title); log("bad", j.title); }
        render(); flush(); return;
      }
      if (j.ok) {
        done += 1;
        document.getElementById("last").textContent = j.person;
        var msg = T.sampled + ": " + j.person + " → " + j.tube.barcode + " (" + j.tube.count + "/" + j.tube.capacity + ")";
        if (j.tube.status === "closed") { msg += " · " + T.full; if (state.tube && state.tube.barcode === j.tube.barcode) state.tube = null; }
        else if (state.tube && state.tube.barcode === j.tube.barcode) { state.tube.count = Math.max(state.tube.count, j.tube.count); }
        save(); flash(j.tube.status === "closed" ? "warn" : "ok", msg); if (j.tube.status === "closed") beep(true);
        log("ok", msg);
      } else {
        undoLocal(item);
        if (j.type === "unknown_person") { showWalkin(item.scan); }
        flash("bad", j.title || ("HTTP " + j._status)); log("bad", item.scan + ": " + (j.title || j._status));
      }
      render(); flush();
    }, function () {
      sending = false; setNet(false); render();
      if (!item.logged) { item.logged = true; save(); log("wait", (item.scan || item.barcode) + ": " + T.queued); }
      setTimeout(flush, 3000);
    });
  }
  function undoLocal(item) {
    // A refused scan did not take a place in the tube: give it back locally.
    if (state.tube && state.tube.barcode === item.tube && state.tube.count > 0) state.tube.count -= 1;
  }
  function showWalkin(id) {
    var f = document.getElementById("walkin"); f.hidden = false;
    document.getElementById("walkin-id").value = id; document.getElementById("walkin-id-show").textContent = id;
    document.getElementById("walkin-name").focus();
  }
  document.getElementById("walkin").addEventListener("submit", function (e) {
    e.preventDefault();
    var id = document.getElementById("walkin-id").value;
    post(root.dataset.walkin, { id_number: id, name: document.getElementById("walkin-name").value,
      phone: document.getElementById("walkin-phone").value }).then(function (j) {
      if (j.ok) { document.getElementById("walkin").hidden = true; document.getElementById("walkin-name").value = "";
        input.focus(); if (state.tube) enqueue(id); else flash("warn", T.noTube); }
      else { flash("bad", j.title); }
    });
  });
  document.getElementById("walkin-cancel").addEventListener("click", function () { document.getElementById("walkin").hidden = true; input.focus(); });
  document.getElementById("close-tube").addEventListener("click", function () { closeTube(); input.focus(); });
  document.getElementById("scan-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var code = input.value.replace(/\s+/g, "").toUpperCase(); input.value = "";
    if (!code) return;
    if (TUBE.test(code)) {
      if (state.tube && state.tube.barcode === code) { flash("warn", T.opened + " " + code); return; }
      openTube(code);
    } else if (CODE.test(code) || ID.test(code)) {
      if (!state.tube) { flash("bad", T.noTube); log("bad", T.noTube); return; }
      enqueue(code);
    } else if (BOX.test(code)) { flash("bad", T.box); log("bad", T.box); }
    else { flash("bad", T.badFormat); log("bad", code.slice(0, 30) + ": " + T.badFormat); }
  });
  // Keep the scanner's keystrokes landing in the input.
  document.addEventListener("click", function (e) { if (!e.target.closest("#walkin, button, label, a, select")) input.focus(); });
  window.addEventListener("online", function () { setNet(true); flush(); });
  window.addEventListener("offline", function () { setNet(false); });
  setInterval(flush, 5000);
  render(); flush(); input.focus();
})();
