// Board page weight and time to interactive on loopback, for docs/benchmarks.md.
//   cd end2end && SALA_BIN=… LEPTOS_SITE_ROOT=… node bench/board-load.mjs [runs]
// Weight: the wasm, js and css the board page loads, raw and gzip (as the server sends them).
// Time: fresh browser context each run (cold cache), from navigation start to (1) first
// contentful paint, (2) hydrated (the app marks <body>), (3) live board connected and synced.
import { gzipSync } from 'node:zlib';
import { hydrated, launchChromium, startSala } from '../lib/harness.mjs';

const runs = Number(process.argv[2] ?? 10);
const sala = await startSala();
const browser = await launchChromium();
try {
  const session = sala.cli('session', 'create', '--mesa', 'local-07', '--at', '2030-03-02T09:00:00-05:00').id;
  const url = sala.cli('invite', '--session', String(session), '--role', 'observador').url;

  let rawTotal = 0;
  let gzipTotal = 0;
  // The main module only (the board's own modules: bench/mobile.mjs counts every file).
  const pkg = (await (await fetch(url)).text()).match(/\/pkg\/[0-9a-f]{16}/)[0];
  for (const file of ['sala_bg.wasm', 'sala.js', 'sala.css']) {
    const response = await fetch(`${sala.base}${pkg}/${file}`, { headers: { 'accept-encoding': 'identity' } });
    const bytes = Buffer.from(await response.arrayBuffer());
    const gz = gzipSync(bytes, { level: 6 }).length;
    rawTotal += bytes.length;
    gzipTotal += gz;
    console.log(`${file.padEnd(10)} raw ${(bytes.length / 1024).toFixed(0).padStart(5)} KiB   gzip ${(gz / 1024).toFixed(0).padStart(5)} KiB   cache-control: ${response.headers.get('cache-control') ?? '—'}`);
  }
  console.log(`total      raw ${(rawTotal / 1024).toFixed(0).padStart(5)} KiB   gzip ${(gzipTotal / 1024).toFixed(0).padStart(5)} KiB`);

  const samples = { fcp: [], hydrated: [], synced: [] };
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const page = await context.newPage();
    const start = Date.now();
    await page.goto(url);
    await hydrated(page);
    const hydratedAt = Date.now() - start;
    await page.waitForSelector('[data-board][data-status="conectado"]');
    const syncedAt = Date.now() - start;
    const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN);
    samples.fcp.push(fcp);
    samples.hydrated.push(hydratedAt);
    samples.synced.push(syncedAt);
    await context.close();
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const max = (xs) => Math.max(...xs);
  for (const [name, xs] of Object.entries(samples)) {
    console.log(`${name.padEnd(9)} median ${median(xs).toFixed(0).padStart(5)} ms   max ${max(xs).toFixed(0).padStart(5)} ms   (${runs} cold loads)`);
  }
} finally {
  await browser.close();
  await sala.stop();
}
