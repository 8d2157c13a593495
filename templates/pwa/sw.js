{% load static %}// The service worker, at the site's root so that it covers every page. Version {{ version }}:
// a new static file or a new version of this template makes a new worker.
importScripts("{% static 'js/sw-lib.js' %}");
const { registerRoute, setCatchHandler, setDefaultHandler, CacheFirst, NetworkFirst, NetworkOnly, ExpirationPlugin, sendAll } =
  self.ektp;

const SHELL = "shell-{{ version }}";
const OFFLINE = "{% url 'offline' %}";
// Into the cache the static route reads, so that they are not fetched again.
const STATIC_FILES = ["{% static 'css/site.css' %}", "{% static 'css/print.css' %}", "{% static 'js/outbox.js' %}"];

self.addEventListener("install", (event) => {
  const keep = (name, urls) => caches.open(name).then((cache) => cache.addAll(urls));
  event.waitUntil(Promise.all([keep(SHELL, [OFFLINE]), keep("static", STATIC_FILES)]));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  const old = (name) => name.startsWith("shell-") && name !== SHELL;
  event.waitUntil(
    caches.keys().then((names) => Promise.all(names.filter(old).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

// Today's visits and each report form, as last opened online: from the network when it
// answers in time, else as kept. Never a redirect (to the login page) in their place.
const OPERATOR_PAGE = /^\/visits\/(today|\d+\/report)\/$/;
const keepOnlyPages = { cacheWillUpdate: async ({ response }) => (response.redirected ? null : response) };

// The pages ask to keep those (today's list and its forms) that they show links to.
self.addEventListener("message", (event) => {
  const urls = (event.data?.keep || []).filter((url) => OPERATOR_PAGE.test(url));
  const keep = async (cache, url) => {
    if (await cache.match(url, { ignoreVary: true })) return;
    const response = await fetch(url, { credentials: "same-origin" }).catch(() => null);
    if (response?.ok && !response.redirected) await cache.put(url, response);
  };
  // One at a time: on a slow line each arrives sooner, and the server takes them in turn.
  const keepAll = async (cache) => {
    for (const url of urls) await keep(cache, url);
  };
  event.waitUntil(caches.open("pages").then(keepAll));
});

registerRoute(
  ({ request, url }) => request.mode === "navigate" && OPERATOR_PAGE.test(url.pathname),
  new NetworkFirst({
    cacheName: "pages",
    networkTimeoutSeconds: 6,
    // Django's pages vary by cookie and language, which a lookup offline does not carry.
    // One user's pages: the cache is emptied when they log out (static/js/outbox.js).
    matchOptions: { ignoreVary: true },
    plugins: [keepOnlyPages, new ExpirationPlugin({ maxEntries: 60, maxAgeSeconds: 7 * 24 * 3600 })],
  }),
);
// Static files have their content's hash in their name: kept until replaced.
registerRoute(
  ({ url }) => url.pathname.startsWith("{% get_static_prefix %}"),
  new CacheFirst({ cacheName: "static", plugins: [new ExpirationPlugin({ maxEntries: 30 })] }),
);
// Any other page without a signal: the offline page.
setDefaultHandler(new NetworkOnly());
setCatchHandler(async ({ request }) =>
  request.mode === "navigate" ? (await caches.match(OFFLINE, { ignoreVary: true })) || Response.error() : Response.error(),
);

// Background Sync: the browser wakes the worker when the signal returns, even with the
// page closed, and the reports that wait are sent; the open pages show the outcome.
self.addEventListener("sync", (event) => {
  if (event.tag !== "outbox") return;
  event.waitUntil(
    sendAll().then(async () => {
      for (const client of await self.clients.matchAll()) client.postMessage("outbox");
    }),
  );
});
