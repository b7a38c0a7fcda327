/* Small behaviours that pages ask for with data- attributes, so no page needs a script of its own
   and the Content-Security-Policy can refuse every inline script. Each works without this file too:
   the server refuses what the page would have stopped, and forms submit as they are. */
(function () {
  /* <form data-confirm="…">: ask before sending (retiring a region). */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });
  /* <button data-print>: the printed forms' print button. */
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) window.print();
  });
  /* <… data-reload-after="2000">: a progress page reloads itself while the work runs. */
  var reload = document.querySelector("[data-reload-after]");
  if (reload) setTimeout(function () { window.location.reload(); }, Number(reload.dataset.reloadAfter) || 2000);
  /* <… data-replace-url="/disputes/1/">: the address bar shows the case's address after a form
     was sent back, so a refresh reads the case instead of sending the form again. */
  var replace = document.querySelector("[data-replace-url]");
  if (replace && window.history && history.replaceState) history.replaceState(null, "", replace.dataset.replaceUrl);
  /* <select data-filter-by="id_category">: offer only the options whose data-category is the
     chosen one (a dispute's subtypes). A mismatch the server sent back stays selected beside its
     message until the category changes. */
  document.querySelectorAll("select[data-filter-by]").forEach(function (select) {
    var by = document.getElementById(select.dataset.filterBy);
    if (!by) return;
    function follow(clear) {
      Array.prototype.forEach.call(select.options, function (option) {
        var other = Boolean(option.dataset.category) && option.dataset.category !== by.value;
        var keep = other && option.selected && !clear;
        // Hidden alone is ignored by some phone browsers' pickers; disabled is not.
        option.hidden = other && !keep;
        option.disabled = other && !keep;
        if (other && option.selected && clear) select.value = "";
      });
    }
    by.addEventListener("change", function () { follow(true); });
    follow(false);
  });
  /* <button data-add-form="template-id" data-add-to="container-id" data-add-total="id of the
     formset's TOTAL_FORMS" data-add-max="20">: add a formset's block in place (a dispute's
     parties) instead of sending the form; __prefix__ in the template becomes the block's index and
     __n__ its number as people count. Without this file the button sends the form, which comes
     back with a block more. */
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-add-form]");
    if (!button) return;
    var template = document.getElementById(button.dataset.addForm);
    var to = document.getElementById(button.dataset.addTo);
    var total = document.getElementById(button.dataset.addTotal);
    if (!template || !to || !total) return;
    event.preventDefault();
    var index = Number(total.value) || 0;
    if (index >= (Number(button.dataset.addMax) || Infinity)) return;
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__n__/g, String(index + 1));
    var block = holder.firstElementChild;
    to.appendChild(block);
    total.value = String(index + 1);
    var first = block.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
    if (index + 1 >= (Number(button.dataset.addMax) || Infinity)) button.disabled = true;
  });
})();
