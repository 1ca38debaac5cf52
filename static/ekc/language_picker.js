// A filter box for the language tick boxes (ekc/widgets.py LanguagePicker).
// Without JavaScript the page shows all tick boxes, the rarer ones under
// "More languages"; with it, typing part of a name narrows the list.
(() => {
  const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();

  for (const picker of document.querySelectorAll("[data-language-picker]")) {
    const box = picker.querySelector("[data-language-filter]");
    const input = box && box.querySelector("input");
    const more = picker.querySelector("details.language-more");
    const none = picker.querySelector("[data-language-none]");
    if (!input) continue;
    const options = [...picker.querySelectorAll("[data-language-option]")].map((option) => ({
      element: option,
      text: fold(`${option.textContent} ${option.querySelector("input").value}`),
    }));
    let moreWasOpen = more ? more.open : false;
    box.hidden = false;

    input.addEventListener("input", () => {
      const query = fold(input.value);
      let shown = 0;
      for (const option of options) {
        const match = !query || option.text.includes(query);
        option.element.hidden = !match;
        if (match) shown += 1;
      }
      if (more) {
        if (query && !more.dataset.filtering) {
          moreWasOpen = more.open;
          more.dataset.filtering = "1";
        }
        if (query) more.open = true;
        else if (more.dataset.filtering) {
          more.open = moreWasOpen;
          delete more.dataset.filtering;
        }
      }
      if (none) none.textContent = shown ? "" : none.dataset.message;
    });
    // Enter in the filter box must not send the whole form.
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault();
    });
  }
})();
