// A board at its storage cap, as the people in the meeting live it: the writer whose change was
// refused is told why and keeps it on the device; the others keep working with what was stored;
// the Mesa's coordination sees the notice on the session page. The server runs with a 1 MiB cap.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, hydrated, launchChromium, startSala } from '../lib/harness.mjs';

let sala;
let browser;
const errors = [];

before(async () => {
  sala = await startSala({ env: { SALA_MAX_BOARD_MIB: '1' } });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await sala?.stop();
});

async function open(url, viewport = { width: 1920, height: 1080 }) {
  const context = await browser.newContext({ viewport, locale: 'es-CO', isMobile: viewport.width < 500 });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`${url}: ${e.message}`));
  await page.goto(url);
  await hydrated(page);
  return { context, page };
}

async function join(page, name, institution) {
  await page.fill('#join-name', name);
  await page.fill('#join-institution', institution);
  await page.getByRole('button', { name: 'Entrar al tablero' }).click();
  await page.waitForSelector('[data-board][data-status="conectado"][data-can-edit="true"]', { timeout: 20_000 });
}

test('a full board tells its writer why, keeps the change on the device and warns the coordination', async () => {
  const session = sala.cli('session', 'create', '--mesa', 'local-07', '--at', '2030-03-02T09:00:00-05:00').id;
  const invite = (role) => sala.cli('invite', '--session', String(session), '--role', role).url;
  const ana = await open(invite('coordinador'));
  await join(ana.page, 'Ana Pérez', 'Subred Sur Occidente');
  const luis = await open(invite('participante'), { width: 360, height: 800 });
  await join(luis.page, 'Luis Gómez', 'EPS Capital Salud');

  const addItem = async () => {
    await ana.page.click('[data-add="agenda"]');
    const card = ana.page.locator('li[data-kind="agenda"]').last();
    return card.getAttribute('data-id');
  };
  const notes = (page, id) => page.locator(`li[data-id="${id}"] textarea[data-field="notes"]`);
  // A long pasted annex: 600 KB fits, a second one does not.
  const first = await addItem();
  await notes(ana.page, first).fill('a'.repeat(600_000));
  await luis.page.waitForFunction(
    (sel) => document.querySelector(sel)?.value.length === 600_000,
    `li[data-id="${first}"] textarea[data-field="notes"]`,
    { timeout: 20_000 },
  );
  const second = await addItem();
  await notes(luis.page, second).waitFor();
  await notes(ana.page, second).fill('b'.repeat(600_000));

  const notice = ana.page.locator('[data-server-notice]');
  await notice.waitFor({ timeout: 20_000 });
  assert.match(await notice.textContent(), /tamaño máximo/);
  assert.match(await notice.textContent(), /[Ss]e conservan en este dispositivo/);
  // Ana's device keeps what she pasted; Luis never sees what was not stored.
  assert.equal((await notes(ana.page, second).inputValue()).length, 600_000);
  assert.equal((await notes(luis.page, second).inputValue()).length, 0);
  await ana.page.screenshot({ path: ARTIFACTS + 'board-full-1920.png' });
  await luis.page.screenshot({ path: ARTIFACTS + 'board-full-other-360.png' });

  // The Mesa's coordination opens the session page and is told the board is full.
  const coordination = await browser.newContext({ viewport: { width: 360, height: 800 }, locale: 'es-CO', isMobile: true });
  const page = await coordination.newPage();
  await sala.asCoordination(page, 'local-07');
  await page.goto(`${sala.base}/sesiones/${session}`);
  await hydrated(page);
  const warning = page.locator('[data-storage-notice]');
  await warning.waitFor();
  assert.match(await warning.textContent(), /alcanzó su tamaño máximo/);
  await page.screenshot({ path: ARTIFACTS + 'board-full-coordination-360.png', fullPage: false });
  assert.deepEqual(errors, []);
  for (const c of [ana.context, luis.context, coordination]) await c.close();
});
