/* Shared helpers for the NatAlli XBlocks: JSON POST to a handler, save-status messages. No dependencies. */
(function (window) {
  "use strict";
  if (window.NatalliCommon) { return; }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  /** POST `data` as JSON; resolves with {status, body} for every HTTP answer, rejects only on network loss. */
  function post(url, data) {
    return window.fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": csrfToken(),
        "X-Requested-With": "XMLHttpRequest"
      },
      body: JSON.stringify(data || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return {status: response.status, body: body};
      });
    });
  }

  /** Show a message in an aria-live status element; kind is "busy", "ok" or "error". */
  function setStatus(el, text, kind) {
    if (!el) { return; }
    el.textContent = text;
    el.classList.remove("is-busy", "is-ok", "is-error");
    if (kind) { el.classList.add("is-" + kind); }
  }

  function rootOf(element) {
    return element && element.jquery ? element[0] : element;
  }

  function format(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
    });
  }

  window.NatalliCommon = {post: post, setStatus: setStatus, rootOf: rootOf, format: format};
}(window));
