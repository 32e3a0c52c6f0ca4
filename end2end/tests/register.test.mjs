// The register of social assets end to end: the administrator registers an asset by hand (a
// comma decimal is refused next to its field), loads a file with mistakes (nothing saved, every
// line listed) and then the example file, corrects an entry and adds a team; in a live session
// the secretary ticks the assets a barrier mobilises while a participant in another browser sees
// them appear, a commitment names the asset that delivers it, and the dashboard lists the
// assets beside the barrier. At 360 px the register and the board's card fit the screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ARTIFACTS, axeViolations, completeSetup, hydrated, launchChromium, newContext, startSala, visit,
} from '../lib/harness.mjs';

const EXAMPLE = new URL('../../docs/examples/activos-ejemplo.csv', import.meta.url).pathname;
const MISTAKES = new URL('../../docs/examples/activos-con-errores.csv', import.meta.url).pathname;
const INDICATORS = new URL('../../docs/examples/indicadores-ejemplo.xlsx', import.meta.url).pathname;
const PASSWORD = 'una clave larga de prueba';
const JAC = '07-junta-de-accion-comunal-san-bernardino-ejemplo';
const RED = '07-red-de-mujeres-de-bosa-ejemplo';

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

async function noSidewaysScroll(page, what) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `${what} is ${width}px wide at 360px`);
}

async function join(ctx, role, name) {
  await go(ctx.page, sala.cli('invite', '--session', String(ctx.session), '--role', role).url);
  await ctx.page.fill('#join-name', name);
  await ctx.page.fill('#join-institution', 'Subred Sur Occidente');
  await ctx.page.getByRole('button', { name: 'Entrar al tablero' }).click();
  await ctx.page.waitForSelector('[data-board][data-status="conectado"][data-can-edit="true"]');
}

test('register assets by hand and by file, then name them on a live board and see them on the dashboard', async () => {
  for (let i = 0; i < 50 && !sala.setupLink; i++) await new Promise((r) => setTimeout(r, 100));
  const admin = await context();
  await completeSetup(admin.page, sala.setupLink, PASSWORD);
  const page = admin.page;

  // By hand: a comma decimal is refused next to its field, then the asset is saved.
  await go(page, '/activos?territorio=07');
  await hydrated(page);
  await page.locator('[data-assets-empty], [data-empty]', { hasText: 'Aún no hay activos' }).first().waitFor();
  await page.fill('#activo-nombre', 'Salón comunal La Libertad');
  await page.selectOption('#activo-tipo', 'equipamiento');
  await page.selectOption('#activo-localidad', '07');
  await page.fill('#activo-upz', 'UPZ85');
  await page.fill('#activo-lat', '4.6102');
  await page.fill('#activo-lon', '-74,1932');
  await page.getByRole('button', { name: 'Registrar activo' }).click();
  await page.locator('#activo-lon-error', { hasText: 'coma decimal' }).waitFor();
  await page.fill('#activo-lon', '-74.1932');
  await page.getByRole('button', { name: 'Registrar activo' }).click();
  await page.locator('[data-form="activo"] .form-status', { hasText: '1 nuevo' }).waitFor();
  await page.locator('tr[data-asset="07-salon-comunal-la-libertad"]').waitFor();

  // A file with mistakes saves nothing and lists every line; the example file is saved whole.
  await page.setInputFiles('#archivo-activos', MISTAKES);
  await page.getByRole('button', { name: 'Cargar archivo' }).click();
  await page.waitForURL('**/activos/cargas/*');
  await page.locator('[data-outcome="rechazada"]', { hasText: 'No se guardó nada' }).waitFor();
  assert.ok((await page.locator('[data-problems] tbody tr').count()) >= 7);
  await page.screenshot({ path: ARTIFACTS + 'register-refused-1920.png', fullPage: true });
  await go(page, '/activos?territorio=07');
  await page.setInputFiles('#archivo-activos', EXAMPLE);
  await page.getByRole('button', { name: 'Cargar archivo' }).click();
  await page.waitForURL('**/activos/cargas/*');
  await page.locator('[data-outcome="guardada"]', { hasText: 'activos: 6 nuevos' }).waitFor();

  // Correcting an entry keeps its code.
  await go(page, '/activos?territorio=07');
  await hydrated(page);
  assert.equal(await page.locator('[data-assets] tbody tr').count(), 5);
  await page.locator(`tr[data-asset="${JAC}"]`).getByRole('link', { name: 'Corregir' }).click();
  await page.locator('#form-activo-titulo', { hasText: 'Corregir' }).waitFor();
  await page.fill('#activo-oferta', 'Salón comunal y cocina para jornadas de salud');
  await page.getByRole('button', { name: 'Guardar corrección' }).click();
  await page.locator(`tr[data-asset="${JAC}"]`, { hasText: 'cocina para jornadas' }).waitFor();
  // A team with its coverage.
  await page.fill('#equipo-nombre', 'Equipo básico extramural 12');
  await page.fill('#equipo-institucion', 'Subred Sur Occidente');
  await page.fill('#equipo-cobertura', 'UPZ85; UPZ87');
  await page.getByRole('button', { name: 'Registrar equipo' }).click();
  await page.locator('[data-teams] tr', { hasText: 'Tintal Sur' }).waitFor();
  // Removing asks first.
  const hall = page.locator('tr[data-asset="07-salon-comunal-la-libertad"]');
  await hall.locator('summary', { hasText: 'Retirar' }).click();
  await hall.getByRole('button', { name: 'Sí, retirarlo' }).click();
  await hall.waitFor({ state: 'detached' });
  await page.screenshot({ path: ARTIFACTS + 'register-1920.png', fullPage: true });
  assert.deepEqual(await axeViolations(page, ['label', 'button-name', 'color-contrast', 'scrollable-region-focusable']), []);

  // The example indicators (datos de ejemplo), loaded from the shell.
  sala.cli('indicators', 'import', INDICATORS);
  // A live session of Bosa: the secretary ticks two assets, a participant sees them.
  const session = sala.cli('session', 'create', '--mesa', 'local-07', '--at', '2026-11-20T09:00:00-05:00').id;
  assert.equal((await sala.startMeeting(session)).status, 200);
  const secretary = await context({ width: 1280, height: 900 });
  secretary.session = session;
  await join(secretary, 'coordinador', 'Marta Ruiz');
  const participant = await context({ width: 360, height: 800 });
  participant.session = session;
  await join(participant, 'participante', 'Luis Gómez');

  await secretary.page.click('[data-add="barriers"]');
  const card = secretary.page.locator('li[data-kind="barriers"]').last();
  await card.locator('textarea[data-field="description"]').fill('Gestantes sin transporte a los controles prenatales');
  await card.locator('[data-field="assets"] summary').click();
  await card.locator(`[data-option="${JAC}"]`).check();
  await card.locator(`[data-option="${RED}"]`).check();
  await card.locator(`[data-chip="${RED}"]`).waitFor();
  // The indicators it is discussed with, each with its latest figure for Bosa.
  await card.locator('[data-field="indicators"] summary').click();
  await card.locator('[data-option="MI-01"]').check();
  await card.locator('[data-barrier-figure="MI-01"]', { hasText: 'Bosa' }).waitFor();
  const seen = participant.page.locator('li[data-kind="barriers"]').last();
  await seen.locator(`[data-chip="${JAC}"]`, { hasText: 'Junta de Acción Comunal' }).waitFor({ timeout: 15_000 });
  await seen.locator(`[data-chip="${RED}"]`).waitFor();
  await seen.locator('[data-barrier-figure="MI-01"]').waitFor({ timeout: 15_000 });
  await seen.screenshot({ path: ARTIFACTS + 'board-assets-360.png' });
  await noSidewaysScroll(participant.page, 'the board with assets');

  await secretary.page.click('[data-add="commitments"]');
  const commitment = secretary.page.locator('li[data-kind="commitments"]').last();
  await commitment.locator('textarea[data-field="description"]').fill('Jornada de controles prenatales en el salón comunal');
  await commitment.locator('select[data-field="asset"]').selectOption(JAC);
  await participant.page
    .locator('li[data-kind="commitments"]').last()
    .locator('select[data-field="asset"]')
    .evaluate((el, code) => new Promise((resolve, reject) => {
      const deadline = Date.now() + 15_000;
      const poll = () => (el.value === code ? resolve() : Date.now() > deadline ? reject(new Error(el.value)) : setTimeout(poll, 100));
      poll();
    }), JAC);
  await card.screenshot({ path: ARTIFACTS + 'board-barrier-assets-1280.png' });

  // The dashboard lists the assets beside the barrier.
  await go(page, '/tablero?ambito=mesa:local-07');
  const used = page.locator(`[data-assets-panel] tr[data-asset-use="${JAC}"]`);
  await used.waitFor();
  await page.waitForFunction(
    (code) => document.querySelector(`[data-asset-use="${code}"] [data-open-barriers]`)?.textContent === '1',
    JAC,
    { timeout: 15_000 },
  );
  await page.locator('[data-assets-panel] td', { hasText: 'Bosa · UPZ Bosa Central' }).first().waitFor();
  await page.locator('[data-assets-panel]').screenshot({ path: ARTIFACTS + 'dashboard-assets-1920.png' });

  // At phone width the register fits.
  const phone = await context({ width: 360, height: 800 });
  await phone.ctx.addCookies(await admin.ctx.cookies());
  await go(phone.page, '/activos?territorio=07');
  await phone.page.screenshot({ path: ARTIFACTS + 'register-360.png', fullPage: true });
  await noSidewaysScroll(phone.page, '/activos');
});
