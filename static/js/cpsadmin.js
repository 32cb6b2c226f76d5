// Small behaviours that htmx attributes cannot express. Each is opt-in by a
// data attribute, so pages without those attributes are untouched.
document.addEventListener("change", (event) => {
  // <input data-reveal="#id" data-reveal-when="value"> shows #id for that value.
  const el = event.target;
  if (!el.dataset || !el.dataset.reveal) return;
  const target = document.querySelector(el.dataset.reveal);
  if (target) target.hidden = el.value !== el.dataset.revealWhen;
});
