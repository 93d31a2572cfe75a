// Right after a launch, ask the tool once with this browser's cookies, so the session is bound to this
// browser (or known to be URL-only) before anyone else could open its address. See lti_tool/lti/binding.py.
(function () {
  var meta = document.querySelector('meta[name="natalli-bind"]');
  if (meta && window.fetch) {
    fetch(meta.content, { credentials: "include", cache: "no-store" }).catch(function () {});
  }
})();
