// django-import-export's "Select all" box on the export page, bound here
// instead of its inline onchange attribute (forbidden by the CSP).
document.addEventListener("change", (event) => {
  if (event.target.matches("input.select-toggle") && typeof onSelectToggleChange === "function") {
    onSelectToggleChange(event);
  }
});
