/* natalli_scenario: individual reflection, and the versioned team note (409 = someone saved first). */
function NatalliScenario(runtime, element, args) {
  "use strict";
  var C = window.NatalliCommon;
  var root = C.rootOf(element);
  var t = args.strings || {};
  var complete = root.querySelector("[data-role=complete]");

  function done(body) { if (complete && body && body.completed) { complete.hidden = false; } }
  function failed(status, res) {
    C.setStatus(status, (res.body && res.body.message) || t["Could not save. Please try again."], "error");
  }
  function offline(status) {
    return function () {
      C.setStatus(status, t["You are offline or the server did not answer. Your text is still here; please try again."], "error");
    };
  }

  var reflection = root.querySelector("[data-role=reflection-form]");
  if (reflection) {
    var rStatus = reflection.querySelector("[data-role=status]");
    reflection.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = reflection.querySelector("textarea").value;
      if (!text.trim()) { C.setStatus(rStatus, t["Please write something before saving."], "error"); return; }
      C.setStatus(rStatus, t["Saving…"], "busy");
      C.post(runtime.handlerUrl(element, "save_reflection"), {text: text}).then(function (res) {
        if (res.status === 200) {
          C.setStatus(rStatus, t["Saved."], "ok");
          var eraseButton = reflection.querySelector("button[data-action=erase]");
          if (eraseButton) { eraseButton.hidden = false; }
          done(res.body);
        }
        else { failed(rStatus, res); }
      }).catch(offline(rStatus));
    });
  }

  var erase = reflection && reflection.querySelector("button[data-action=erase]");
  if (erase) {
    var eStatus = reflection.querySelector("[data-role=status]");
    erase.addEventListener("click", function () {
      if (!window.confirm(t["Delete your answers? This cannot be undone."])) { return; }
      C.post(runtime.handlerUrl(element, "erase_reflection"), {confirm: true}).then(function (res) {
        if (res.status !== 200) { failed(eStatus, res); return; }
        reflection.querySelector("textarea").value = "";
        erase.hidden = true;
        C.setStatus(eStatus, t["Your answers are deleted."], "ok");
        reflection.querySelector("textarea").focus();
      }).catch(offline(eStatus));
    });
  }

  var note = root.querySelector("[data-role=note-form]");
  if (note) {
    var nStatus = note.querySelector("[data-role=note-status]");
    var conflict = note.querySelector("[data-role=conflict]");
    var conflictText = note.querySelector("[data-role=conflict-text]");
    note.addEventListener("submit", function (event) {
      event.preventDefault();
      var version = parseInt(note.getAttribute("data-version"), 10) || 0;
      C.setStatus(nStatus, t["Saving…"], "busy");
      C.post(runtime.handlerUrl(element, "save_note"), {
        text: note.querySelector("textarea").value, version: version
      }).then(function (res) {
        if (res.status === 200) {
          note.setAttribute("data-version", res.body.note.version);
          conflict.hidden = true;
          C.setStatus(nStatus, t["Saved."], "ok");
          done(res.body);
          // All teams' notes share one server field: a moment later, read ours back, which lets the
          // server restore it from this learner's copy if another team's save overwrote it meanwhile.
          window.setTimeout(function () {
            C.post(runtime.handlerUrl(element, "get_note"), {}).catch(function () {});
          }, 1500);
        } else if (res.status === 409 && res.body.note) {
          // Keep the learner's text; show the newer version; the next save deliberately replaces it.
          note.setAttribute("data-version", res.body.note.version);
          conflictText.textContent = res.body.note.text;
          conflict.hidden = false;
          C.setStatus(nStatus, res.body.message, "error");
        } else { failed(nStatus, res); }
      }).catch(offline(nStatus));
    });
  }
}
