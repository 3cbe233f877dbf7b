/* The visitor's walk list, offline first: every visit is saved on the phone (localStorage) with an
   idempotency key, then sent in batches. An item leaves the queue only on a definite answer for that
   item (recorded, replayed, conflict, or refused with a reason); a failed batch (no network, signed
   out, stale token, server error) keeps everything and is tried again. */
(function () {
  "use strict";
  var root = document.getElementById("cv-root");
  if (!root) return;
  var data = JSON.parse(document.getElementById("cv-data").textContent);
  var T = JSON.parse(document.getElementById("cv-words").textContent);
  var QKEY = "muster.canvass.queue." + data.user;
  var DKEY = "muster.canvass.doors." + data.user + "." + data.list;
  var BATCH = 50;
  var sending = false, current = null, people = [];

  function load(k, d) { try { return JSON.parse(localStorage.getItem(k)) || d; } catch (e) { return d; } }
  function save(k, v) { localStorage.setItem(k, JSON.stringify(v)); }
  function queue() { return load(QKEY, []); }
  var local = load(DKEY, {});  // door id -> status recorded here (shown until the page is reloaded from the server)

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var s = ""; for (var i = 0; i < 32; i++) s += Math.floor(Math.random() * 16).toString(16);
    return s;
  }
  function el(tag, attrs, text) {
    var n = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { n.setAttribute(k, attrs[k]); });
    if (text !== undefined) n.textContent = text;
    return n;
  }
  function msg(t, bad) { var m = document.getElementById("cv-msg"); m.textContent = t || ""; m.className = "small" + (bad ? " bad-text" : ""); }
  function net(online) { document.getElementById("cv-net").textContent = online ? T.online : T.offline; }

  function label(code) { for (var i = 0; i < data.results.length; i++) if (data.results[i].code === code) return data.results[i].label; return code; }
  function renderDoors() {
    var q = queue(), pending = {};
    q.forEach(function (it) { pending[it.door] = it; });
    document.getElementById("cv-queue").textContent = q.length;
    var ul = document.getElementById("cv-doors");
    ul.textContent = "";
    data.doors.forEach(function (d) {
      var st = pending[d.id] ? "queued" : (local[d.id] || d.status);
      var li = el("li");
      var b = el("button", { type: "button", "class": "secondary st-" + (st === "completed" || st === "pending" || st === "queued" ? st : "other"),
                              "data-door": d.id });
      b.appendChild(el("span", {}, [d.building, d.unit, d.room].filter(Boolean).join(" · ")));
      b.appendChild(el("span", { "class": "small" }, pending[d.id] ? label(pending[d.id].result) + " (" + T.queued + ")"
        : (local[d.id] ? label(local[d.id]) : d.status_label)));
      b.addEventListener("click", function () { open(d); });
      li.appendChild(b); ul.appendChild(li);
    });
  }

  function questionInput(q, pi) {
    var wrap = el("label", {}, q.label + " ");
    var name = "p" + pi + "-" + q.key, input;
    if (q.type === "yesno") {
      input = el("select", { name: name, "data-q": q.key, "data-t": q.type });
      [["", "—"], ["true", T.yes], ["false", T.no]].forEach(function (o) { input.appendChild(el("option", { value: o[0] }, o[1])); });
    } else if (q.type === "choice" || q.type === "multi") {
      input = el("select", { name: name, "data-q": q.key, "data-t": q.type });
      if (q.type === "multi") input.multiple = true; else input.appendChild(el("option", { value: "" }, "—"));
      q.choices.forEach(function (c) { input.appendChild(el("option", { value: c }, (data.choice_labels || {})[c] || c)); });
    } else {
      input = el("input", { name: name, "data-q": q.key, "data-t": q.type, type: q.type === "date" ? "date" : "text" });
    }
    wrap.appendChild(input);
    return wrap;
  }
  function personBox(p, pi) {
    var box = el("div", { "class": "cv-person", "data-pi": pi });
    if (p.id) {
      var l = el("label"); var cb = el("input", { type: "checkbox", "data-met": "1" });
      l.appendChild(cb); l.appendChild(document.createTextNode(" " + p.name + " · " + T.met)); box.appendChild(l);
    } else {
      var ln = el("label", {}, T.name + " "); ln.appendChild(el("input", { "data-name": "1", maxlength: "60" })); box.appendChild(ln);
    }
    data.questions.forEach(function (q) { box.appendChild(questionInput(q, pi)); });
    return box;
  }
  function open(d) {
    current = d; people = d.people.map(function (p) { return { id: p.id, name: p.name }; });
    document.getElementById("cv-door-title").textContent = [d.building, d.unit, d.room].filter(Boolean).join(" · ") +
      (d.rounds ? " · " + T.round + " " + (d.rounds + 1) : "");
    var rs = document.getElementById("cv-results"); rs.textContent = "";
    rs.className = "cv-results";
    data.results.forEach(function (r) {
      var l = el("label"); var i = el("input", { type: "radio", name: "result", value: r.code });
      i.addEventListener("change", togglePeople);
      l.appendChild(i); l.appendChild(document.createTextNode(" " + r.label)); rs.appendChild(l);
    });
    var box = document.getElementById("cv-people"); box.textContent = "";
    people.forEach(function (p, i) { box.appendChild(personBox(p, i)); });
    document.getElementById("cv-note").value = "";
    document.getElementById("cv-form-error").textContent = "";
    document.getElementById("cv-people-box").hidden = true;
    document.getElementById("cv-form").hidden = false;
    document.getElementById("cv-doors").hidden = true;
    window.scrollTo(0, 0);
  }
  function close() { document.getElementById("cv-form").hidden = true; document.getElementById("cv-doors").hidden = false; current = null; }
  function chosen() { var c = document.querySelector("#cv-results input:checked"); return c ? c.value : ""; }
  function togglePeople() { document.getElementById("cv-people-box").hidden = chosen() !== "completed"; }

  function collect() {
    var out = [];
    document.querySelectorAll("#cv-people .cv-person").forEach(function (box) {
      var p = people[parseInt(box.dataset.pi, 10)], answers = {};
      box.querySelectorAll("[data-q]").forEach(function (i) {
        var v;
        if (i.dataset.t === "yesno") v = i.value === "" ? null : i.value === "true";
        else if (i.dataset.t === "multi") v = Array.prototype.filter.call(i.options, function (o) { return o.selected; }).map(function (o) { return o.value; });
        else v = i.value || null;
        if (v !== null && !(Array.isArray(v) && !v.length)) answers[i.dataset.q] = v;
      });
      if (p.id) { if (box.querySelector("[data-met]").checked) out.push({ person_id: p.id, answers: answers }); }
      else { var n = box.querySelector("[data-name]").value.trim(); if (n) out.push({ name: n, answers: answers }); }
    });
    return out;
  }
  function submit(ev) {
    ev.preventDefault();
    var r = chosen();
    if (!r) { document.getElementById("cv-form-error").textContent = T.pick; return; }
    var q = queue();
    q.push({ key: uuid(), door: current.id, result: r, recorded_at: new Date().toISOString(),
             people: r === "completed" ? collect() : [], note: document.getElementById("cv-note").value.trim() });
    save(QKEY, q);
    local[current.id] = r; save(DKEY, local);
    close(); renderDoors(); msg(T.saved);
    flush();
  }

  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]*)/);
    return m ? decodeURIComponent(m[1]) : root.dataset.csrf;
  }
  function flush() {
    var q = queue();
    if (sending || !q.length) { renderDoors(); return; }
    sending = true;
    var batch = q.slice(0, BATCH);
    fetch(root.dataset.sync, { method: "POST", credentials: "same-origin", redirect: "manual",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ visits: batch }) })
      .then(function (r) {
        var json = (r.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        return (json ? r.json() : Promise.resolve(null)).then(function (b) { return { status: r.status, body: b, redirect: r.type === "opaqueredirect" }; });
      })
      .then(function (a) {
        sending = false; net(true);
        if (a.redirect || a.status === 401) { msg(T.signedOut, true); return; }
        if (a.status === 403 && a.body && a.body.type === "csrf") { msg(T.stale, true); return; }
        if (a.status !== 200 || !a.body || !a.body.results) { msg((a.body && a.body.title) || String(a.status), true); return; }
        var done = {}, notes = [];
        a.body.results.forEach(function (res) {
          done[res.key] = res;
          if (res.outcome === "conflict") notes.push(T.conflict);
          else if (res.outcome === "refused") notes.push(res.title + (res.field ? " (" + res.field + ")" : ""));
        });
        // Re-read: visits saved while the batch was out stay in the queue.
        save(QKEY, queue().filter(function (it) { return !done[it.key]; }));
        renderDoors();
        msg(notes.length ? notes.join(" · ") : (queue().length ? "" : T.sent), notes.length > 0);
        if (queue().length) setTimeout(flush, 200);
      }, function () { sending = false; net(false); renderDoors(); });
  }

  document.getElementById("cv-form").addEventListener("submit", submit);
  document.getElementById("cv-cancel").addEventListener("click", close);
  document.getElementById("cv-send").addEventListener("click", flush);
  document.getElementById("cv-add-person").addEventListener("click", function () {
    people.push({ id: null, name: "" });
    document.getElementById("cv-people").appendChild(personBox(people[people.length - 1], people.length - 1));
  });
  // A household the registry lacks: added online only (it needs a door id from the server).
  var bsel = document.getElementById("cv-new-building"), seenB = {};
  data.doors.forEach(function (d) {
    if (d.building_id && !seenB[d.building_id]) { seenB[d.building_id] = 1; bsel.appendChild(el("option", { value: d.building_id }, d.building)); }
  });
  document.getElementById("cv-door-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var out = document.getElementById("cv-door-msg");
    fetch(ev.target.dataset.url, { method: "POST", credentials: "same-origin", redirect: "manual",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ building: parseInt(bsel.value, 10), unit: document.getElementById("cv-new-unit").value.trim(),
                             room: document.getElementById("cv-new-room").value.trim() }) })
      .then(function (r) { return r.json().then(function (b) { return { status: r.status, body: b }; }); })
      .then(function (a) {
        if (a.status === 201) {
          data.doors.push(a.body); renderDoors(); out.textContent = "";
          document.getElementById("cv-new-room").value = ""; open(a.body);
        } else { out.textContent = (a.body && a.body.title) || String(a.status); }
      }, function () { out.textContent = T.needsNetwork; });
  });
  window.addEventListener("online", function () { net(true); flush(); });
  window.addEventListener("offline", function () { net(false); });
  setInterval(flush, 15000);
  if (!navigator.onLine) net(false);
  renderDoors();
  flush();
})();
