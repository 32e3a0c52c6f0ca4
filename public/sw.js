// Sala's service worker: network first, cache as fallback, for GET requests of this origin, so a
// board page opened once can be reloaded without a connection (its edits wait in localStorage).
// Bundle files (/pkg/<build>/…) are cache first: their names change with their content. Live
// sync (/sync) and server functions (/api) are never cached.
const CACHE = 'sala-v2';

self.addEventListener('install', (event) => { self.skipWaiting(); });
// The page that registered this worker (and its assets) loaded before the worker existed: fetch
// it once more into the cache, with the bundle files it names (`/pkg/<build>/…`, immutable, so
// they come from the browser's HTTP cache, not the network), so that very page can be reloaded
// offline. Caches of earlier versions of this worker are dropped.
self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    await self.clients.claim();
    for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
    const cache = await caches.open(CACHE);
    const pages = (await self.clients.matchAll({ type: 'window' })).map((client) => client.url);
    await Promise.all(['/favicon.svg', ...pages].map(async (url) => {
      try {
        const response = await fetch(url);
        if (!response.ok) return;
        await cache.put(url, response.clone());
        if (!(response.headers.get('content-type') ?? '').startsWith('text/html')) return;
        const assets = new Set((await response.text()).match(/\/pkg\/[\w.-]+\/[\w.-]+/g) ?? []);
        await Promise.all([...assets].map((asset) => cache.add(asset).catch(() => {})));
      } catch { /* offline already: nothing to keep */ }
    }));
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/sync/') || url.pathname.startsWith('/api/')) return;
  event.respondWith((async () => {
    // A bundle file's name is its content (`/pkg/<build>/…`): a cached copy is never stale.
    if (url.pathname.startsWith('/pkg/')) {
      const cached = await caches.match(request);
      if (cached) return cached;
    }
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
