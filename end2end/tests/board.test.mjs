// The live board end to end: several browser contexts at once against one real server — a
// coordinator and a participant co-editing, the projector following along, an observer who cannot
// write, a participant who goes offline and comes back, and the coordinator closing the session
// into its acta.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, axeViolations, hydrated, launchChromium, smallTargets, startSala } from '../lib/harness.mjs';

let sala;
let browser;
let session;
const errors = [];

before(async () => {
  sala = await startSala();
  browser = await launchChromium();
  session = sala.cli('session', 'create', '--mesa', 'local-07', '--at', '2030-03-02T09:00:00-05:00',
    '--place', 'Salón comunal Bosa Centro').id;
  const started = await sala.startMeeting(session);
  assert.equal(started.status, 200);
});

after(async () => {
  await browser?.close();
  await sala?.stop();
});

function invite(role, name) {
  const args = ['invite', '--session', String(session), '--role', role];
  if (name) args.push('--name', name);
  return sala.cli(...args).url;
}

async function open(url, viewport = { width: 1920, height: 1080 }) {
  const context = await browser.newContext({ viewport, locale: 'es-CO', isMobile: viewport.width < 500 });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`${url}: ${e.message}`));
  await page.goto(url);
  await hydrated(page);
  return { context, page };
}

async function joinAs(page, name, institution) {
  await page.getByRole('heading', { name: 'Unirse al tablero' }).waitFor();
  await page.fill('#join-name', name);
  await page.fill('#join-institution', institution);
  await page.getByRole('button', { name: 'Entrar al tablero' }).click();
  await connected(page);
}

async function connected(page) {
  await page.waitForSelector('[data-board][data-status="conectado"][data-can-edit="true"]', { timeout: 20_000 });
}

const count = (page, kind) => page.locator(`[data-count="${kind}"]`).first();

async function waitCount(page, kind, n) {
  await page.waitForFunction(
    ([k, v]) => document.querySelector(`[data-count="${k}"]`)?.textContent.trim() === String(v),
    [kind, n],
    { timeout: 15_000 },
  );
}

/** Waits until the first element matching `selector` has `value` (inputs show live values). */
async function valueIs(page, selector, value) {
  await page.waitForFunction(
    ([sel, v]) => [...document.querySelectorAll(sel)].some((el) => el.value === v),
    [selector, value],
    { timeout: 15_000 },
  );
}

/** The newest card of a section. */
const lastCard = (page, kind) => page.locator(`li[data-kind="${kind}"]`).last();

let ana;
let luis;
let projector;

test('two participants join by link, are checked in, and co-edit one agenda item', async () => {
  ana = await open(invite('coordinador', 'Ana Pérez'));
  // The invitation's name prefills the join form; the institution is asked.
  assert.equal(await ana.page.inputValue('#join-name'), 'Ana Pérez');
  await joinAs(ana.page, 'Ana Pérez', 'Subred Sur Occidente');
  luis = await open(invite('participante'), { width: 360, height: 800 });
  await joinAs(luis.page, 'Luis Gómez', 'EPS Capital Salud');

  // A new board starts with the follow-up item; both are checked in as remote attendees.
  for (const { page } of [ana, luis]) {
    await valueIs(page, 'li[data-kind="agenda"] [data-field="title"]', 'Seguimiento de compromisos');
    await waitCount(page, 'attendance', 2);
  }
  await ana.page.locator('.presence li', { hasText: 'Luis Gómez' }).waitFor();

  await ana.page.click('[data-add="agenda"]');
  const card = lastCard(ana.page, 'agenda');
  await card.locator('[data-field="title"]').fill('Salud mental en colegios');
  const id = await card.getAttribute('data-id');
  const notesAt = (page) => page.locator(`li[data-id="${id}"] textarea[data-field="notes"]`);
  await notesAt(luis.page).waitFor();
  await valueIs(luis.page, `li[data-id="${id}"] [data-field="title"]`, 'Salud mental en colegios');

  // Both type into the same notes at once: the texts merge character by character.
  await notesAt(ana.page).click();
  await notesAt(luis.page).click();
  await Promise.all([
    notesAt(ana.page).pressSequentially('Ana: revisar casos.', { delay: 25 }),
    notesAt(luis.page).pressSequentially('Luis: priorizar Bosa.', { delay: 25 }),
  ]);
  await ana.page.waitForFunction(
    (sel) => {
      const v = document.querySelector(sel)?.value ?? '';
      return v.includes('Ana: revisar casos.') && v.includes('Luis: priorizar Bosa.');
    },
    `li[data-id="${id}"] textarea[data-field="notes"]`,
    { timeout: 15_000 },
  );
  await luis.page.waitForFunction(
    ([sel, expected]) => document.querySelector(sel)?.value === expected,
    [`li[data-id="${id}"] textarea[data-field="notes"]`, await notesAt(ana.page).inputValue()],
    { timeout: 15_000 },
  );
  // Whoever is editing shows as a marker on that item for the others.
  await notesAt(luis.page).focus();
  await ana.page.locator(`li[data-id="${id}"] .editing-markers li`, { hasText: 'Luis Gómez' }).waitFor();
});

test('a barrier, an agreement and a commitment reach everyone; the projector follows', async () => {
  projector = await open(`${sala.base}/sesiones/${session}/proyector?token=${encodeURIComponent(new URL(invite('observador')).searchParams.get('token'))}`);
  await projector.page.waitForSelector('[data-projector][data-status="conectado"]');
  assert.equal(await count(projector.page, 'barriers').textContent(), '0');
  assert.equal(await projector.page.locator('button, input, textarea, select').count(), 0, 'no controls');

  await ana.page.click('[data-add="barriers"]');
  await lastCard(ana.page, 'barriers').locator('textarea[data-field="description"]')
    .fill('Demora en autorizaciones de la EPS para terapias');
  await lastCard(ana.page, 'barriers').locator('select[data-field="type"]').selectOption('aseguramiento');
  await ana.page.click('[data-add="agreements"]');
  await lastCard(ana.page, 'agreements').locator('textarea[data-field="statement"]')
    .fill('Mesa técnica con la EPS en 15 días');
  await ana.page.click('[data-add="commitments"]');
  const commitment = lastCard(ana.page, 'commitments');
  await commitment.locator('textarea[data-field="description"]').fill('Convocar a la EPS y a la Subred');
  await commitment.locator('input[data-field="responsible"]').fill('Ana Pérez');
  await commitment.locator('input[data-field="responsible"]').press('Tab');
  await commitment.locator('input[data-field="due"]').fill('2030-03-10');
  await commitment.locator('input[data-field="due"]').press('Tab');

  for (const { page } of [luis, projector]) {
    await waitCount(page, 'barriers', 1);
    await waitCount(page, 'agreements', 1);
    await waitCount(page, 'commitments', 1);
  }
  await valueIs(luis.page, 'li[data-kind="barriers"] textarea[data-field="description"]',
    'Demora en autorizaciones de la EPS para terapias');
  await valueIs(luis.page, 'li[data-kind="commitments"] input[data-field="due"]', '2030-03-10');
  await luis.page.locator('li[data-kind="commitments"] [data-semaforo]').waitFor();
  await projector.page.locator('[data-newest] li', { hasText: 'Convocar a la EPS y a la Subred' }).waitFor();
  // Who created each record is shown.
  await luis.page.locator('li[data-kind="barriers"] [data-created-by]', { hasText: 'Ana Pérez (Subred Sur Occidente)' }).waitFor();

  // The facilitator marks the current item: the projector follows, with its timer.
  const item = ana.page.locator('li[data-kind="agenda"]').nth(1);
  await item.locator('[data-action="actual"]').click();
  await projector.page.locator('[data-current-title]', { hasText: 'Salud mental en colegios' }).waitFor();
  await projector.page.locator('[data-current-item] [data-timer]').waitFor();
  await valueIs(luis.page, 'li[data-kind="agenda"].card--current [data-field="title"]', 'Salud mental en colegios');

  await ana.page.screenshot({ path: ARTIFACTS + 'board-1920.png', fullPage: true });
  await luis.page.screenshot({ path: ARTIFACTS + 'board-360.png', fullPage: true });
  const boardWidth = await luis.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(boardWidth <= 360, `board is ${boardWidth}px wide at 360px`);
  await projector.page.screenshot({ path: ARTIFACTS + 'projector-1920.png' });
  // Another screen of the room, with its own observer link.
  const small = await open(`${sala.base}/sesiones/${session}/proyector?token=${encodeURIComponent(new URL(invite('observador')).searchParams.get('token'))}`, { width: 360, height: 800 });
  await small.page.waitForSelector('[data-projector][data-status="conectado"]');
  await small.page.screenshot({ path: ARTIFACTS + 'projector-360.png', fullPage: true });
  const width = await small.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `projector is ${width}px wide at 360px`);
  await small.context.close();
});

test('an observer has no controls, and a forced edit is not applied', async () => {
  const observer = await open(invite('observador'));
  await observer.page.waitForSelector('[data-board][data-status="conectado"]');
  assert.equal(await observer.page.locator('[data-add]').count(), 0);
  assert.equal(await observer.page.locator('[data-board][data-can-edit="true"]').count(), 0);
  // Force it: make a field writable in the DOM and change it. The room refuses the update.
  const field = observer.page.locator('li[data-kind="commitments"] input[data-field="responsible"]');
  await field.evaluate((el) => el.removeAttribute('readonly'));
  await field.fill('Intruso');
  await field.press('Tab');
  await observer.page.locator('[data-read-only]').waitFor();
  await ana.page.waitForTimeout(1000);
  assert.equal(await ana.page.inputValue('li[data-kind="commitments"] input[data-field="responsible"]'), 'Ana Pérez');
  await observer.context.close();
});

test('offline edits survive a reload and reach everyone when the connection returns', async () => {
  const selector = 'li[data-kind="agreements"] textarea[data-field="statement"]';
  await luis.context.setOffline(true);
  await luis.page.waitForSelector('[data-board][data-status="sin-conexion"]');
  await luis.page.locator(selector).click();
  await luis.page.locator(selector).press('End');
  await luis.page.locator(selector).pressSequentially(' (acordado sin conexión)', { delay: 10 });
  // The page itself comes back from the service worker's cache; the board from this device.
  await luis.page.reload();
  await hydrated(luis.page);
  // A fresh page may believe it is online; its socket still cannot connect.
  await luis.page.waitForSelector('[data-board][data-status="sin-conexion"], [data-board][data-status="reconectando"]');
  await luis.page.waitForFunction((sel) => document.querySelector(sel)?.value.endsWith('(acordado sin conexión)'), selector);
  assert.ok(!(await ana.page.inputValue(selector)).includes('sin conexión'), 'not sent while offline');
  await luis.context.setOffline(false);
  await connected(luis.page);
  await ana.page.waitForFunction(
    (sel) => document.querySelector(sel)?.value === 'Mesa técnica con la EPS en 15 días (acordado sin conexión)',
    selector,
    { timeout: 15_000 },
  );
});

test('nothing typed is lost while someone else edits the same card', async () => {
  await luis.page.click('[data-add="commitments"]');
  // An empty record is not counted until someone writes in it.
  await ana.page.locator('li[data-kind="commitments"]').nth(1).waitFor();
  assert.equal(await count(ana.page, 'commitments').textContent(), '1');
  const id = await lastCard(luis.page, 'commitments').getAttribute('data-id');
  const at = (page, field) => page.locator(`li[data-id="${id}"] [data-field="${field}"]`);
  const name = 'María Fernanda Rodríguez Castañeda';
  const institution = 'Secretaría Distrital de Integración Social';
  // Ana types the responsible's name key by key; meanwhile Luis, on his phone, changes the status,
  // types the institution and sets the due date of the same card.
  await at(ana.page, 'responsible').click();
  const anaTypes = ana.page.keyboard.type(name, { delay: 45 });
  await luis.page.waitForTimeout(250);
  await at(luis.page, 'status').selectOption('en_progreso');
  await at(luis.page, 'institutions').click();
  await luis.page.keyboard.type(institution, { delay: 25 });
  await at(luis.page, 'due').fill('2030-04-01');
  await at(luis.page, 'due').press('Tab');
  await anaTypes;
  for (const page of [ana.page, luis.page]) {
    await valueIs(page, `li[data-id="${id}"] [data-field="responsible"]`, name);
    await valueIs(page, `li[data-id="${id}"] [data-field="institutions"]`, institution);
    await valueIs(page, `li[data-id="${id}"] [data-field="status"]`, 'en_progreso');
    await valueIs(page, `li[data-id="${id}"] [data-field="due"]`, '2030-04-01');
  }
  await ana.page.locator(`li[data-id="${id}"]`).screenshot({ path: ARTIFACTS + 'typing-card-1920.png' });
  await luis.page.locator(`li[data-id="${id}"]`).screenshot({ path: ARTIFACTS + 'typing-card-360.png' });
  // Link dropdowns follow the board live: a barrier recorded now is offered on the agreement's card
  // without a reload.
  await ana.page.click('[data-add="barriers"]');
  await lastCard(ana.page, 'barriers').locator('textarea[data-field="description"]').fill('Falta de transporte a la sede');
  await luis.page.locator('li[data-kind="agreements"] select[data-field="barriers"] option',
    { hasText: 'Falta de transporte a la sede' }).waitFor({ state: 'attached' });
  // And it is stored: a page opened now reads the same.
  const fresh = await open(invite('observador'));
  await fresh.page.waitForSelector('[data-board][data-status="conectado"]');
  await valueIs(fresh.page, `li[data-id="${id}"] [data-field="responsible"]`, name);
  await valueIs(fresh.page, `li[data-id="${id}"] [data-field="institutions"]`, institution);
  await fresh.context.close();
});

test('on a phone the section menu stays reachable, controls are thumb-sized, tables scroll by keyboard', async () => {
  const { page } = luis;
  const menu = page.locator('[data-section-menu]');
  await menu.waitFor();
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.waitForTimeout(200);
  const top = await menu.evaluate((el) => el.getBoundingClientRect().top);
  assert.ok(top >= 0 && top < 5, `the menu is at ${top}px after scrolling to the end`);
  await menu.getByRole('link', { name: 'Compromisos' }).click();
  await page.waitForFunction(() => {
    const r = document.getElementById('compromisos').getBoundingClientRect();
    return r.top >= 0 && r.top < 300;
  });
  await page.screenshot({ path: ARTIFACTS + 'section-menu-360.png' });
  assert.deepEqual(await smallTargets(page, '[data-board] button, [data-board] select, .section-menu a, .session-links a'), []);
  assert.deepEqual(await axeViolations(page, ['scrollable-region-focusable']), []);
});

test('the coordinator closes the session: the board freezes and the acta shows everything', async () => {
  // Closing asks first, listing what is still open; going back changes nothing.
  await ana.page.click('[data-action="cerrar-tablero"]');
  const confirm = ana.page.locator('[data-confirm-close]');
  await confirm.locator('li', { hasText: 'El punto «Seguimiento de compromisos» está pendiente.' }).waitFor();
  await confirm.locator('li', { hasText: 'no tiene institución responsable' }).first().waitFor();
  await confirm.screenshot({ path: ARTIFACTS + 'confirm-close-1920.png' });
  await ana.page.click('[data-action="volver-al-tablero"]');
  await ana.page.locator('[data-confirm-close]').waitFor({ state: 'detached' });
  assert.equal(await luis.page.locator('[data-read-only]').count(), 0, 'still open');
  await ana.page.click('[data-action="cerrar-tablero"]');
  await ana.page.click('[data-action="confirmar-cierre"]');
  await ana.page.waitForURL(`**/sesiones/${session}/acta`);
  await hydrated(ana.page);
  const acta = ana.page.locator('[data-acta]');
  await acta.getByRole('heading', { level: 1, name: /Acta n\.º 1 · Mesa Local de APS Bosa/ }).waitFor();
  for (const text of ['Ana Pérez', 'Luis Gómez', 'EPS Capital Salud', 'Seguimiento de compromisos',
    'Salud mental en colegios', 'Ana: revisar casos.', 'Demora en autorizaciones de la EPS para terapias',
    'Mesa técnica con la EPS en 15 días (acordado sin conexión)', 'Convocar a la EPS y a la Subred', 'dom 10 mar 2030']) {
    await acta.getByText(text, { exact: false }).first().waitFor();
  }
  await ana.page.screenshot({ path: ARTIFACTS + 'acta-1920.png', fullPage: true });
  const reader = new URL(invite('observador')).searchParams.get('token');
  const markdown = await (await fetch(`${sala.base}/sesiones/${session}/acta.md`, {
    headers: { authorization: `Bearer ${reader}` },
  })).text();
  assert.match(markdown, /^# Acta n\.º 1 · Mesa Local de APS Bosa/);
  assert.match(markdown, /Convocar a la EPS y a la Subred/);

  // Everyone still on the board is now read-only; the projector says the meeting ended.
  await luis.page.locator('[data-read-only]').waitFor();
  await projector.page.locator('[data-ended]').getByText('Sesión cerrada — acta 1').waitFor({ timeout: 20_000 });
  assert.equal(await projector.page.locator('[data-timer]').count(), 0, 'the timer stopped');
  await projector.page.screenshot({ path: ARTIFACTS + 'projector-closed-1920.png' });
  const phone = await open(`${sala.base}/sesiones/${session}/acta`, { width: 360, height: 800 });
  await phone.page.screenshot({ path: ARTIFACTS + 'acta-360.png', fullPage: true });
  await phone.context.close();

  // Review: the timeline says who added what, and the slider shows earlier moments.
  await ana.page.goto(`${sala.base}/sesiones/${session}/revision`);
  await hydrated(ana.page);
  await ana.page.locator('[data-timeline] li', { hasText: 'agregó la barrera' }).first().waitFor();
  // The review names the sender the server knew (Ana's invitation carries her name).
  await ana.page.locator('[data-timeline] li', { hasText: 'Ana Pérez (invitación de coordinación)' }).first().waitFor();
  await ana.page.locator('[data-slider]').fill('1');
  await ana.page.waitForSelector('[data-step="1"]');
  assert.equal(await ana.page.locator('[data-step="1"] [data-acta-section="barriers"] tbody tr').count(), 0);
  await ana.page.screenshot({ path: ARTIFACTS + 'review-1920.png', fullPage: true });

  for (const c of [ana, luis, projector]) await c.context.close();
  assert.deepEqual(errors, []);
});
