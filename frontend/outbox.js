// The operator's pages offline: the report form keeps a report typed without a signal on
// the phone and sends it when the signal returns; the pages show what waits. Without this
// script (or IndexedDB) the form posts as a plain form.
import { drop, keep, previousFor, saved, sendAll, waiting } from "./store.js";

const texts = { ...document.getElementById("outbox-texts")?.dataset };

function csrfCookie() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const time = (ms) => new Date(ms).toLocaleTimeString(document.documentElement.lang, { hour: "2-digit", minute: "2-digit" });

function line(entry) {
  const p = document.createElement("p");
  p.className = `message outbox ${entry.status}`;
  const made = `${texts.made} ${time(entry.made)}`;
  if (entry.status === "refused") {
    p.textContent = `${texts.refused} (${made}): ${entry.reason} ${texts.fix}`;
  } else if (entry.status === "login") {
    p.textContent = `${texts.login} (${made}) `;
    const a = document.createElement("a");
    a.href = `${texts.loginUrl}?next=${encodeURIComponent(location.pathname)}`;
    a.textContent = texts.logIn;
    p.append(a);
  } else {
    p.textContent = `${texts.waiting} (${made}): ${entry.fields.recorded_count}`;
  }
  return p;
}

// What waits, shown on the report form of its visit and as a badge on the visit list.
async function show() {
  const entries = (await waiting()).filter((e) => e.user === texts.user);
  const box = document.getElementById("outbox");
  if (box) {
    const visit = box.dataset.visit;
    box.replaceChildren(...entries.filter((e) => e.visit === visit).map(line));
    const refused = entries.filter((e) => e.visit === visit && e.status === "refused").pop();
    const form = document.querySelector("form[data-outbox]");
    if (refused && form) {
      for (const [name, value] of Object.entries(refused.fields)) {
        const input = form.elements[name];
        if (input && input.type !== "hidden" && input.type !== "checkbox") input.value = value;
      }
    }
  }
  for (const badge of document.querySelectorAll("[data-outbox-visit]")) {
    const mine = entries.filter((e) => e.visit === badge.dataset.outboxVisit);
    badge.hidden = !mine.length;
    if (mine.length) badge.textContent = mine.some((e) => e.status !== "waiting") ? texts.check : texts.waiting;
  }
}

// Send what waits. When this page's own form was saved, it shows itself as saved from the
// server's answer (a page loaded again would cost a submission most of its bytes); when a
// visit it lists was saved, or the count needs the flag of names marked, it shows anew.
async function send() {
  const before = new Set(saved.keys());
  const result = await sendAll(csrfCookie(), texts.user);
  const here = (visit) =>
    document.getElementById("outbox")?.dataset.visit === visit ||
    document.querySelector(`[data-outbox-visit="${visit}"]`);
  const news = [...saved].filter(([id, s]) => !before.has(id) && here(s.visit)).map(([, s]) => s);
  const form = document.querySelector("form[data-outbox]");
  const message = news.map((s) => s.message).join(" ");
  if (news.length && form && news.every((s) => s.visit === form.dataset.outbox && !s.below_marked)) {
    showSaved(form, news.at(-1), message);
    await show();
  } else if (news.length) {
    sessionStorage.setItem("outbox-saved", message);
    location.replace(location.pathname);
  } else {
    await show();
  }
  return result;
}

function showSaved(form, answer, message) {
  form.elements.version.value = answer.version;
  // What is in the fields is now what is saved: the page's own source says so too.
  for (const field of form.elements) if ("defaultValue" in field) field.defaultValue = field.value;
  const state = document.getElementById("report-state");
  if (state) Object.assign(state, { className: "badge done", textContent: answer.badge });
  const button = form.querySelector("button[data-saved-label]");
  if (button) button.textContent = button.dataset.savedLabel;
  keepAsShown();
  flash(message);
}

// The copy kept for use without a signal is the page as it now shows, not as first loaded.
async function keepAsShown() {
  const cache = await globalThis.caches?.open("pages");
  if (!cache || !(await cache.match(location.pathname, { ignoreVary: true }))) return;
  const copy = document.documentElement.cloneNode(true);
  copy.querySelector("#outbox")?.replaceChildren();
  copy.querySelector("main > .message.success")?.remove();
  const html = `<!DOCTYPE html>\n${copy.outerHTML}`;
  await cache.put(location.pathname, new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } }));
}

function flash(text) {
  document.querySelector("main > .message.success")?.remove();
  const message = Object.assign(document.createElement("p"), { className: "message success", textContent: text });
  document.querySelector("main")?.prepend(message);
  message.scrollIntoView({ block: "center" });
}

async function submit(event) {
  const form = event.target;
  event.preventDefault();
  const fields = Object.fromEntries(new FormData(form));
  const visit = form.dataset.outbox;
  // A fix of a refused send replaces it.
  for (const old of await waiting())
    if (old.visit === visit && old.user === texts.user && old.status === "refused") await drop(old.id);
  const entry = {
    id: newId(),
    user: texts.user,
    visit,
    url: location.pathname,
    fields,
    csrf: fields.csrfmiddlewaretoken,
    made: Date.now(),
    after: await previousFor(visit),
    status: "waiting",
  };
  delete entry.fields.csrfmiddlewaretoken;
  await keep(entry);
  // Background Sync only for what the page could not send: else both would send it.
  const later = () => navigator.serviceWorker?.ready.then((sw) => sw.sync?.register("outbox")).catch(() => {});
  // Shown where the operator looks: the box is at the top, the button at the bottom.
  const showHere = () => show().then(() => document.getElementById("outbox")?.scrollIntoView({ block: "center" }));
  if (!navigator.onLine) return Promise.all([showHere(), later()]);
  // With a signal it is sent at once; on a weak one, after a second it shows as waiting.
  const slow = setTimeout(showHere, 1000);
  if ((await send()) !== "sent") later();
  clearTimeout(slow);
  const still = (await waiting()).find((e) => e.id === entry.id);
  if (navigator.onLine && still?.status === "refused") {
    // Online and refused: the plain form shows the server's own answer by the fields.
    await drop(entry.id);
    form.removeEventListener("submit", submit);
    form.submit();
  }
}

// Today's list and each of its visits' report forms, kept for a day without a signal: the
// worker fetches those it does not have yet (this page too, when it did not serve it), so
// that going to another page does not stop it half way.
async function keepForOffline() {
  if (!document.querySelector("[data-keep-offline]") || !navigator.serviceWorker) return;
  const forms = [...document.querySelectorAll("a[data-report-form]")].map((a) => a.pathname);
  const keep = navigator.serviceWorker.controller ? forms : [location.pathname, ...forms];
  (await navigator.serviceWorker.ready).active?.postMessage({ keep });
}

function start() {
  const saidSaved = sessionStorage.getItem("outbox-saved");
  if (saidSaved) {
    sessionStorage.removeItem("outbox-saved");
    flash(saidSaved);
  }
  const form = document.querySelector("form[data-outbox]");
  if (form && "indexedDB" in window) form.addEventListener("submit", submit);
  document.querySelector("form[data-logout]")?.addEventListener("submit", () => {
    caches?.delete("pages"); // what the pages showed this user stays off the phone
  });
  window.addEventListener("online", send);
  navigator.serviceWorker?.addEventListener("message", show);
  if ("serviceWorker" in navigator && texts.sw) navigator.serviceWorker.register(texts.sw, { scope: "/" });
  if (navigator.onLine) send().then(keepForOffline);
  else show();
}

start();
