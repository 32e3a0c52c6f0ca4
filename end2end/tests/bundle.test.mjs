// The browser bundle as phones get it: split per route (the home page never downloads the
// board's code), brotli as published by `xtask site`, content-addressed and cached for good (a
// second visit downloads nothing of it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { hydrated, launchChromium, startSala } from '../lib/harness.mjs';

let sala;
let browser;

before(async () => {
  sala = await startSala();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await sala?.stop();
});

/** Opens `url` and records every response of the page: path, encoding, cache header, and
 * whether the browser's cache answered it. */
async function visit(context, url) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  // As over https (production): over plain http Chromium offers only gzip.
  await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
  const responses = [];
  cdp.on('Network.responseReceived', ({ response }) => {
    const headers = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    responses.push({
      path: new URL(response.url).pathname,
      encoding: headers['content-encoding'] ?? 'identity',
      cacheControl: headers['cache-control'] ?? '',
      fromCache: response.fromDiskCache || response.fromPrefetchCache || response.status === 304,
    });
  });
  await page.goto(url);
  await hydrated(page);
  await page.waitForLoadState('networkidle');
  await page.close();
  return responses.filter((r) => r.path.startsWith('/pkg/'));
}

async function splitManifest() {
  const home = await (await fetch(sala.base + '/')).text();
  const pkg = home.match(/\/pkg\/([0-9a-f]{16})\/sala\.js/);
  assert.ok(pkg, 'pages name the bundle by its content hash');
  const manifest = await (await fetch(`${sala.base}/pkg/${pkg[1]}/__wasm_split_manifest.json`)).json();
  const modules = (prefix) => Object.entries(manifest).find(([name]) => name.startsWith(prefix))?.[1] ?? [];
  return { modules };
}

test('each page downloads its own code, brotli, and never again', async () => {
  // The worker would answer the second visit itself; this checks what HTTP caching alone does.
  const context = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 360, height: 800 } });
  const first = await visit(context, sala.base + '/');
  assert.ok(first.length >= 3, `the home page loads the bundle (${first.map((r) => r.path)})`);
  for (const r of first) {
    assert.equal(r.cacheControl, 'public, max-age=31536000, immutable', r.path);
    if (/\.(wasm|js|css)$/.test(r.path)) assert.equal(r.encoding, 'br', `${r.path} is served precompressed`);
  }

  const { modules } = await splitManifest();
  const board = modules('board_pages_');
  const homeModules = new Set(modules('home_pages_'));
  const boardOnly = board.filter((m) => !homeModules.has(m));
  assert.ok(boardOnly.length > 0, 'the board has code of its own');
  const loaded = first.map((r) => r.path.split('/').pop().replace(/\.wasm$/, ''));
  for (const m of boardOnly) assert.ok(!loaded.includes(m), `the home page does not load the board's ${m}`);

  const again = await visit(context, sala.base + '/');
  assert.ok(again.length >= 3);
  for (const r of again) assert.ok(r.fromCache, `${r.path} comes from the browser's cache on a second visit`);
  await context.close();
});

test('moving from the home page to a board loads its code in place', async () => {
  const session = sala.cli('session', 'create', '--mesa', 'local-07', '--at', '2030-03-02T09:00:00-05:00').id;
  const { modules } = await splitManifest();
  const boardModules = modules('board_pages_');
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const page = await context.newPage();
  const errors = [];
  const fetched = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname.split('/').pop().replace(/\.wasm$/, '')));
  await sala.asCoordination(page, 'local-07');
  await page.goto(sala.base + '/');
  await hydrated(page);
  await page.evaluate(() => { window.__salaMarker = 'same-document'; });
  await page.locator(`a[href="/sesiones/${session}"]`).first().click();
  // The board answers: its join form (or, already joined, the connected board) is live.
  await page.locator('form.join, [data-board][data-status="conectado"]').first().waitFor({ timeout: 20_000 });
  assert.equal(await page.evaluate(() => window.__salaMarker), 'same-document', 'no page reload');
  assert.ok(boardModules.some((m) => fetched.includes(m)), "the board route's module was fetched on the way");
  assert.deepEqual(errors, []);
  await context.close();
});
