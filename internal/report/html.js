(function () {
  "use strict";
  var bar = document.getElementById("filters");
  if (!bar) { return; }
  var selects = bar.querySelectorAll("select");
  var rows = document.querySelectorAll("tr.finding");
  var sections = document.querySelectorAll("section.findings-category");
  var shown = document.getElementById("shown");
  function apply() {
    var want = {};
    selects.forEach(function (s) { want[s.name] = s.value; });
    var n = 0;
    rows.forEach(function (tr) {
      var ok = Object.keys(want).every(function (k) { return want[k] === "" || tr.dataset[k] === want[k]; });
      tr.hidden = !ok;
      if (ok) { n++; }
    });
    sections.forEach(function (sec) {
      sec.hidden = sec.querySelector("tr.finding:not([hidden])") === null;
    });
    shown.textContent = n + " of " + rows.length + " findings shown";
  }
  selects.forEach(function (s) { s.addEventListener("change", apply); });
  document.getElementById("reset").addEventListener("click", function () {
    selects.forEach(function (s) { s.value = ""; });
    apply();
  });
  bar.hidden = false;
  apply();
})();
