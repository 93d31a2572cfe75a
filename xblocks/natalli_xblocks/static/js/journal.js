/* natalli_journal: write entries, share/unshare one entry, delete one or all. The server re-renders the list. */
function NatalliJournal(runtime, element, args) {
  "use strict";
  var C = window.NatalliCommon;
  var root = C.rootOf(element);
  var t = args.strings || {};
  var form = root.querySelector("[data-role=entry-form]");
  var status = form.querySelector("[data-role=status]");
  var list = root.querySelector("[data-role=entries]");
  var progress = root.querySelector("[data-role=progress]");
  var complete = root.querySelector("[data-role=complete]");
  var deleteAll = root.querySelector("[data-action=delete-all]");
  var select = form.querySelector("select");
  var promptText = form.querySelector("[data-role=prompt-text]");

  function showPrompt() {
    var option = select.options[select.selectedIndex];
    promptText.textContent = option ? option.getAttribute("data-text") : "";
  }
  select.addEventListener("change", showPrompt);
  showPrompt();

  function apply(body) {
    list.innerHTML = body.entries_html;  // rendered and escaped by the server's template
    progress.textContent = C.format(t["{written} of {required} entries written"], body);
    complete.hidden = !body.completed;
    deleteAll.hidden = !body.entry_count;
  }

  function call(handler, data, okMessage) {
    C.setStatus(status, t["Saving…"], "busy");
    return C.post(runtime.handlerUrl(element, handler), data).then(function (res) {
      if (res.status === 200) { apply(res.body); C.setStatus(status, okMessage, "ok"); return true; }
      C.setStatus(status, (res.body && res.body.message) || t["Could not save. Please try again."], "error");
      return false;
    }).catch(function () {
      C.setStatus(status, t["You are offline or the server did not answer. Your text is still here; please try again."], "error");
      return false;
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var area = form.querySelector("textarea");
    if (!area.value.trim()) { C.setStatus(status, t["Please write something before saving."], "error"); return; }
    var share = form.querySelector("input[name=shared]");
    call("save_entry", {text: area.value, prompt_id: select.value, shared: share.checked}, t["Saved."])
      .then(function (ok) { if (ok) { area.value = ""; share.checked = false; } });
  });

  list.addEventListener("change", function (event) {
    var box = event.target;
    if (box.getAttribute("data-action") !== "share") { return; }
    var id = box.getAttribute("data-entry");
    call("share", {entry_id: id, shared: box.checked},
      box.checked ? t["This entry is now shared with your course team."] : t["This entry is private again."])
      .then(function () {
        var again = list.querySelector('input[data-entry="' + id + '"]');
        if (again) { again.focus(); }
      });
  });

  list.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-action=delete]");
    if (!button) { return; }
    if (!window.confirm(t["Delete this entry? This cannot be undone."])) { return; }
    call("delete_entry", {entry_id: button.getAttribute("data-entry")}, t["Entry deleted."])
      .then(function () { form.querySelector("textarea").focus(); });
  });

  deleteAll.addEventListener("click", function () {
    if (!window.confirm(t["Delete all your entries in this journal? This cannot be undone."])) { return; }
    call("delete_all", {confirm: true}, t["All entries deleted."]);
  });
}
