// LTI client-side storage (1EdTech "LTI Client Side postMessages"): keep the OIDC state in the platform's
// window at login (lti.put_data) and read it back at launch (lti.get_data), for iframes without cookies.
(function () {
  var el = document.getElementById("lti-storage");
  if (!el) { return; }
  var d = el.dataset;

  function storageWindow() {
    var parentWin = window.parent !== window ? window.parent : window.opener;
    if (!parentWin) { return null; }
    if (d.target && d.target !== "_parent") {
      try { if (parentWin.frames[d.target]) { return parentWin.frames[d.target]; } } catch (e) { /* cross-origin */ }
    }
    return parentWin;
  }

  function ask(message, responseSubject) {
    return new Promise(function (resolve) {
      var target = storageWindow();
      if (!target) { resolve(null); return; }
      var id = "natalli-" + Math.random().toString(36).slice(2);
      var timer = null;
      function onMessage(event) {
        var m = event.data || {};
        if (event.origin !== d.origin || m.subject !== responseSubject || m.message_id !== id) { return; }
        window.removeEventListener("message", onMessage);
        clearTimeout(timer);
        resolve(m.error ? null : m);
      }
      window.addEventListener("message", onMessage);
      message.message_id = id;
      target.postMessage(message, d.origin);
      timer = setTimeout(function () { window.removeEventListener("message", onMessage); resolve(null); }, 3000);
    });
  }

  if (d.mode === "put") {
    Promise.all([
      ask({ subject: "lti.put_data", key: "state_" + d.state, value: d.state }, "lti.put_data.response"),
      ask({ subject: "lti.put_data", key: "nonce_" + d.nonce, value: d.nonce }, "lti.put_data.response")
    ]).then(function () { window.location.replace(d.next); });
  } else {
    ask({ subject: "lti.get_data", key: "state_" + d.state }, "lti.get_data.response").then(function (m) {
      var form = document.getElementById("lti-verify");
      form.elements.value.value = (m && m.value) || "";
      form.submit();
    });
  }
})();
