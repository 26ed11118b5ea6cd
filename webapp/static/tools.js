// Progressive enhancement only: the citation is selectable text without this script.
// - "Copiar cita" copies the citation to the clipboard where the browser allows it.
(function () {
  "use strict";

  document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard || !window.isSecureContext) return;
    var status = button.parentNode.querySelector(".copy-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        if (status) status.textContent = "Cita copiada.";
      }, function () {
        if (status) status.textContent = "No se pudo copiar: seleccione el texto y cópielo.";
      });
    });
  });
})();
