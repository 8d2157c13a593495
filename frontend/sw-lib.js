// What the service worker (templates/pwa/sw.js, served at /sw.js) imports: Workbox's routing
// and caching strategies, and the outbox for Background Sync.
import { registerRoute, setCatchHandler, setDefaultHandler } from "workbox-routing";
import { CacheFirst, NetworkFirst, NetworkOnly } from "workbox-strategies";
import { ExpirationPlugin } from "workbox-expiration";
import { sendAll } from "./store.js";

self.ektp = {
  registerRoute,
  setCatchHandler,
  setDefaultHandler,
  CacheFirst,
  NetworkFirst,
  NetworkOnly,
  ExpirationPlugin,
  sendAll,
};
