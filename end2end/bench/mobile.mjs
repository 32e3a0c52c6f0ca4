// Pages on a phone on mobile data, for docs/benchmarks.md (issue 18).
//   cd end2end && SALA_BIN=… LEPTOS_SITE_ROOT=… node bench/mobile.mjs [runs]
// Lighthouse's mobile profile, applied by Chromium's own throttling (DevTools protocol): 150 ms
// round trip, 1.6 Mbit/s down, 750 kbit/s up, CPU slowed 4×, 360×800, a cold cache each run
// (a fresh context). Brotli is asked for as a browser does over HTTPS (over plain http Chromium
// only offers gzip; production runs behind TLS, docs/deploy.md).
// For the board, the home page, a Mesa page and the dashboard it prints the bytes on the wire
// (every response of the page, headers included) and the medians of first contentful paint,
// hydrated (the app marks <body>) and, for the board, synced (the live board says connected).
// `--second-visit` also loads each page again in the same context (a warm cache).
import { launchChromium, startSala } from '../lib/harness.mjs';

const runs = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 3);
const secondVisit = process.argv.includes('--second-visit');
const PROFILE = {
  latency: 150,
  downloadThroughput: (1.6 * 1024 * 1024) / 8,
  uploadThroughput: (750 * 1024) / 8,
  cpuSlowdown: 4,
};

// Times are read in the page (performance.now(), from navigation start): a polling driver on a
// CPU slowed 4× would add its own delay.
const MARKS = () => {
  window.__marks = {};
  const seen = () => {
    const m = window.__marks;
    if (!m.hydrated && document.body?.dataset.hydrated === 'true') m.hydrated = performance.now();
    if (!m.synced && document.querySelector('[data-board][data-status="conectado"]')) m.synced = performance.now();
  };
  new MutationObserver(seen).observe(document, { subtree: true, attributes: true, childList: true });
};

async function load(context, url, board) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: PROFILE.latency,
    downloadThroughput: PROFILE.downloadThroughput,
    uploadThroughput: PROFILE.uploadThroughput,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: PROFILE.cpuSlowdown });
  const sizes = new Map();
  const urls = new Map();
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
  cdp.on('Network.loadingFinished', (e) => sizes.set(e.requestId, e.encodedDataLength));
  await page.addInitScript(MARKS);
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction((b) => window.__marks?.hydrated && (!b || window.__marks.synced), board, { timeout: 60_000 });
  // Let late requests (images, the socket's first frames) finish before counting.
  await page.waitForTimeout(500);
  const marks = await page.evaluate(() => ({
    ...window.__marks,
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
  }));
  let bytes = 0;
  const files = [];
  for (const [id, size] of sizes) {
    bytes += size;
    files.push([new URL(urls.get(id) ?? 'about:blank').pathname, size]);
  }
  await page.close();
  return { ...marks, bytes, files };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;

const sala = await startSala();
const browser = await launchChromium();
try {
  const session = sala.cli('session', 'create', '--mesa', 'local-07', '--at', '2030-03-02T09:00:00-05:00').id;
  const pages = [
    ['board', sala.cli('invite', '--session', String(session), '--role', 'observador').url, true],
    ['home', `${sala.base}/`, false],
    ['mesa', `${sala.base}/mesas/local-07`, false],
    ['dashboard', `${sala.base}/tablero`, false],
  ];
  console.log(`profile: ${PROFILE.latency} ms RTT, 1.6 Mbit/s down, 750 kbit/s up, CPU ×${PROFILE.cpuSlowdown}, 360×800; ${runs} cold loads each`);
  console.log('page        wire      FCP   hydrated   synced   (medians)');
  for (const [name, url, board] of pages) {
    const results = [];
    const warm = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 360, height: 800 }, isMobile: true, hasTouch: true, locale: 'es-CO' });
      results.push(await load(context, url, board));
      if (secondVisit) warm.push(await load(context, url, board));
      await context.close();
    }
    const m = (key) => median(results.map((r) => r[key]));
    const synced = board ? `${m('synced').toFixed(0).padStart(6)} ms` : '       —';
    console.log(`${name.padEnd(10)} ${kib(m('bytes')).padStart(8)} ${m('fcp').toFixed(0).padStart(6)} ms ${m('hydrated').toFixed(0).padStart(7)} ms ${synced}`);
    const heaviest = [...results[0].files].sort((a, b) => b[1] - a[1]).slice(0, 4);
    console.log(`           ${heaviest.map(([p, s]) => `${p.split('/').pop() || p} ${kib(s)}`).join(', ')}`);
    if (secondVisit) {
      const w = (key) => median(warm.map((r) => r[key]));
      console.log(`  again    ${kib(w('bytes')).padStart(8)} ${w('fcp').toFixed(0).padStart(6)} ms ${w('hydrated').toFixed(0).padStart(7)} ms`);
    }
  }
} finally {
  await browser.close();
  await sala.stop();
}
