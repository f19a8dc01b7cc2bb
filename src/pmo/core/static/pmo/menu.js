// On a phone the top menu is one line that scrolls sideways (see app.css). The page's
// own entry may then sit past the edge, so it is scrolled into view; and the edges
// that hide more entries fade out, which says that the line scrolls.
(() => {
  const menu = document.querySelector(".topbar nav > ul:first-child");
  if (!menu) return;
  const edges = () => {
    const hidden = menu.scrollWidth - menu.clientWidth;
    menu.classList.toggle("more-left", menu.scrollLeft > 1);
    menu.classList.toggle("more-right", menu.scrollLeft < hidden - 1);
  };
  const current = menu.querySelector("[aria-current=page]");
  if (current && menu.scrollWidth > menu.clientWidth) {
    const item = current.parentElement;
    menu.scrollLeft = item.offsetLeft - (menu.clientWidth - item.offsetWidth) / 2;
  }
  edges();
  menu.addEventListener("scroll", edges, { passive: true });
  window.addEventListener("resize", edges);
})();
