// Captures the frames real npm y-websocket clients send, as seeds for `fuzz` (server/src/bin/fuzz).
//
//   node end2end/fuzz/capture-corpus.mjs [OUT_DIR]   (default: server/fuzz/corpus)
//
// Self-contained: three WebsocketProviders (the npm client, unmodified) talk through a fake
// WebSocket to an in-process relay that answers as y-websocket's server does (SyncStep1 and
// presence on connect, SyncStep2 to a SyncStep1, updates and presence forwarded). Every frame a
// client sends is written to OUT_DIR as `NNN-<client>-<kind>.bin`, in the order sent, so the
// fuzzer can also replay them as one session. Client ids and record ids are fixed: running it
// again writes the same files.

import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import * as syncProtocol from 'y-protocols/sync'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'

const here = path.dirname(fileURLToPath(import.meta.url))
const outDir = path.resolve(process.argv[2] ?? path.join(here, '../../server/fuzz/corpus'))

const captured = []

// The relay: one Y.Doc and Awareness, like y-websocket's bin/utils.cjs for one room.
const relay = {
  doc: new Y.Doc(),
  sockets: new Set(),
  deliver (socket, bytes) {
    setTimeout(() => socket.readyState === 1 && socket.onmessage?.({ data: bytes }), 0)
  },
  broadcast (from, bytes) {
    for (const socket of this.sockets) if (socket !== from) this.deliver(socket, bytes)
  },
  connect (socket) {
    this.sockets.add(socket)
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, 0)
    syncProtocol.writeSyncStep1(encoder, this.doc)
    this.deliver(socket, encoding.toUint8Array(encoder))
    const states = awarenessProtocol.encodeAwarenessUpdate(
      this.awareness, [...this.awareness.getStates().keys()])
    const presence = encoding.createEncoder()
    encoding.writeVarUint(presence, 1)
    encoding.writeVarUint8Array(presence, states)
    this.deliver(socket, encoding.toUint8Array(presence))
  },
  receive (socket, bytes) {
    captured.push({ client: socket.client, bytes: Uint8Array.from(bytes) })
    const decoder = decoding.createDecoder(bytes)
    const type = decoding.readVarUint(decoder)
    if (type === 0) {
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, 0)
      const before = Y.encodeStateVector(this.doc)
      syncProtocol.readSyncMessage(decoder, encoder, this.doc, socket)
      if (encoding.length(encoder) > 1) this.deliver(socket, encoding.toUint8Array(encoder))
      const diff = Y.encodeStateAsUpdate(this.doc, before)
      if (diff.length > 2) {
        const update = encoding.createEncoder()
        encoding.writeVarUint(update, 0)
        syncProtocol.writeUpdate(update, diff)
        this.broadcast(socket, encoding.toUint8Array(update))
      }
    } else if (type === 1) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), socket)
      this.broadcast(socket, bytes)
    }
  }
}
relay.awareness = new awarenessProtocol.Awareness(relay.doc)
relay.awareness.setLocalState(null)

let connecting = 'a'
class FakeWebSocket {
  constructor () {
    this.client = connecting
    this.binaryType = 'arraybuffer'
    this.readyState = 0
    this.OPEN = 1
    setTimeout(() => {
      this.readyState = 1
      relay.connect(this)
      this.onopen?.()
    }, 0)
  }

  send (bytes) { relay.receive(this, bytes) }

  close () {
    if (this.readyState === 3) return
    this.readyState = 3
    relay.sockets.delete(this)
    setTimeout(() => this.onclose?.({ code: 1000, reason: '' }), 0)
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20))

async function join (client, clientID, user) {
  connecting = client
  const doc = new Y.Doc()
  doc.clientID = clientID
  const provider = new WebsocketProvider('ws://sala.invalid/sync', 'sesion-7', doc, {
    WebSocketPolyfill: FakeWebSocket,
    disableBc: true,
    resyncInterval: -1
  })
  provider.awareness.setLocalStateField('user', user)
  await settle()
  return { doc, provider }
}

// Deterministic record ids (UUID v4 shaped), as browsers make them.
let nextId = 0
const uuid = () => `00000000-0000-4000-8000-${String(++nextId).padStart(12, '0')}`

function record (doc, root, fields, texts, who) {
  const id = uuid()
  doc.transact(() => {
    const map = new Y.Map()
    doc.getMap(root).set(id, map)
    map.set('id', id)
    for (const [k, v] of Object.entries(fields)) map.set(k, v)
    for (const [k, v] of Object.entries(texts)) map.set(k, new Y.Text(v))
    map.set('createdBy', who)
    map.set('createdAt', 1796137200000 + nextId * 60000)
    map.set('updatedBy', who)
    map.set('updatedAt', 1796137200000 + nextId * 60000)
  })
  return id
}

const ana = await join('a', 1001, { name: 'Ana Pérez (Subred Sur)', color: '#c2185b' })
const a = ana.doc
const item = record(a, 'agenda', { position: 1.5, status: 'pendiente', minutes: 20 },
  { title: 'Barreras de acceso a salud', presenter: 'Subred Sur' }, 'Ana Pérez (Subred Sur)')
await settle()
a.getMap('meta').set('currentAgendaItem', item)
a.getMap('meta').set('timerStartedAt', 1796137260000)
await settle()

const luis = await join('b', 2002, { name: 'Luis Gómez (JAC Bosa)', color: '#1565c0' })
const b = luis.doc
await settle()
const barrier = record(b, 'barriers', { type: 'administrativa', status: 'abierta', agendaItem: item },
  { description: 'Las citas se asignan solo por teléfono', population: 'Personas mayores', localidad: 'Bosa' },
  'Luis Gómez (JAC Bosa)')
await settle()
// Typing together in one Y.Text, character by character, and a correction.
const title = a.getMap('agenda').get(item).get('title')
for (const ch of ' — ñandú 🎉') { title.insert(title.length, ch); await settle() }
b.getMap('barriers').get(barrier).get('description').delete(0, 4)
luis.provider.awareness.setLocalStateField('cursor', { record: barrier, field: 'description', index: 3 })
await settle()
record(a, 'commitments', { status: 'pendiente', due: '2026-12-15', barrier },
  { description: 'Habilitar agendamiento en línea', responsible: 'Subred Sur' }, 'Ana Pérez (Subred Sur)')
record(b, 'agreements', { decision: 'consenso' }, { statement: 'Mesa técnica el martes' },
  'Luis Gómez (JAC Bosa)')
await settle()
// Values of every kind Yjs encodes (plain fields of other Yjs clients), and deletions.
b.transact(() => {
  const extra = b.getMap('extra')
  extra.set('numbers', [0, -1, 2 ** 31, 2 ** 53 - 1, 1.25, -0.5])
  extra.set('big', 2n ** 62n)
  extra.set('bytes', new Uint8Array([0, 1, 2, 255]))
  extra.set('nested', { a: [true, false, null, { b: 'c' }], d: 'é' })
  extra.set('nothing', null)
  const list = new Y.Array()
  extra.set('list', list)
  list.insert(0, ['uno', 2, { tres: 3 }])
  const rich = new Y.Text('negrita')
  extra.set('rich', rich)
  rich.format(0, 3, { bold: true })
  rich.insertEmbed(1, { image: 'x.png' })
})
await settle()
a.getMap('meta').delete('timerStartedAt')
b.getMap('extra').get('list').delete(1, 1)
await settle()

// An observer (a projector), then Luis leaves and comes back with his state.
const sala = await join('c', 3003, { name: 'Proyector', color: '#000000' })
await settle()
luis.provider.disconnect()
await settle()
a.getMap('agenda').get(item).set('status', 'en-curso')
await settle()
connecting = 'b'
luis.provider.connect()
await settle()
b.getMap('barriers').get(barrier).set('status', 'escalada')
await settle()
for (const { provider } of [ana, luis, sala]) {
  provider.awareness.setLocalState(null)
  await settle()
  provider.destroy()
  provider.awareness.destroy()
}
relay.awareness.destroy()

const kinds = { '0,0': 'sync-step1', '0,1': 'sync-step2', '0,2': 'update', 1: 'awareness', 3: 'query-awareness' }
fs.mkdirSync(outDir, { recursive: true })
for (const old of fs.readdirSync(outDir)) if (old.endsWith('.bin')) fs.unlinkSync(path.join(outDir, old))
let total = 0
captured.forEach(({ client, bytes }, i) => {
  const kind = kinds[bytes[0] === 0 ? `0,${bytes[1]}` : bytes[0]] ?? `type-${bytes[0]}`
  fs.writeFileSync(path.join(outDir, `${String(i).padStart(3, '0')}-${client}-${kind}.bin`), bytes)
  total += bytes.length
})
console.log(`${captured.length} frames, ${total} bytes, in ${outDir}`)
process.exit(0)
