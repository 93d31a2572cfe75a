/* Progressive enhancement for activity pages. Without this script every form still works by plain POST.
 * - [data-autosave-url] textareas save as the learner types (debounced) and say so in an aria-live region.
 * - [data-keep] forms and autosaved fields keep unsaved text in localStorage, so a dropped connection or an
 *   expired launch never loses words; the page says "your text is kept — re-open the activity".
 * - [data-timer-ends] shows a countdown; [data-run-session] drives the live session view.
 */
(function () {
  "use strict";
  var root = document.querySelector("[data-owner]");
  var owner = root ? root.getAttribute("data-owner") : "anon";
  var msgs = document.getElementById("js-messages");
  function t(key) { return msgs ? (msgs.getAttribute("data-" + key) || key) : key; }
  function storeKey(id) { return "natalli:" + owner + ":" + id; }
  function keep(id, text) { try { localStorage.setItem(storeKey(id), JSON.stringify({ text: text, at: Date.now() })); } catch (e) { /* storage full or blocked */ } }
  function kept(id) { try { var v = localStorage.getItem(storeKey(id)); return v ? JSON.parse(v) : null; } catch (e) { return null; } }
  function forget(id) { try { localStorage.removeItem(storeKey(id)); } catch (e) { /* ignore */ } }
  function csrf() { var m = document.querySelector('meta[name="csrf-token"]'); return m ? m.content : ""; }
  function setStatus(el, text, level) { if (!el) return; el.textContent = text; el.className = "status" + (level ? " " + level : ""); }

  // ---- autosave -------------------------------------------------------------------------------------
  document.querySelectorAll("textarea[data-autosave-url]").forEach(function (area) {
    var id = area.getAttribute("data-keep-id");
    var status = document.getElementById(area.getAttribute("data-status"));
    // defaultValue is the text the server sent; area.value may differ already.
    var timer = null, lastSent = area.defaultValue, inFlight = false, again = false;
    var local = kept(id);
    if (local && local.text !== area.value && local.text.trim() !== "") {
      area.value = local.text;
      setStatus(status, t("restored"), "warn");
      schedule(200);
    } else if (area.value !== area.defaultValue) {
      // Typed before this script arrived (a slow connection), or put back by the browser's history: save it.
      keep(id, area.value);
      setStatus(status, t("unsaved"), "");
      schedule(200);
    }
    function save() {
      if (inFlight) { again = true; return; }
      var text = area.value;
      if (text === lastSent) return;
      inFlight = true;
      setStatus(status, t("saving"), "");
      var body = new FormData(); body.append("text", text); body.append("csrf_token", csrf());
      fetch(area.getAttribute("data-autosave-url"), { method: "POST", body: body, headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) {
          return r.json().catch(function () { return {}; }).then(function (data) { return { ok: r.ok, status: r.status, data: data }; });
        })
        .then(function (res) {
          if (res.ok) {
            lastSent = text;
            if (area.value === text) forget(id);
            setStatus(status, res.data.label || t("saved"), "ok");
          } else if (res.status === 401) {
            setStatus(status, t("expired"), "err"); showKept();
          } else {
            setStatus(status, (res.data && res.data.message) || t("failed"), "err"); showKept();
          }
        })
        .catch(function () { setStatus(status, t("offline"), "err"); showKept(); })
        .then(function () { inFlight = false; if (again) { again = false; schedule(1500); } });
    }
    function schedule(ms) { clearTimeout(timer); timer = setTimeout(save, ms); }
    area.addEventListener("input", function () { keep(id, area.value); setStatus(status, t("unsaved"), ""); schedule(1200); });
    area.addEventListener("blur", function () { schedule(0); });
  });

  function showKept() {
    var box = document.getElementById("kept-notice");
    if (box) { box.hidden = false; }
  }

  // ---- keep text of plain forms ----------------------------------------------------------------------
  document.querySelectorAll("form[data-keep]").forEach(function (form) {
    var base = form.getAttribute("data-keep");
    var fields = form.querySelectorAll("textarea, input[type=text]");
    fields.forEach(function (f) {
      var id = base + ":" + (f.name || f.id);
      var local = kept(id);
      if (local && local.text !== f.value && local.text.trim() !== "" && f.value.trim() === "") {
        f.value = local.text; showRestored(form);
      }
      f.addEventListener("input", function () { keep(id, f.value); });
    });
    form.addEventListener("submit", function (ev) {
      if (!window.fetch || form.hasAttribute("data-no-fetch")) return;
      ev.preventDefault();
      var submitter = ev.submitter || null;
      var status = form.querySelector(".status");
      var data = new FormData(form);
      if (submitter && submitter.name) data.append(submitter.name, submitter.value);
      setStatus(status, t("saving"), "");
      fetch(form.action, { method: "POST", body: data, credentials: "same-origin" }).then(function (r) {
        if (r.ok) {
          fields.forEach(function (f) { forget(base + ":" + (f.name || f.id)); });
          window.location.assign(r.url);
          return;
        }
        if (r.status === 401) { setStatus(status, t("expired"), "err"); showKept(); return; }
        if (r.status === 400 || r.status === 409 || r.status === 413) {
          // The server explains (conflict, too long, …): let the browser show its page; text stays kept.
          form.setAttribute("data-no-fetch", "");
          if (form.requestSubmit) form.requestSubmit(submitter || undefined); else form.submit();
          return;
        }
        setStatus(status, t("failed"), "err"); showKept();
      }).catch(function () { setStatus(status, t("offline"), "err"); showKept(); });
    });
  });
  function showRestored(form) {
    var status = form.querySelector(".status");
    setStatus(status, t("restored"), "warn");
  }

  // ---- group note: notice newer versions saved by group members -------------------------------------
  document.querySelectorAll("form[data-note-url]").forEach(function (form) {
    var area = form.querySelector("textarea"), version = form.querySelector('input[name="version"]');
    var status = form.querySelector(".status"), original = area.value, warned = false;
    function poll() {
      fetch(form.getAttribute("data-note-url"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (note) {
          if (!note || String(note.version) === version.value) return;
          if (area.value === original) {
            // Nothing typed here yet: take the group's text and its version.
            area.value = original = note.text; version.value = note.version;
            setStatus(status, form.getAttribute("data-note-updated"), "ok");
          } else if (!warned) {
            warned = true;
            setStatus(status, form.getAttribute("data-note-newer"), "warn");
          }
        })
        .catch(function () { /* offline: the save itself will report */ });
    }
    setInterval(poll, 20000);
  });

  // ---- print buttons (hidden without script; the browser's own print works anyway) ----------------------
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
  });

  // ---- countdown timers ------------------------------------------------------------------------------
  function fmt(sec) {
    var s = Math.max(0, Math.round(sec)), m = Math.floor(s / 60), r = s % 60;
    return m + ":" + (r < 10 ? "0" : "") + r;
  }
  document.querySelectorAll("[data-timer-ends]").forEach(function (el) {
    var ends = Date.parse(el.getAttribute("data-timer-ends"));
    var out = el.querySelector(".timer"), live = el.querySelector("[aria-live]");
    var announced = false;
    function tick() {
      var left = (ends - Date.now()) / 1000;
      out.textContent = fmt(left);
      if (left <= 0 && !announced) { announced = true; if (live) live.textContent = t("timeup"); return; }
      if (left > 0) setTimeout(tick, 1000);
    }
    tick();
  });

  // ---- run session -----------------------------------------------------------------------------------
  var run = document.querySelector("[data-run-session]");
  if (run) {
    var items = Array.prototype.slice.call(run.querySelectorAll("[data-step-minutes]"));
    var clock = document.getElementById("run-clock"), now = document.getElementById("run-current");
    var live = document.getElementById("run-live");
    var idx = 0, left = items.length ? Number(items[0].getAttribute("data-step-minutes")) * 60 : 0, ticking = null;
    var btnStart = document.getElementById("run-start"), btnNext = document.getElementById("run-next"), btnPrev = document.getElementById("run-prev");
    run.hidden = false;
    function show(announce) {
      items.forEach(function (li, i) {
        li.classList.toggle("current-step", i === idx);
        if (i === idx) li.setAttribute("aria-current", "step"); else li.removeAttribute("aria-current");
      });
      now.textContent = items[idx] ? items[idx].getAttribute("data-step-title") : "";
      clock.textContent = fmt(left);
      if (announce && live) live.textContent = now.textContent;
    }
    function go(i) { idx = Math.max(0, Math.min(items.length - 1, i)); left = Number(items[idx].getAttribute("data-step-minutes")) * 60; show(true); }
    btnStart.addEventListener("click", function () {
      if (ticking) { clearInterval(ticking); ticking = null; btnStart.textContent = t("start"); return; }
      btnStart.textContent = t("pause");
      ticking = setInterval(function () {
        left -= 1; clock.textContent = fmt(left);
        if (left === 0 && live) live.textContent = t("steptimeup");
      }, 1000);
    });
    btnNext.addEventListener("click", function () { go(idx + 1); });
    btnPrev.addEventListener("click", function () { go(idx - 1); });
    show(false);
  }

  // A region that follows the server while the page is open (a trainer's practice round: peers' feedback
  // arrives while she writes her self-reflection, which a reload would put at risk).
  document.querySelectorAll("[data-refresh-url]").forEach(function (region) {
    if (!window.fetch) return;
    var url = region.getAttribute("data-refresh-url");
    function words(text) { return text.replace(/\s+/g, " ").trim(); }
    setInterval(function () {
      if (document.hidden) return;
      fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html === null) return;
          var fresh = document.createElement("template");
          fresh.innerHTML = html;
          // Replaced only when what it says changed, so a screen reader announces new feedback once.
          if (words(fresh.content.textContent) !== words(region.textContent)) region.innerHTML = html;
        })
        .catch(function () { /* offline: the link below the list still works */ });
    }, 15000);
  });
})();
