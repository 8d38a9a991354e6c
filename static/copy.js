// Progressive enhancement: a "copy" button for the receipt code. The page works
// without it (the code can be selected and copied by hand).
document.querySelectorAll("button.copy[data-copy]").forEach((button) => {
  const target = document.getElementById(button.dataset.copy);
  if (!target || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    navigator.clipboard.writeText(target.textContent.trim()).then(() => {
      button.textContent = "✓";
    });
  });
});
