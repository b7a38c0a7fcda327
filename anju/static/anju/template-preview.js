/* The report template's live preview: as the text or the period and region change, the form is
   sent to the preview address and the answer replaces the preview beside it. Without this file the
   Preview button sends the form and the page comes back with the preview. */
(function () {
  var form = document.querySelector("form[data-preview-url]");
  if (!form || !window.fetch || !window.FormData) return;
  var timer = null;
  var asked = 0;
  function refresh() {
    var mine = ++asked;
    fetch(form.dataset.previewUrl, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (mine !== asked) return; /* an answer to an older text */
        var old = document.getElementById(form.dataset.previewInto);
        if (!old) return;
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#" + form.dataset.previewInto);
        if (fresh) old.replaceWith(fresh);
      })
      .catch(function () { /* offline: the Preview button still works */ });
  }
  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 600);
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
