// Deep-linking picker: filter the activity list as the instructor types (the form's ?q= works without JS).
(function () {
  var input = document.querySelector("input[data-filter]");
  if (!input) return;
  var list = document.querySelector(input.getAttribute("data-filter"));
  var count = document.getElementById("dl-count");
  var items = Array.prototype.slice.call(list.querySelectorAll(".dl-choice"));
  var total = items.length;
  function fold(s) { return s.toLocaleLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, ""); }
  function apply() {
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (li) {
      var hay = fold(li.getAttribute("data-search"));
      var ok = words.every(function (w) { return hay.indexOf(w) !== -1; });
      li.hidden = !ok; if (ok) shown += 1;
    });
    list.querySelectorAll(".dl-section").forEach(function (section) {
      section.hidden = !section.querySelector(".dl-choice:not([hidden])");
    });
    if (count) {
      count.textContent = count.getAttribute("data-template").replace("{shown}", shown).replace("{total}", total);
    }
  }
  input.addEventListener("input", apply);
})();
