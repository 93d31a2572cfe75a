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

  // The platform's storage frame may load after us: resend the request every 250 ms until it answers
  // (or 6 s pass), instead of sending once and losing the message.
  function ask(message, responseSubject) {
    return new Promise(function (resolve) {
      var id = "natalli-" + Math.random().toString(36).slice(2);
      var finished = false;
      var resend = null;
      function finish(value) {
        if (finished) { return; }
        finished = true;
        window.removeEventListener("message", onMessage);
        clearInterval(resend);
        resolve(value);
      }
      function onMessage(event) {
        var m = event.data || {};
        if (event.origin !== d.origin || m.subject !== responseSubject || m.message_id !== id) { return; }
        finish(m.error ? null : m);
      }
      function send() {
        var target = storageWindow();
        if (!target) { finish(null); return; }
        message.message_id = id;
        try { target.postMessage(message, d.origin); } catch (e) { /* frame not ready yet */ }
      }
      window.addEventListener("message", onMessage);
      send();
      resend = setInterval(send, 250);
      setTimeout(function () { finish(null); }, 6000);
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
