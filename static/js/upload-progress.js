// Upload progress for the bank import form: a large workbook on a slow line should show
// that something is happening. Without JavaScript the form posts as usual.

for (const form of document.querySelectorAll("form[data-upload-progress]")) {
  const bar = form.querySelector("progress");
  const status = form.querySelector(".upload-status");
  form.addEventListener("submit", (event) => {
    if (!form.checkValidity()) return;
    event.preventDefault();
    const request = new XMLHttpRequest();
    request.open("POST", form.action || window.location.href);
    request.upload.addEventListener("progress", (progress) => {
      if (!progress.lengthComputable) return;
      bar.hidden = false;
      bar.max = progress.total;
      bar.value = progress.loaded;
      status.textContent = `${form.dataset.labelUploading} ${Math.round((100 * progress.loaded) / progress.total)}%`;
    });
    request.upload.addEventListener("load", () => {
      status.textContent = form.dataset.labelChecking;
    });
    request.addEventListener("load", () => {
      // The server answers with the check page (after a redirect) or the form with errors.
      if (request.responseURL && request.responseURL !== window.location.href) {
        window.location.assign(request.responseURL);
      } else {
        document.open();
        document.write(request.responseText);
        document.close();
      }
    });
    request.addEventListener("error", () => {
      status.textContent = form.dataset.labelFailed;
    });
    form.querySelector("button[type=submit]").disabled = true;
    request.send(new FormData(form));
  });
}
