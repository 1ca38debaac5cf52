// <details data-open-wide> (the network drawing): open by itself on wide screens,
// where the drawing fits; one tap away on a phone and without JavaScript. On a phone
// the drawing scrolls sideways in its box: opening it shows its middle, the family.
if (window.matchMedia("(min-width: 992px)").matches) {
  for (const details of document.querySelectorAll("details[data-open-wide]")) details.open = true;
}
for (const details of document.querySelectorAll("details[data-open-wide]")) {
  details.addEventListener("toggle", () => {
    const box = details.querySelector(".network-scroll");
    if (details.open && box) box.scrollLeft = (box.scrollWidth - box.clientWidth) / 2;
  });
}
