// What hostile frames and over-limit clients make the server spend, for docs/benchmarks.md.
//   cd end2end && SALA_BIN=… LEPTOS_SITE_ROOT=… node bench/hostile.mjs
// For each probe, from an observer's socket and a writer's: the close code and reason the socket
// got, the server's resident memory before and its peak during the probe (VmHWM, reset before
// each probe through /proc/PID/clear_refs, which needs root), and the CPU time it spent.
import { readFileSync, writeFileSync } from 'node:fs';
import WebSocket from 'ws';
import { startSala } from '../lib/harness.mjs';

const BIG = [0xff, 0xff, 0xff, 0xff, 0x0f]; // varUint 4,294,967,295
const sync = (kind, payload) => [0, kind, payload.length, ...payload];
const probes = {
  'awareness: client count 2³²': () => [[1, 5, ...BIG]],
  'awareness: JSON length 2³²': () => [[1, 8, 1, 1, 1, ...BIG]],
  'SyncStep1: state-vector length 2³²': () => [sync(0, BIG)],
  'update: struct groups 2³²': () => [sync(2, BIG)],
  'update: structs in a group 2³²': () => [sync(2, [1, ...BIG, 1, 0])],
  'update: string length 2³²': () => [sync(2, [1, 1, 1, 0, 0x04, 1, ...BIG])],
  'update: delete-set clients 2³²': () => [sync(2, [0, ...BIG])],
  'update: delete ranges 2³²': () => [sync(2, [0, 1, 1, ...BIG])],
  'SyncStep2: struct groups 2³²': () => [sync(1, BIG)],
  'frame of 1 MiB + 1 byte': () => [new Uint8Array(1024 * 1024 + 1).fill(7)],
  'text frame': () => ['hola'],
  '1,000 messages at once (rate)': () => Array.from({ length: 1000 }, () => [3]),
  'presence state of 5 KB': () => {
    const json = Buffer.from(JSON.stringify({ cursor: 'x'.repeat(5000) }));
    const entry = [1, 7, 1, ...varUint(json.length), ...json]; // 1 client: id 7, clock 1
    return [[1, ...varUint(entry.length), ...entry]];
  },
};

function varUint(n) {
  const out = [];
  while (n >= 0x80) { out.push((n & 0x7f) | 0x80); n = Math.floor(n / 128); }
  out.push(n);
  return out;
}

const sala = await startSala();
const proc = (file) => readFileSync(`/proc/${sala.pid}/${file}`, 'utf8');
const kib = (field) => Number(proc('status').match(new RegExp(`${field}:\\s+(\\d+)`))[1]);
const cpuMs = () => {
  const fields = proc('stat').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in 10 ms ticks
};

function probe(url, frames) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => { ws.terminate(); resolve({ code: 'abierta tras 10 s', reason: '' }); }, 10_000);
    ws.on('open', () => {
      for (const frame of frames) ws.send(typeof frame === 'string' ? frame : Buffer.from(frame));
    });
    ws.on('close', (code, reason) => { clearTimeout(timer); resolve({ code, reason: reason.toString() }); });
    ws.on('error', () => {});
  });
}

try {
  const session = sala.cli('session', 'create', '--mesa', 'local-07', '--at', '2030-03-02T09:00:00-05:00').id;
  const urls = {
    observador: sala.cli('invite', '--session', String(session), '--role', 'observador').sync_url,
    participante: sala.cli('invite', '--session', String(session), '--role', 'participante').sync_url,
  };
  console.log('| probe | socket | close | RSS before | peak RSS | CPU |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, frames] of Object.entries(probes)) {
    for (const [role, url] of Object.entries(urls)) {
      try { writeFileSync(`/proc/${sala.pid}/clear_refs`, '5'); } catch { /* not root: peak is since start */ }
      const rss = kib('VmRSS');
      const cpu = cpuMs();
      const { code, reason } = await probe(url, frames());
      await new Promise((r) => setTimeout(r, 200));
      console.log(`| ${name} | ${role} | ${code} ${reason.slice(0, 48)} | ${(rss / 1024).toFixed(1)} MiB | ${(kib('VmHWM') / 1024).toFixed(1)} MiB | ${cpuMs() - cpu} ms |`);
    }
  }
  const alive = await fetch(`${sala.base}/healthz`).then((r) => r.text());
  console.log(`\nserver after all probes: /healthz → ${alive}`);
} finally {
  await sala.stop();
}
