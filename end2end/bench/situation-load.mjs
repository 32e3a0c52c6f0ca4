// The situation room's weight and time to interactive on loopback, for docs/benchmarks.md.
//   cd end2end && SALA_BIN=… LEPTOS_SITE_ROOT=… node bench/situation-load.mjs [runs]
// With the example indicators loaded and a session of Bosa with a few records, a fresh browser
// context per run (cold cache) opens /sala/local-07 at 1920×1080 as Bosa's coordination.
// Weight: bytes on the wire (compressed, as the server sends them) of the page and everything it
// loads, from the Resource Timing entries once the page is idle. Time: navigation start to first
// contentful paint and to hydrated (the app marks <body>).
import { hydrated, launchChromium, startSala } from '../lib/harness.mjs';

const runs = Number(process.argv[2] ?? 10);
const EXAMPLE = new URL('../../docs/examples/indicadores-ejemplo.xlsx', import.meta.url).pathname;
const sala = await startSala();
const browser = await launchChromium();
try {
  sala.cli('indicators', 'import', EXAMPLE);
  // Bosa's coordination's cookie, taken once in a context of its own so each run's cache is cold.
  const auth = await browser.newContext();
  await sala.asCoordination(await auth.newPage(), 'local-07');
  const cookies = await auth.cookies();
  await auth.close();
  const samples = { fcp: [], hydrated: [], bytes: [] };
  let detail = null;
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    await context.addCookies(cookies);
    const page = await context.newPage();
    const start = Date.now();
    await page.goto(`${sala.base}/sala/local-07`);
    await hydrated(page);
    const hydratedAt = Date.now() - start;
    await page.waitForLoadState('networkidle');
    const wire = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const resources = performance.getEntriesByType('resource');
      const by = {};
      for (const r of resources) {
        const kind = r.name.includes('/pkg/') ? r.name.split('/').pop().split('?')[0] : r.initiatorType;
        by[kind] = (by[kind] ?? 0) + r.transferSize;
      }
      return { html: nav.transferSize, by, total: nav.transferSize + resources.reduce((s, r) => s + r.transferSize, 0) };
    });
    const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN);
    samples.fcp.push(fcp);
    samples.hydrated.push(hydratedAt);
    samples.bytes.push(wire.total);
    detail = wire;
    await context.close();
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const max = (xs) => Math.max(...xs);
  console.log(`html (with the map inline) ${(detail.html / 1024).toFixed(0)} KiB on the wire`);
  for (const [kind, bytes] of Object.entries(detail.by)) {
    console.log(`  ${kind.padEnd(14)} ${(bytes / 1024).toFixed(0).padStart(6)} KiB`);
  }
  console.log(`total on the wire: median ${(median(samples.bytes) / 1024).toFixed(0)} KiB`);
  for (const name of ['fcp', 'hydrated']) {
    const xs = samples[name];
    console.log(`${name.padEnd(9)} median ${median(xs).toFixed(0).padStart(5)} ms   max ${max(xs).toFixed(0).padStart(5)} ms   (${runs} cold loads)`);
  }
} finally {
  await browser.close();
  await sala.stop();
}
