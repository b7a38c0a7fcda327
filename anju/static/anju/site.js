/* The phone's "More" tab opens the full navigation over the page; Escape or a second tap closes it.
   Without this script the navigation is still reachable: the home page lists every destination. */
(function () {
  var more = document.querySelector(".tabbar .more");
  var nav = document.getElementById("site-nav");
  if (!more || !nav) return;
  function set(open) {
    document.body.classList.toggle("nav-open", open);
    more.setAttribute("aria-expanded", open ? "true" : "false");
  }
  more.addEventListener("click", function () { set(!document.body.classList.contains("nav-open")); });
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") set(false); });
  /* The user menu closes when a tap lands elsewhere, as menus do. */
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });
})();
