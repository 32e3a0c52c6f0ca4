// Interoperability: unmodified npm clients (yjs@13 + y-websocket@2 over `ws`) against the real
// server. Text and map edits converge both ways, presence round-trips, a late joiner loads the
// stored board, and a lone client stays connected past y-websocket's 30 s idle timeout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { startSala } from '../lib/harness.mjs';

let sala;
let session;

before(async () => {
  sala = await startSala();
  session = sala.cli('session', 'create', '--mesa', 'local-08', '--at', '2030-02-01T09:00:00-05:00').id;
});

after(async () => {
  await sala?.stop();
});

function join(role, name) {
  const { token } = sala.cli('invite', '--session', String(session), '--role', role);
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`ws://127.0.0.1:${sala.port}/sync`, String(session), doc, {
    WebSocketPolyfill: WebSocket,
    params: { token },
    disableBc: true,
  });
  provider.awareness.setLocalStateField('user', { name });
  return {
    doc,
    provider,
    // y-websocket's destroy() leaves the awareness' own timer running: stop it too, or node
    // never exits.
    close() {
      provider.destroy();
      provider.awareness.destroy();
      doc.destroy();
    },
  };
}

function until(predicate, what, ms = 10_000) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (predicate()) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() - started > ms) {
        clearInterval(timer);
        reject(new Error(`timed out waiting for ${what}`));
      }
    }, 20);
  });
}

test('y-websocket clients sync text and map edits both ways, and presence', async () => {
  const a = join('coordinador', 'Ana');
  const b = join('participante', 'Luis');
  await until(() => a.provider.synced && b.provider.synced, 'both synced');
  // The board schema (docs/board-schema.md) reads the same from JavaScript: a new board opens
  // with the follow-up item, a Y.Map record whose title is a Y.Text.
  const followUp = [...a.doc.getMap('agenda').values()][0];
  assert.ok(followUp instanceof Y.Map, 'agenda records are Y.Maps');
  assert.equal(followUp.get('title').toString(), 'Seguimiento de compromisos');
  assert.equal(followUp.get('position'), 1);

  a.doc.getText('notas').insert(0, 'Seguimiento de compromisos');
  await until(() => b.doc.getText('notas').toString() === 'Seguimiento de compromisos', 'text at B');
  b.doc.getMap('barreras').set('b1', 'Demora en autorizaciones');
  await until(() => a.doc.getMap('barreras').get('b1') === 'Demora en autorizaciones', 'map at A');
  a.doc.getMap('barreras').set('b1', 'Demora en autorizaciones (EPS)');
  await until(() => b.doc.getMap('barreras').get('b1') === 'Demora en autorizaciones (EPS)', 'map at B');
  // Concurrent edits in the same text merge.
  a.doc.getText('notas').insert(0, '1. ');
  b.doc.getText('notas').insert(b.doc.getText('notas').length, ' (abiertos)');
  await until(() => a.doc.getText('notas').toString() === b.doc.getText('notas').toString()
    && a.doc.getText('notas').toString().includes('(abiertos)')
    && a.doc.getText('notas').toString().startsWith('1. '), 'merged text');

  const names = (provider) => [...provider.awareness.getStates().values()].map((s) => s.user?.name).sort();
  await until(() => names(a.provider).join() === 'Ana,Luis' && names(b.provider).join() === 'Ana,Luis', 'presence');

  b.close();
  await until(() => names(a.provider).join() === 'Ana', 'removal of Luis');

  // A late joiner gets the stored board.
  const c = join('observador', 'Proyector');
  await until(() => c.provider.synced, 'late joiner synced');
  assert.equal(c.doc.getText('notas').toString(), a.doc.getText('notas').toString());
  assert.equal(c.doc.getMap('barreras').get('b1'), 'Demora en autorizaciones (EPS)');
  // The observer's edit is refused by the server: nobody else sees it.
  c.doc.getMap('barreras').set('b2', 'no autorizado');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(a.doc.getMap('barreras').get('b2'), undefined);

  a.close();
  c.close();
});

test('a lone client stays connected for more than 35 s', { timeout: 60_000 }, async () => {
  const lone = join('participante', 'Sola');
  await until(() => lone.provider.synced, 'synced');
  let disconnects = 0;
  lone.provider.on('status', ({ status }) => {
    if (status === 'disconnected') disconnects += 1;
  });
  await new Promise((r) => setTimeout(r, 36_000));
  assert.equal(disconnects, 0, 'y-websocket reconnected: the server went silent');
  assert.equal(lone.provider.wsconnected, true);
  lone.close();
});
