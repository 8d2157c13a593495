// The outbox: reports typed on this phone that wait to be sent, kept in IndexedDB so that
// neither a lost signal nor a closed tab loses them. Shared by the pages and the service
// worker (Background Sync), which both send through sendAll().
import { createStore, del, get, set, values } from "idb-keyval";

const outbox = createStore("ektp-outbox", "sends");
const lastSent = createStore("ektp-last-sent", "visits");

export async function waiting() {
  return (await values(outbox)).sort((a, b) => a.made - b.made);
}

export const keep = (entry) => set(entry.id, entry, outbox);
export const drop = (id) => del(id, outbox);

// The id of this phone's newest send for a visit, still waiting or applied: the next edit
// is made on top of it (the server applies them in that order).
export async function previousFor(visit) {
  const pending = (await waiting()).filter((e) => e.visit === visit && e.status !== "refused");
  return pending.length ? pending[pending.length - 1].id : (await get(visit, lastSent)) || "";
}

let running = null;
// The sends saved since the page opened, by id, with what the server said: the page shows it.
export const saved = new Map();

// Send what waits, oldest first. Stops at the first send that cannot reach the server or
// finds the session gone; a refused send stays, with the server's reason, to be fixed.
// `token` is the page's CSRF token (the service worker has no cookies: it uses the one
// kept with each send); `user` who is logged in on the page, whose sends alone it sends (the
// worker does not know: the server refuses another user's). Returns "sent", "offline" or
// "login".
export function sendAll(token, user) {
  running = running || sendEach(token, user).finally(() => (running = null));
  return running;
}

async function sendEach(token, user) {
  for (const entry of await waiting()) {
    if (entry.status === "refused" || (user && entry.user !== user)) continue;
    const body = new URLSearchParams(entry.fields);
    body.set("sender", entry.user);
    body.set("csrfmiddlewaretoken", token || entry.csrf);
    body.set("submission", entry.id);
    body.set("after", entry.after || "");
    let response;
    try {
      response = await fetch(entry.url, {
        method: "POST",
        body,
        credentials: "same-origin",
        redirect: "manual",
        headers: { Accept: "application/json" },
      });
    } catch {
      return "offline";
    }
    if (response.type === "opaqueredirect" || response.status === 403) {
      // The session expired (to the login page), the CSRF token changed with a new login, or
      // someone else is logged in on this phone.
      await keep({ ...entry, status: "login" });
      return "login";
    }
    if (response.status === 422) {
      const answer = await response.json();
      await keep({ ...entry, status: "refused", reason: answer.message });
      continue;
    }
    if (!response.ok) return "offline"; // the server is down: try again later
    saved.set(entry.id, { visit: entry.visit, ...(await response.json()) });
    await drop(entry.id);
    await set(entry.visit, entry.id, lastSent);
  }
  return "sent";
}
