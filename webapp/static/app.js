// Progressive enhancement only: the page works fully without this script.
// - completions for the search box from /api/suggest, through a <datalist>;
// - a new sort order applies at once;
// - empty fields are left out of the URL when the form is sent.
(function () {
  "use strict";

  var form = document.querySelector("form.search-form");
  var input = document.getElementById("q");
  if (!form || !input) return;

  if (window.fetch && "list" in input) {
    var list = document.createElement("datalist");
    list.id = "sugerencias";
    form.appendChild(list);
    input.setAttribute("list", list.id);

    var timer = null;
    var controller = null;
    var last = "";

    var show = function (suggestions) {
      while (list.firstChild) list.removeChild(list.firstChild);
      suggestions.forEach(function (text) {
        var option = document.createElement("option");
        option.value = text;
        list.appendChild(option);
      });
    };

    var ask = function () {
      var q = input.value;
      if (q === last) return;
      last = q;
      if (q.trim().length < 2) { show([]); return; }
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      var url = (form.dataset.suggest || "/api/suggest") + "?q=" + encodeURIComponent(q);
      fetch(url, { signal: controller ? controller.signal : undefined, headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) { if (input.value === q) show(data.suggestions || []); })
        .catch(function () { /* aborted or offline: keep the box as it is */ });
    };

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 150);
    });
  }

  var sort = document.getElementById("orden");
  if (sort) {
    sort.addEventListener("change", function () {
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    });
  }

  form.addEventListener("submit", function () {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && field.value === "" && field.tagName !== "BUTTON") field.disabled = true;
    });
    // Re-enable after the browser has read the form, so going back shows a usable form.
    setTimeout(function () {
      Array.prototype.forEach.call(form.elements, function (field) { field.disabled = false; });
    }, 0);
  });
})();
