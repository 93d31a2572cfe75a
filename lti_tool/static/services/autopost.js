// Deep-linking response: post the signed JWT back to the platform at once; the button stays for no-JS.
document.querySelectorAll("form[data-autosubmit='true']").forEach(function (form) { form.submit(); });
