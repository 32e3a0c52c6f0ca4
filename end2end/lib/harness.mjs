// Starts the release `sala` binary on a free port with a throw-away data dir, and launches
// Debian's Chromium through playwright-core (never a downloaded browser).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;
mkdirSync(ARTIFACTS, { recursive: true });

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** `env`: more settings for the server (e.g. `{ SALA_MAX_BOARD_MIB: '1' }`). */
export async function startSala({ env = {} } = {}) {
  const bin = process.env.SALA_BIN;
  const siteRoot = process.env.LEPTOS_SITE_ROOT;
  if (!bin || !siteRoot) throw new Error('SALA_BIN and LEPTOS_SITE_ROOT must be set (run `make test`)');
  const dataDir = mkdtempSync(join(tmpdir(), 'sala-e2e-'));
  const port = await freePort();
  const child = spawn(bin, ['serve', '--addr', `127.0.0.1:${port}`], {
    env: { ...process.env, SALA_DATA_DIR: dataDir, LEPTOS_SITE_ROOT: siteRoot, DATABASE_URL: '', ...env },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  // The first start prints the administrator's one-time setup link on the console.
  let setupLink = null;
  let pending = '';
  child.stderr.on('data', (chunk) => {
    process.stderr.write(chunk);
    pending += chunk.toString();
    const found = pending.match(/https?:\/\/\S+\/configurar\?clave=[\w-]+/);
    if (found && !setupLink) setupLink = found[0];
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sala exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error('sala did not become healthy');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    port,
    /** The server's process id (benchmarks read its memory and CPU in /proc). */
    pid: child.pid,
    /** The first administrator's setup link, as the console printed it. */
    get setupLink() { return setupLink; },
    /** Opens a Mesa's coordination invitation in `page` (`sala invite --mesa`): the browser then
     * acts as that coordination (its cookie), as a script's or secretary's link does. */
    async asCoordination(page, mesa) {
      await page.goto(this.cli('invite', '--mesa', mesa, '--role', 'coordinador').url);
    },
    /** Runs a `sala` CLI command against this server's data; returns its JSON output. */
    cli(...args) {
      const out = execFileSync(bin, [...args, '--format', 'json'], {
        env: { ...process.env, SALA_DATA_DIR: dataDir, DATABASE_URL: '', SALA_PUBLIC_URL: base },
      });
      return JSON.parse(out.toString());
    },
    /** A session's invitation link for `role`, carrying its holder's `name` when given (the
     * acta signs with it; a named invitation votes from its device). */
    invite(session, role, name) {
      const args = ['invite', '--session', String(session), '--role', role];
      if (name) args.push('--name', name);
      return this.cli(...args).url;
    },
    /** Starts a session's meeting as its coordination does (the API asks for the invitation). */
    async startMeeting(session) {
      const { token } = this.cli('invite', '--session', String(session), '--role', 'coordinador');
      return fetch(`${base}/api/v1/sessions/${session}/iniciar`, {
        method: 'POST', headers: { authorization: `Bearer ${token}` },
      });
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/** A fresh context and page at `viewport` (a phone below 500 px), its page errors pushed to
 * `errors`. */
export async function newContext(browser, errors, viewport = { width: 1920, height: 1080 }) {
  const ctx = await browser.newContext({ viewport, locale: 'es-CO', isMobile: viewport.width < 500 });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  return { ctx, page };
}

/** Opens an invitation `url` and joins its board as `name` of `institution`, waiting until the
 * board is connected and writable. */
export async function joinBoard(page, url, name, institution) {
  await page.goto(url);
  await hydrated(page);
  await page.fill('#join-name', name);
  await page.fill('#join-institution', institution);
  await page.getByRole('button', { name: 'Entrar al tablero' }).click();
  await page.waitForSelector('[data-board][data-status="conectado"][data-can-edit="true"]', { timeout: 20_000 });
}

/** Opens `path` (or a whole URL) on the server at `base` and waits for hydration. */
export async function visit(page, base, path) {
  await page.goto(path.startsWith('http') ? path : base + path);
  await hydrated(page);
}

/** Follows a one-time setup link, sets `password` and waits to be welcomed in. */
export async function completeSetup(page, link, password) {
  await page.goto(link);
  await hydrated(page);
  await page.locator('[data-setup-for]').waitFor();
  await page.fill('#password', password);
  await page.fill('#repeat', password);
  await page.getByRole('button', { name: 'Guardar y entrar' }).click();
  await page.locator('[data-welcome]').waitFor();
}

/** Resolves once Leptos has hydrated the page (an effect sets the attribute in the browser). */
export async function hydrated(page) {
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 20_000 });
}

const AXE = new URL('../node_modules/axe-core/axe.min.js', import.meta.url).pathname;

/** Runs the named axe-core rules on the page; resolves to their violations (empty when clean). */
export async function axeViolations(page, rules) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async (only) => {
    const result = await window.axe.run(document, { runOnly: { type: 'rule', values: only } });
    return result.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  }, rules);
}

/** Visible controls in `scope` smaller than 44×44 CSS px (the touch-target minimum). */
export async function smallTargets(page, selector) {
  return page.evaluate((sel) => [...document.querySelectorAll(sel)]
    .filter((el) => el.offsetParent !== null)
    .map((el) => ({ el, r: el.getBoundingClientRect() }))
    .filter(({ r }) => r.width > 0 && (r.width < 44 || r.height < 44))
    .map(({ el, r }) => `${el.tagName.toLowerCase()} «${el.textContent.trim().slice(0, 30)}» ${Math.round(r.width)}×${Math.round(r.height)}`),
  selector);
}
