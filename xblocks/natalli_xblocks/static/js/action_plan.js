/* natalli_action_plan: save the whole 30/60/90-day plan in one request. */
function NatalliActionPlan(runtime, element, args) {
  "use strict";
  var C = window.NatalliCommon;
  var root = C.rootOf(element);
  var t = args.strings || {};
  var form = root.querySelector("[data-role=plan-form]");
  var status = form.querySelector("[data-role=status]");
  var complete = root.querySelector("[data-role=complete]");

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var plan = {};
    Array.prototype.forEach.call(form.querySelectorAll("fieldset[data-horizon]"), function (set) {
      var row = {};
      Array.prototype.forEach.call(set.querySelectorAll("textarea, input"), function (input) {
        row[input.name] = input.value;
      });
      plan[set.getAttribute("data-horizon")] = row;
    });
    C.setStatus(status, t["Saving…"], "busy");
    C.post(runtime.handlerUrl(element, "save_plan"), {plan: plan}).then(function (res) {
      if (res.status === 200) {
        C.setStatus(status, t["Saved."], "ok");
        complete.hidden = !res.body.completed;
      } else {
        C.setStatus(status, (res.body && res.body.message) || t["Could not save. Please try again."], "error");
      }
    }).catch(function () {
      C.setStatus(status, t["You are offline or the server did not answer. Your text is still here; please try again."], "error");
    });
  });
}
