// Sala's service worker: network first, cache as fallback, for GET requests of this origin, so a
// board page opened once can be reloaded without a connection (its edits wait in localStorage).
// Live sync (/sync) and server functions (/api) are never cached.
const CACHE = 'sala-v1';

self.addEventListener('install', (event) => { self.skipWaiting(); });
// The page that registered this worker (and its assets) loaded before the worker existed: fetch
// them once more into the cache, so that very page can be reloaded offline.
const SHELL = ['/pkg/sala.css', '/pkg/sala.js', '/pkg/sala.wasm', '/favicon.svg'];

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    await self.clients.claim();
    const cache = await caches.open(CACHE);
    const pages = (await self.clients.matchAll({ type: 'window' })).map((client) => client.url);
    await Promise.all([...SHELL, ...pages].map((url) => cache.add(url).catch(() => {})));
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/sync/') || url.pathname.startsWith('/api/')) return;
  event.respondWith((async () => {
    try {
      const response = await fetch(request);
      if (response.ok) {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(request, copy)).catch(() => {});
      }
      return response;
    } catch (offline) {
      const cached = await caches.match(request);
      if (cached) return cached;
      throw offline;
    }
  })());
});
