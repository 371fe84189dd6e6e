// Awaaz tablet service worker: keeps the tablet page, its district's pack and the assets,
// so the whole flow opens without a network. It answers only for those addresses; every
// other request (the ordinary survivor pages, staff pages, sending ratings) goes past it.
const CACHE = "awaaz-tablet-{{ version }}";
const SHELL = {{ shell|tojson }};
const STAND_INS = {
  "{{ url_for('feedback.quick_exit') }}": "{{ url_for('feedback.calm') }}",
  "{{ url_for('feedback.choose_language') }}": "{{ url_for('feedback.tablet', lang='bn') }}",
};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((k) => k.startsWith("awaaz-tablet-") && k !== CACHE).map((k) => caches.delete(k))
      ))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  // Without a network, pages we keep stand in for two we cannot: quick exit shows the quiet
  // page, not the browser's error page (which would say what she was doing, and leave her
  // stuck); the way back from it ("/") opens the tablet.
  const standIn = STAND_INS[url.pathname];
  if (standIn) {
    event.respondWith(fetch(event.request).catch(() => caches.match(standIn)));
    return;
  }
  // Spoken prompts: kept in their own cache by tablet.js (their addresses are their content's
  // hash, so a kept clip is never stale). A clip not kept yet is fetched whole, not as the
  // range the audio element asks for, and kept for next time.
  if (url.pathname.startsWith("/voice/") && url.pathname.endsWith(".mp3")) {
    event.respondWith(
      caches.open("awaaz-voice").then((cache) => cache.match(url.pathname).then((kept) => kept ||
        fetch(url.pathname, { credentials: "same-origin" }).then((response) => {
          if (response.status === 200 && response.type === "basic") cache.put(url.pathname, response.clone());
          return response;
        })))
    );
    return;
  }
  if (!SHELL.includes(url.pathname + url.search)) return;
  // Network first, so lists and questions stay current; the kept copy when offline — and
  // when what came back is not ours: network kit's error page, a captive portal's redirect
  // to its login, or nothing for a long while on a flapping network. Only a straight 200 of
  // the kind expected replaces what is kept.
  event.respondWith(
    fresh(event.request, url.pathname.endsWith(".json") ? "application/json" : "")
      .then((response) => {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(event.request, copy));
        return response;
      })
      .catch(() => caches.match(event.request).then((kept) => kept || fetch(event.request)))
  );
});

const WAIT_MS = 8000;

function fresh(request, type) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), WAIT_MS);
  // By its address: a page's navigation request cannot be re-made with other options.
  const init = { signal: abort.signal, redirect: "manual", credentials: "same-origin" };
  return fetch(request.url, init).then((response) => {
    clearTimeout(timer);
    const kind = response.headers.get("Content-Type") || "";
    if (response.status !== 200 || response.type !== "basic" || !kind.startsWith(type)) {
      throw new Error("not ours: " + response.status);
    }
    return response;
  }, (error) => { clearTimeout(timer); throw error; });
}
