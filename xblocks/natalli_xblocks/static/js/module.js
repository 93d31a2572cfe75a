/* natalli_module: section-by-section reading with keyboard-friendly navigation, and the reflection form. */
function NatalliModule(runtime, element, args) {
  "use strict";
  var C = window.NatalliCommon;
  var root = C.rootOf(element);
  var t = args.strings || {};
  var sections = Array.prototype.slice.call(root.querySelectorAll("section.natalli-section"));
  var links = Array.prototype.slice.call(root.querySelectorAll(".natalli-toc a[data-section]"));
  var progress = root.querySelector("[data-role=progress]");
  var complete = root.querySelector("[data-role=complete]");
  var form = root.querySelector("[data-role=reflection-form]");
  var status = root.querySelector("[data-role=status]");

  function update(state) {
    if (!state || !state.visited) { return; }
    state.visited.forEach(function (id) {
      var mark = root.querySelector('[data-visited-for="' + id + '"]');
      if (mark) { mark.hidden = false; }
    });
    if (progress) {
      progress.textContent = C.format(t["{done} of {total} sections read"] || "{done} of {total}", {
        done: state.visited.filter(function (id) {
          return sections.some(function (s) { return s.getAttribute("data-section") === id; });
        }).length,
        total: sections.length
      });
    }
    if (complete) { complete.hidden = !state.completed; }
  }

  function visit(id) {
    C.post(runtime.handlerUrl(element, "visit"), {section_id: id}).then(function (res) {
      if (res.status === 200) { update(res.body); }
    }).catch(function () { /* reading goes on offline; the visit is recorded next time */ });
  }

  function show(id, moveFocus) {
    sections.forEach(function (s) { s.hidden = s.getAttribute("data-section") !== id; });
    links.forEach(function (a) {
      if (a.getAttribute("data-section") === id) { a.setAttribute("aria-current", "step"); }
      else { a.removeAttribute("aria-current"); }
    });
    var current = sections.filter(function (s) { return !s.hidden; })[0];
    if (current && moveFocus) { current.querySelector("h4").focus(); }
    visit(id);
  }

  function neighbour(offset) {
    var index = sections.findIndex(function (s) { return !s.hidden; });
    var target = sections[index + offset];
    if (target) { show(target.getAttribute("data-section"), true); }
  }

  links.forEach(function (a) {
    a.addEventListener("click", function (event) {
      event.preventDefault();
      show(a.getAttribute("data-section"), true);
    });
  });
  root.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-action]");
    if (!button || !root.contains(button)) { return; }
    neighbour(button.getAttribute("data-action") === "next" ? 1 : -1);
  });

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var answers = {};
      Array.prototype.forEach.call(form.querySelectorAll("textarea"), function (area) {
        answers[area.name] = area.value;
      });
      var anyText = Object.keys(answers).some(function (k) { return answers[k].trim(); });
      if (!anyText) {
        C.setStatus(status, t["Please write at least one answer before saving."], "error");
        return;
      }
      C.setStatus(status, t["Saving…"], "busy");
      C.post(runtime.handlerUrl(element, "save_reflection"), {answers: answers}).then(function (res) {
        if (res.status === 200) {
          C.setStatus(status, t["Saved."], "ok");
          if (erase) { erase.hidden = false; }
          update(res.body);
        } else {
          C.setStatus(status, (res.body && res.body.message) || t["Could not save. Please try again."], "error");
        }
      }).catch(function () {
        C.setStatus(status, t["You are offline or the server did not answer. Your text is still here; please try again."], "error");
      });
    });
  }

  var erase = root.querySelector("button[data-action=erase]");
  if (erase) {
    erase.addEventListener("click", function () {
      if (!window.confirm(t["Delete your answers? This cannot be undone."])) { return; }
      C.post(runtime.handlerUrl(element, "erase_reflection"), {confirm: true}).then(function (res) {
        if (res.status !== 200) {
          C.setStatus(status, (res.body && res.body.message) || t["Could not save. Please try again."], "error");
          return;
        }
        Array.prototype.forEach.call(form.querySelectorAll("textarea"), function (area) { area.value = ""; });
        erase.hidden = true;
        C.setStatus(status, t["Your answers are deleted."], "ok");
        form.querySelector("textarea").focus();
      }).catch(function () {
        C.setStatus(status, t["You are offline or the server did not answer. Your text is still here; please try again."], "error");
      });
    });
  }

  if (args.current) { visit(args.current); }
}
