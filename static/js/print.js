// Links marked data-print open the browser's print dialog (no inline onclick,
// which the Content-Security-Policy forbids).
document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-print]");
  if (link) {
    event.preventDefault();
    window.print();
  }
});
