// kycd hosted flow: progressive enhancement only. Without this file every step still works with
// plain forms (file upload). With it: a live camera with a guide overlay on capture pages, a
// preview with retake, and the end-of-session message to an iframe's parent.
"use strict";

function text(id) {
  const el = document.getElementById(id);
  return el ? el.textContent : "";
}

function say(message) {
  const live = document.getElementById("live");
  if (live) live.textContent = message;
}

async function startCamera(form) {
  const input = form.querySelector("input[type=file]");
  const finder = document.getElementById("viewfinder");
  const video = finder.querySelector("video");
  const preview = finder.querySelector("img");
  const capture = document.getElementById("capture");
  const retake = document.getElementById("retake");
  const notice = document.getElementById("camera-notice");
  const facing = form.dataset.facing === "user" ? "user" : "environment";
  let stream = null;

  async function open() {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      // "ideal", never "exact": exact constraints fail on many desktops.
      video: { facingMode: { ideal: facing }, width: { ideal: 1920 } },
    });
    video.srcObject = stream;
    await video.play().catch(() => {});
    finder.classList.remove("hidden");
    video.classList.remove("hidden");
    preview.classList.add("hidden");
    capture.classList.remove("hidden");
    retake.classList.add("hidden");
  }

  function stop() {
    if (stream) stream.getTracks().forEach((t) => t.stop());
    stream = null;
  }

  capture.addEventListener("click", () => {
    const width = video.videoWidth;
    const height = video.videoHeight;
    if (!width || !height) return;
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    canvas.getContext("2d").drawImage(video, 0, 0, width, height);
    canvas.toBlob((blob) => {
      if (!blob) return;
      const files = new DataTransfer();
      files.items.add(new File([blob], "camera.jpg", { type: "image/jpeg" }));
      input.files = files.files;
      preview.src = URL.createObjectURL(blob);
      preview.classList.remove("hidden");
      video.classList.add("hidden");
      capture.classList.add("hidden");
      retake.classList.remove("hidden");
      stop();
      say(text("msg-captured"));
      const next = form.querySelector("[data-testid=next]");
      if (next) next.focus();
    }, "image/jpeg", 0.92);
  });

  retake.addEventListener("click", () => {
    input.value = "";
    open().catch(() => {});
  });

  try {
    await open();
  } catch (error) {
    const denied = error && error.name === "NotAllowedError";
    notice.textContent = text(denied ? "msg-denied" : "msg-unavailable");
    notice.classList.remove("hidden");
    finder.classList.add("hidden");
  }
}

function postEnding() {
  const result = document.querySelector("[data-testid=result][data-message]");
  if (!result || window.parent === window) return;
  const message = result.dataset.message;
  for (const origin of (result.dataset.targets || "").split(" ").filter(Boolean)) {
    window.parent.postMessage(message, origin);
  }
}

// Waiting and hand-off pages: ask where the session stands every 2 s and move on when it
// changed (the phone submitted, the analysis finished).
function watchSession() {
  const watcher = document.querySelector("[data-watch]");
  if (!watcher) return;
  const next = watcher.querySelector("a");
  const poll = async () => {
    try {
      const response = await fetch(watcher.dataset.watch, { cache: "no-store" });
      if (response.ok) {
        const state = await response.json();
        if (state.stage !== watcher.dataset.stage) {
          window.location.assign(next.href);
          return;
        }
      }
    } catch (_) {
      // Offline for a moment: try again.
    }
    setTimeout(poll, 2000);
  };
  setTimeout(poll, 2000);
}

function focusHeading() {
  const heading = document.querySelector("main h1");
  if (heading) heading.focus({ preventScroll: true });
}

document.addEventListener("DOMContentLoaded", () => {
  focusHeading();
  postEnding();
  watchSession();
  const form = document.querySelector("form[data-camera]");
  if (form && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    startCamera(form);
  } else if (form) {
    const notice = document.getElementById("camera-notice");
    notice.textContent = text("msg-unavailable");
    notice.classList.remove("hidden");
  }
});
