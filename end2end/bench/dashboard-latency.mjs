// Time from a commitment written on a board to every open dashboard in its scope showing it.
//   cd end2end && SALA_BIN=… LEPTOS_SITE_ROOT=… node bench/dashboard-latency.mjs [commitments] [boards] [dashboards]
// Defaults: 10 boards (one session each on Mesas local-01…local-10; more boards cycle over the 20
// local Mesas, several sessions each), a y-websocket client per board, and 20 dashboards (a fifth
// district, a fifth per-zone, the rest per-Mesa), each listening to /tablero/eventos like the
// page does and, on each event, fetching its data like the page does. One commitment is written
// every 100 ms whatever the number of boards, so runs differ only in what is open. A commitment "shows" on a
// dashboard when its data (the overdue list) contains it. Bounded: stops after the last write
// plus 15 s.
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { startSala } from '../lib/harness.mjs';

const total = Number(process.argv[2] ?? 100);
const boardCount = Number(process.argv[3] ?? 10);
const dashboardCount = Number(process.argv[4] ?? 20);
const sala = await startSala();
const localMesas = Array.from({ length: Math.min(boardCount, 20) }, (_, i) => `local-${String(i + 1).padStart(2, '0')}`);
const mesas = Array.from({ length: boardCount }, (_, i) => localMesas[i % localMesas.length]);
const zoneOf = {};
for (const { mesa } of (await (await fetch(`${sala.base}/api/v1/mesas`)).json())) zoneOf[mesa.code] = mesa.zona;

const boards = [];
for (const mesa of mesas) {
  const session = sala.cli('session', 'create', '--mesa', mesa, '--at', '2026-11-02T09:00:00-05:00').id;
  await sala.startMeeting(session);
  const { token } = sala.cli('invite', '--session', String(session), '--role', 'participante');
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`ws://127.0.0.1:${sala.port}/sync`, String(session), doc, {
    WebSocketPolyfill: WebSocket, params: { token }, disableBc: true,
  });
  boards.push({ mesa, session, doc, provider });
}
await new Promise((resolve) => {
  const check = setInterval(() => { if (boards.every((b) => b.provider.synced)) { clearInterval(check); resolve(); } }, 20);
});

const zones = [...new Set(mesas.map((m) => zoneOf[m]))];
const fifth = Math.round(dashboardCount / 5);
const scopes = [
  ...Array(fifth).fill('distrito'),
  ...Array.from({ length: fifth }, (_, i) => `zona:${zones[i % zones.length]}`),
  ...Array.from({ length: dashboardCount - 2 * fifth }, (_, i) => `mesa:${localMesas[i % localMesas.length]}`),
];
const inScope = (scope, mesa) => scope === 'distrito' || scope === `mesa:${mesa}` || scope === `zona:${zoneOf[mesa]}`;

const written = new Map(); // description → { at, mesa }
const seen = new Map(); // `${dashboard}|${description}` → latency
// Dashboards are read by whoever reads their scope: each dashboard reads as its scope's
// coordination (a Mesa-wide invitation, as a secretary's browser or a script carries).
const readers = new Map();
function readerFor(scope) {
  const mesa = scope === 'distrito' ? 'distrito'
    : scope.startsWith('zona:') ? `zona-${scope.slice(5).trim().toLowerCase().replaceAll(' ', '-')}`
      : scope.slice(5);
  if (!readers.has(mesa)) readers.set(mesa, sala.cli('invite', '--mesa', mesa, '--role', 'coordinador').token);
  return { authorization: `Bearer ${readers.get(mesa)}` };
}

const controllers = [];
for (const [index, scope] of scopes.entries()) {
  const query = `ambito=${encodeURIComponent(scope)}`;
  const headers = readerFor(scope);
  const controller = new AbortController();
  controllers.push(controller);
  const response = await fetch(`${sala.base}/tablero/eventos?${query}`, { signal: controller.signal, headers });
  const reader = response.body.getReader();
  let refreshing = Promise.resolve();
  (async () => {
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ done: true }));
      if (done) return;
      if (!decoder.decode(value).includes('cambio')) continue;
      refreshing = refreshing.then(async () => {
        const data = await (await fetch(`${sala.base}/api/v1/tablero?${query}`, { headers })).json();
        const now = performance.now();
        for (const row of data.overdue ?? []) {
          const key = `${index}|${row.description}`;
          const w = written.get(row.description);
          if (w && !seen.has(key)) seen.set(key, now - w.at);
        }
      }).catch(() => {});
    }
  })();
}

for (let n = 0; n < total; n++) {
  const board = boards[n % boards.length];
  const id = `bench-${n}`;
  const description = `Compromiso de prueba ${n}`;
  written.set(description, { at: performance.now(), mesa: board.mesa });
  board.doc.transact(() => {
    const record = new Y.Map();
    board.doc.getMap('commitments').set(id, record);
    record.set('id', id);
    record.set('description', new Y.Text(description));
    record.set('institutions', 'Institución de prueba');
    record.set('due', '2026-01-15');
    record.set('status', 'pendiente');
    record.set('createdBy', 'bench');
    record.set('createdAt', Date.now());
  });
  await new Promise((r) => setTimeout(r, 100));
}
const expected = [...written.values()].reduce((sum, w) => sum + scopes.filter((s) => inScope(s, w.mesa)).length, 0);
const deadline = Date.now() + 15_000;
while (seen.size < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));

const xs = [...seen.values()].sort((a, b) => a - b);
const pct = (p) => xs[Math.min(xs.length - 1, Math.floor((xs.length - 1) * p))];
console.log(`${total} commitments on ${boardCount} boards, ${dashboardCount} dashboards: ${seen.size}/${expected} (dashboard, commitment) pairs shown`);
console.log(`written → shown: p50 ${pct(0.5).toFixed(0)} ms   p99 ${pct(0.99).toFixed(0)} ms   max ${xs[xs.length - 1].toFixed(0)} ms`);
for (const c of controllers) c.abort();
for (const b of boards) { b.provider.destroy(); b.provider.awareness.destroy(); }
await sala.stop();
process.exit(0);
