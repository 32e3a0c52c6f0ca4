// The situation room end to end: the administrator loads the example file (datos de ejemplo)
// from the indicators page, reads its preview and imports it; an indicator's page shows its
// trend and the map, and a click on a localidad opens that Mesa's dashboard (as a UPZ does on
// the UPZ map of an indicator given by UPZ); the situation room
// of Bosa on the projector updates by itself while a board in another browser records a barrier;
// the kiosk rotates its panels; at 360 px everything stacks without sideways scrolling.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ARTIFACTS, completeSetup, hydrated, launchChromium, newContext, startSala, visit,
} from '../lib/harness.mjs';

const EXAMPLE = new URL('../../docs/examples/indicadores-ejemplo.xlsx', import.meta.url).pathname;
const MISTAKES = new URL('../../docs/examples/valores-con-errores.csv', import.meta.url).pathname;
const PASSWORD = 'una clave larga de prueba';

let sala;
let browser;
const errors = [];

before(async () => {
  sala = await startSala();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await sala?.stop();
  assert.deepEqual(errors, [], 'no page errors');
});

const context = (viewport) => newContext(browser, errors, viewport);
const go = (page, path) => visit(page, sala.base, path);

async function signInAdmin() {
  for (let i = 0; i < 50 && !sala.setupLink; i++) await new Promise((r) => setTimeout(r, 100));
  const admin = await context();
  await completeSetup(admin.page, sala.setupLink, PASSWORD);
  return admin;
}

async function noSidewaysScroll(page, what) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `${what} is ${width}px wide at 360px`);
}

test('load the example, read an indicator on its map, and watch the situation room live', async () => {
  const admin = await signInAdmin();
  const page = admin.page;

  // A file with mistakes: the preview lists each one and offers no *Importar*.
  await go(page, '/indicadores');
  await page.locator('[data-empty]', { hasText: 'Aún no hay indicadores' }).waitFor();
  await page.setInputFiles('#archivo', MISTAKES);
  await page.getByRole('button', { name: 'Revisar archivo' }).click();
  await page.waitForURL('**/indicadores/importaciones/*');
  await hydrated(page);
  await page.locator('[data-import-errors] tr[data-error-line="5"]', { hasText: 'coma decimal' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Importar' }).count(), 0);
  await page.getByRole('button', { name: 'Descartar' }).click();
  await page.locator('[data-preview][data-status="descartada"]').waitFor();

  // The example: preview, then import.
  await go(page, '/indicadores');
  await page.setInputFiles('#archivo', EXAMPLE);
  await page.getByRole('button', { name: 'Revisar archivo' }).click();
  await page.waitForURL('**/indicadores/importaciones/*');
  await hydrated(page);
  await page.locator('[data-preview][data-errors="0"]').waitFor();
  await page.locator('[data-values-summary]', { hasText: 'nuevos' }).waitFor();
  await page.screenshot({ path: ARTIFACTS + 'import-preview-1920.png', fullPage: true });
  await page.getByRole('button', { name: 'Importar' }).click();
  await page.locator('[data-preview][data-status="importada"]').waitFor();
  await go(page, '/indicadores');
  await page.locator('[data-catalogue] tr[data-indicator="MI-01"]').waitFor();
  await page.screenshot({ path: ARTIFACTS + 'indicators-1920.png', fullPage: true });

  // One indicator: trend, map and table; a click on Bosa opens its Mesa's dashboard.
  await go(page, '/indicadores/MI-01?territorio=07');
  await page.locator('[data-indicator-title]', { hasText: 'Mortalidad infantil' }).waitFor();
  await page.locator('[data-trend] img').waitFor();
  const drawing = page.locator('[data-map] svg');
  await drawing.waitFor();
  assert.match(await drawing.innerHTML(), /Candelaria/);
  await page.screenshot({ path: ARTIFACTS + 'indicator-1920.png', fullPage: true });
  await page.locator('[data-map] a[href*="local-07"]').first().click();
  await page.waitForURL('**/tablero?ambito=mesa:local-07');

  // Triple viral came by UPZ too: a second map colours the UPZ, and Bosa's UPZ open Bosa.
  await go(page, '/indicadores/VAC-TV1?territorio=07');
  const upzMap = page.locator('[data-map="upz"] svg');
  await upzMap.waitFor();
  assert.match(await upzMap.innerHTML(), /Bosa Central: \d/);
  assert.equal(await page.locator('[data-map="upz"] + .scroll-x tr[data-territory]').count(), 17);
  await page.locator('[data-map="upz"]').screenshot({ path: ARTIFACTS + 'indicator-upz-map-1920.png' });
  await page.locator('[data-map="upz"] a[href*="local-07"]').first().click();
  await page.waitForURL('**/tablero?ambito=mesa:local-07');

  // Bosa's situation room on the projector, while a board of Bosa records a barrier elsewhere.
  const session = sala.cli('session', 'create', '--mesa', 'local-07', '--at', '2026-11-20T09:00:00-05:00').id;
  assert.equal((await sala.startMeeting(session)).status, 200);
  const room = await context();
  // The projector's screen is signed in as the administrator (a projector signs in like anyone).
  await room.ctx.addCookies(await admin.ctx.cookies());
  await go(room.page, '/sala/local-07?modo=proyector');
  await room.page.locator('[data-situation="local-07"]').waitFor();
  await room.page.locator('[data-key-indicator]').first().waitFor();
  const barriers = room.page.locator('#sala-barreras');
  const before = await barriers.textContent();
  assert.match(before, /Barreras \(0\)/);
  await room.page.evaluate(() => { window.__salaMarker = 'no-reload'; });
  await room.page.screenshot({ path: ARTIFACTS + 'situation-projector-1920.png' });

  const secretary = await context({ width: 1280, height: 900 });
  await go(secretary.page, sala.cli('invite', '--session', String(session), '--role', 'coordinador').url);
  await secretary.page.fill('#join-name', 'Marta Ruiz');
  await secretary.page.fill('#join-institution', 'Subred Sur Occidente');
  await secretary.page.getByRole('button', { name: 'Entrar al tablero' }).click();
  await secretary.page.waitForSelector('[data-board][data-status="conectado"][data-can-edit="true"]');
  await secretary.page.click('[data-add="barriers"]');
  const card = secretary.page.locator('li[data-kind="barriers"]').last();
  await card.locator('textarea[data-field="description"]').fill('Sin transporte para las citas de control prenatal');

  await room.page.waitForFunction(
    () => /Barreras \(1\)/.test(document.querySelector('#sala-barreras')?.textContent ?? ''),
    null,
    { timeout: 15_000 },
  );
  assert.equal(await room.page.evaluate(() => window.__salaMarker), 'no-reload');
  await room.page.screenshot({ path: ARTIFACTS + 'situation-projector-live-1920.png' });

  // The kiosk rotates its panels.
  await go(room.page, '/sala/local-07?modo=kiosco&cada=5');
  await room.page.locator('[data-panel="mapa"].is-active').waitFor();
  await room.page.locator('[data-panel="indicadores"].is-active').waitFor({ timeout: 12_000 });

  // At phone width: the same content, stacked.
  const phone = await context({ width: 360, height: 800 });
  await phone.ctx.addCookies(await admin.ctx.cookies());
  for (const [path, name] of [['/sala/local-07', 'situation'], ['/indicadores/MI-01?territorio=07', 'indicator'], ['/indicadores/VAC-TV1?territorio=07', 'indicator-upz'], ['/indicadores', 'indicators']]) {
    await go(phone.page, path);
    await phone.page.screenshot({ path: ARTIFACTS + `${name}-360.png`, fullPage: true });
    await noSidewaysScroll(phone.page, path);
  }
  await go(page, '/sala/local-07');
  await page.screenshot({ path: ARTIFACTS + 'situation-1920.png' });
});
