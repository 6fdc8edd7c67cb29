// Contacts: show the controls that only work with JavaScript (the referrer search box).
// Everything else on the contact pages is plain HTML forms enhanced with htmx attributes.
document.querySelectorAll("[data-needs-js]").forEach((element) => {
  element.hidden = false;
});
