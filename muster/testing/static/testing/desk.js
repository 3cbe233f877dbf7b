/* The registration desk: a keyboard-wedge scanner types a code and presses Enter.
   Every action (open a tube, scan a person, close a tube, register a walk-in) goes through one
   ordered queue kept in localStorage, so a network drop, an ended session or a page reload loses
   nothing, and a close can never overtake the scans before it. An item leaves the queue only on
   a definite answer for that item: recorded (2xx), or refused for a reason of the domain (a JSON
   problem with a 4xx status about the item). A redirect, a page instead of JSON, 401, 403, 429
   or 5xx says nothing about the item: it stays, the clerk is told why, and it is sent again.
   Resends are safe: scans and walk-ins carry idempotency keys, opening an open tube resumes it
   and closing a closed tube answers it again. */
(function () {
  "use strict";
  var root = document.getElementById("desk");
  var T = JSON.parse(document.getElementById("desk-i18n").textContent);
  var input = document.getElementById("scan");
  var KEY = "muster.desk." + root.dataset.point;
  var TUBE = /^T\d{6,12}$/, BOX = /^B\d{4,12}$/, CODE = /^MP[2-9A-HJKMNP-Z]{12}$/, ID = /^\d{17}[\dX]$/;
  // Problems that are about the desk or the account, not about the item: keep the item.
  var NOT_ABOUT_ITEM = { not_found: 1, forbidden: 1, unauthenticated: 1, csrf: 1, throttled: 1, method_not_allowed: 1 };
  var state = load();
  var sending = false, audio = null, done = 0;
  var hold = { reason: "", until: 0, tries: 0 };

  function load() {
    var s = null;
    try { s = JSON.parse(localStorage.getItem(KEY)); } catch (e) { s = null; }
    s = s || {};
    return { tube: s.tube || null, full: s.full || null, queue: s.queue || [] };
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
  function waiting(text) {
    var n = state.queue.length;
    return text.replace("{n}", n);
  }
  function render() {
    var t = state.tube;
    document.getElementById("tube").textContent = t ? t.barcode : "—";
    document.getElementById("count").textContent = t ? t.count : 0;
    document.getElementById("capacity").textContent = t ? t.capacity : root.dataset.pool;
    document.getElementById("meter").style.width = t ? (100 * t.count / t.capacity) + "%" : "0";
    document.getElementById("queued").textContent = state.queue.length;
    document.getElementById("done").textContent = done;
    var a = document.getElementById("alert");
    if (hold.reason && hold.reason !== "offline" && state.queue.length) {
      a.hidden = false; a.dataset.reason = hold.reason;
      document.getElementById("alert-text").textContent = waiting(T[hold.reason]);
      document.getElementById("signin").hidden = !(hold.reason === "signedOut" || hold.reason === "stale");
    } else { a.hidden = true; a.dataset.reason = ""; }
    // While items wait for a reason other than the network, the alert is the one message: an
    // older green "sampled" or "opened" below it must not read as "all is well".
    document.getElementById("flash").hidden = !a.hidden;
  }
  function setNet(kind) {
    var n = document.getElementById("net");
    n.textContent = kind === "online" ? T.online : kind === "offline" ? T.offline : T.notSent;
    n.className = "big " + (kind === "online" ? "ok-text" : "bad-text");
  }
  function csrf() {
    // Read at send time: signing in again (here or in another tab) rotates the token, and a
    // resend must carry the new one, not the one this page was served with.
    var name = root.dataset.csrfCookie || "csrftoken";
    var m = document.cookie.match(new RegExp("(?:^|;\\s*)" + name + "=([^;]*)"));
    return m ? decodeURIComponent(m[1]) : root.dataset.csrf;
  }
  function request(item) {
    var url, body;
    if (item.kind === "open") { url = root.dataset.open; body = { barcode: item.barcode, single: item.single, key: item.key }; }
    else if (item.kind === "scan") { url = root.dataset.scan; body = { tube: item.tube, scan: item.scan, key: item.key }; }
    else if (item.kind === "close") { url = root.dataset.close.replace("/TUBE/", "/" + encodeURIComponent(item.barcode) + "/"); body = {}; }
    else { url = root.dataset.walkin; body = { id_number: item.id_number, name: item.name, phone: item.phone, key: item.key }; }
    var ctl = window.AbortController ? new AbortController() : null;
    var timer = ctl ? setTimeout(function () { ctl.abort(); }, 20000) : null;
    return fetch(url, { method: "POST", credentials: "same-origin", redirect: "manual", signal: ctl ? ctl.signal : undefined,
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body) })
      .then(function (r) {
        clearTimeout(timer);
        var answer = { status: r.status, redirect: r.type === "opaqueredirect", retryAfter: parseInt(r.headers.get("Retry-After") || "0", 10) };
        var json = (r.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        if (!json) return answer;
        return r.json().then(function (j) { answer.body = j; return answer; }, function () { return answer; });
      }, function (e) { clearTimeout(timer); throw e; });
  }
  // What an answer means for the item at the head of the queue.
  function verdict(a) {
    if (a.redirect) return "signedOut";  // a login redirect from a server that predates JSON answers
    if (!a.body) return "server";         // a page, not an answer: a proxy, a portal, a crash
    if (a.status >= 200 && a.status < 300) return "done";
    if (a.status === 401) return "signedOut";
    if (a.status === 403) return a.body.type === "csrf" ? "stale" : "forbidden";
    if (a.status === 429 || a.status >= 500) return "server";
    if (a.status >= 400 && a.body.type && !NOT_ABOUT_ITEM[a.body.type]) return "refused";
    return a.status === 404 ? "forbidden" : "server";
  }
  function pause(reason, seconds) {
    hold.reason = reason; hold.tries += 1;
    hold.until = Date.now() + 1000 * seconds;
    setNet(reason === "offline" ? "offline" : "notSent");
    render();
  }
  function flush(force) {
    if (sending || !state.queue.length) { if (!state.queue.length) { hold.reason = ""; render(); } return; }
    if (!force && Date.now() < hold.until) return;
    sending = true;
    var item = state.queue[0];
    request(item).then(function (a) {
      sending = false;
      var v = verdict(a);
      if (v !== "done" && v !== "refused") {
        var before = hold.reason;
        var backoff = Math.min(30, 2 * Math.pow(2, Math.min(hold.tries, 4)));
        pause(v, a.retryAfter || (v === "server" ? backoff : v === "stale" ? 2 : 5));
        if (before !== v) {
          beep(false);
          log("wait", waiting(T[v]) + (a.body && a.body.title ? " (" + a.body.title + ")" : " (HTTP " + a.status + ")"));
        }
        return;
      }
      hold = { reason: "", until: 0, tries: 0 }; setNet("online");
      state.queue.shift();
      if (v === "done") answered(item, a.body); else refused(item, a.body);
      save(); render(); flush(true);
    }, function () {
      sending = false; pause("offline", 3);
      if (!item.logged) { item.logged = true; save(); log("wait", label(item) + ": " + T.queued); }
    });
  }
  function label(item) {
    return item.kind === "scan" ? item.scan : item.kind === "walkin" ? item.id_number : item.barcode;
  }
  function answered(item, j) {
    if (item.kind === "open") {
      if (state.tube && state.tube.barcode === j.barcode) {
        state.tube.capacity = j.capacity; state.tube.count = Math.max(state.tube.count, j.count);
      }
    } else if (item.kind === "close") {
      var m = j.barcode + " " + T.closed + " (" + j.count + "/" + j.capacity + ")";
      flash("warn", m); log("ok", m);
    } else if (item.kind === "walkin") {
      log("ok", T.walkinDone + ": " + j.person);
    } else {
      done += 1;
      document.getElementById("last").textContent = j.person;
      var msg = T.sampled + ": " + j.person + " → " + j.tube.barcode + " (" + j.tube.count + "/" + j.tube.capacity + ")";
      var closed = j.tube.status === "closed";
      if (closed) {
        msg += " · " + T.full;
        if (state.tube && state.tube.barcode === j.tube.barcode) state.tube = null;
        if (state.full && state.full.barcode === j.tube.barcode) state.full = null;
      } else if (state.tube && state.tube.barcode === j.tube.barcode) {
        state.tube.count = Math.max(state.tube.count, j.tube.count);
      }
      flash(closed ? "warn" : "ok", msg); if (closed) beep(true);
      log("ok", msg);
    }
  }
  function refused(item, j) {
    var title = j.title || ("HTTP " + j.status);
    if (item.kind === "open") {
      if (state.tube && state.tube.barcode === item.barcode) state.tube = null;
    } else if (item.kind === "scan") {
      if (j.type === "tube_closed" || j.type === "tube_used" || j.type === "tube_unknown") {
        if (state.tube && state.tube.barcode === item.tube) state.tube = null;
      } else {
        giveBack(item);
        if (j.type === "unknown_person") showWalkin(item.scan);
      }
    }
    flash("bad", title); log("bad", label(item) + ": " + title);
  }
  function giveBack(item) {
    // A refused scan took no place in the tube. If it was counted as the last place, the desk had
    // already moved the tube aside as full: bring it back, so that the walk-in can take the place.
    if (state.tube && state.tube.barcode === item.tube) {
      state.tube.count = Math.max(0, state.tube.count - 1);
    } else if (!state.tube && state.full && state.full.barcode === item.tube) {
      state.tube = state.full; state.full = null;
      state.tube.count = Math.max(0, state.tube.count - 1);
    }
  }
  function push(item) { state.queue.push(item); save(); render(); flush(true); }
  function openTube(code) {
    var single = document.getElementById("single").checked;
    document.getElementById("single").checked = false;
    state.tube = { barcode: code, count: 0, capacity: single ? 1 : parseInt(root.dataset.pool, 10) };
    state.full = null;
    flash("ok", T.opened + " " + code); log("ok", T.opened + " " + code);
    push({ kind: "open", key: uid(), barcode: code, single: single });
  }
  function closeTube() {
    if (!state.tube) return;
    var code = state.tube.barcode;
    state.tube = null; state.full = null;
    // Queued behind the scans already waiting, so that they reach the tube before it closes.
    flash("warn", code + " " + T.closing); log("ok", code + " " + T.closing);
    push({ kind: "close", key: uid(), barcode: code });
  }
  function enqueue(scan) {
    var t = state.tube;
    // Count locally so the desk knows when the tube is full even while offline.
    t.count += 1;
    if (t.count >= t.capacity) { state.full = t; state.tube = null; }
    push({ kind: "scan", key: uid(), tube: t.barcode, scan: scan });
  }
  function showWalkin(id) {
    var f = document.getElementById("walkin"); f.hidden = false;
    document.getElementById("walkin-id").value = id; document.getElementById("walkin-id-show").textContent = id;
    document.getElementById("walkin-name").focus();
  }
  document.getElementById("walkin").addEventListener("submit", function (e) {
    e.preventDefault();
    var id = document.getElementById("walkin-id").value;
    var name = document.getElementById("walkin-name").value.trim();
    if (!name) return;
    document.getElementById("walkin").hidden = true; document.getElementById("walkin-name").value = "";
    var phone = document.getElementById("walkin-phone").value; document.getElementById("walkin-phone").value = "";
    input.focus();
    state.queue.push({ kind: "walkin", key: uid(), id_number: id, name: name, phone: phone });
    // The walk-in's swab goes into the open tube, behind the registration in the queue.
    if (state.tube) enqueue(id); else { save(); render(); flush(true); flash("warn", T.noTube); }
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
      if (!state.tube) { var m = state.full ? T.full : T.noTube; flash("bad", m); log("bad", m); return; }
      enqueue(code);
    } else if (BOX.test(code)) { flash("bad", T.box); log("bad", T.box); }
    else { flash("bad", T.badFormat); log("bad", code.slice(0, 30) + ": " + T.badFormat); }
  });
  // Keep the scanner's keystrokes landing in the input.
  document.addEventListener("click", function (e) { if (!e.target.closest("#walkin, button, label, a, select")) input.focus(); });
  // Back online, or back from signing in in another tab: try at once.
  window.addEventListener("online", function () { flush(true); });
  window.addEventListener("offline", function () { setNet("offline"); });
  window.addEventListener("focus", function () { flush(true); });
  document.addEventListener("visibilitychange", function () { if (!document.hidden) flush(true); });
  setInterval(function () { flush(false); }, 1000);
  render(); flush(true); input.focus();
})();
