// Progressive enhancement: a file chosen in an <input type=file data-fills=ID>
// is read into the textarea ID, so pasting and uploading send the same form.
document.querySelectorAll("input[type=file][data-fills]").forEach(function (input) {
  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    var target = document.getElementById(input.dataset.fills);
    if (!file || !target) return;
    file.text().then(function (text) { target.value = text; });
  });
});
