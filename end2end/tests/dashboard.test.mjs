// The management dashboard end to end: it updates without a reload while a board in another
// browser context records a commitment, and the commitment reappears as follow-up in the Mesa's
// next session once this one is closed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, hydrated, launchChromium, startSala } from '../lib/harness.mjs';

let sala;
let browser;

before(async () => {
  sala = await startSala();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await sala?.stop();
});

test('a dashboard updates live while a board records a commitment; it carries into the next session', async () => {
  const errors = [];
  const session = sala.cli('session', 'create', '--mesa', 'local-08', '--at', '2026-11-20T09:00:00-05:00').id;
  assert.equal((await fetch(`${sala.base}/api/v1/sessions/${session}/iniciar`, { method: 'POST' })).status, 200);

  const watcher = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'es-CO' });
  const dashboard = await watcher.newPage();
  dashboard.on('pageerror', (e) => errors.push(e.message));
  await dashboard.goto(`${sala.base}/tablero?ambito=zona:Sur%20Occidente`);
  await hydrated(dashboard);
  await dashboard.getByRole('heading', { name: 'Zona Sur Occidente' }).waitFor();
  assert.equal((await dashboard.locator('[data-total="commitments"]').textContent()).trim(), '0');
  await dashboard.evaluate(() => { window.__salaMarker = 'no-reload'; });

  const room = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-CO' });
  const board = await room.newPage();
  board.on('pageerror', (e) => errors.push(e.message));
  await board.goto(sala.cli('invite', '--session', String(session), '--role', 'coordinador').url);
  await hydrated(board);
  await board.fill('#join-name', 'Marta Ruiz');
  await board.fill('#join-institution', 'Subred Sur Occidente');
  await board.getByRole('button', { name: 'Entrar al tablero' }).click();
  await board.waitForSelector('[data-board][data-status="conectado"][data-can-edit="true"]');
  await board.click('[data-add="commitments"]');
  const card = board.locator('li[data-kind="commitments"]').last();
  await card.locator('textarea[data-field="description"]').fill('Visitas domiciliarias en Patio Bonito');
  await card.locator('input[data-field="institutions"]').fill('Secretaría de Integración Social');
  await card.locator('input[data-field="institutions"]').press('Tab');
  await card.locator('input[data-field="due"]').fill('2026-11-21');
  await card.locator('input[data-field="due"]').press('Tab');

  // The dashboard shows it without anyone reloading: counts, the overdue list, the charts' tables.
  await dashboard.waitForFunction(() => document.querySelector('[data-total="commitments"]')?.textContent.trim() === '1', null, { timeout: 15_000 });
  await dashboard.locator('[data-overdue] td', { hasText: 'Visitas domiciliarias en Patio Bonito' }).waitFor();
  await dashboard.locator('[data-chart="compromisos-institucion"] td', { hasText: 'Secretaría de Integración Social' }).waitFor();
  assert.equal(await dashboard.evaluate(() => window.__salaMarker), 'no-reload');
  const svg = await (await fetch(`${sala.base}/tablero/graficos/compromisos-institucion.svg?ambito=zona:Sur%20Occidente`)).text();
  assert.match(svg, /Secretaría de Integración Social/);
  await dashboard.screenshot({ path: ARTIFACTS + 'dashboard-1920.png', fullPage: true });
  const phone = await browser.newContext({ viewport: { width: 360, height: 800 }, isMobile: true, locale: 'es-CO' });
  const small = await phone.newPage();
  await small.goto(`${sala.base}/tablero?ambito=mesa:local-08`);
  await hydrated(small);
  await small.screenshot({ path: ARTIFACTS + 'dashboard-360.png', fullPage: true });
  const width = await small.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `dashboard is ${width}px wide at 360px`);
  await phone.close();

  // Close the session: the next one of this Mesa opens with the commitment in its follow-up.
  await board.click('[data-action="cerrar-tablero"]');
  await board.click('[data-action="confirmar-cierre"]');
  await board.waitForURL(`**/sesiones/${session}/acta`);
  const next = sala.cli('session', 'create', '--mesa', 'local-08', '--at', '2026-12-04T09:00:00-05:00').id;
  assert.equal((await fetch(`${sala.base}/api/v1/sessions/${next}/iniciar`, { method: 'POST' })).status, 200);
  await board.goto(sala.cli('invite', '--session', String(next), '--role', 'coordinador').url);
  await hydrated(board);
  await board.waitForSelector('[data-board][data-status="conectado"][data-can-edit="true"]');
  await board.waitForFunction(() => {
    const notes = document.querySelector('li[data-kind="agenda"] textarea[data-field="notes"]');
    return notes?.value.includes('Visitas domiciliarias en Patio Bonito') && notes.value.includes('Secretaría de Integración Social');
  });
  // The session reviews it: done, with evidence; the commitment's history records it.
  const followUp = board.locator('li[data-kind="followups"]', { hasText: 'Visitas domiciliarias en Patio Bonito' });
  await followUp.locator('select[data-field="status"]').selectOption('cumplido');
  await followUp.locator('textarea[data-field="notes"]').fill('120 visitas realizadas');
  await board.waitForTimeout(500);
  await board.click('[data-action="cerrar-tablero"]');
  await board.click('[data-action="confirmar-cierre"]');
  await board.waitForURL(`**/sesiones/${next}/acta`);
  await board.locator('[data-acta-section="followups"] td', { hasText: '120 visitas realizadas' }).waitFor();
  await board.locator('[data-acta-section="followups"] a', { hasText: 'Visitas domiciliarias en Patio Bonito' }).click();
  await board.locator('[data-current-status]', { hasText: 'Cumplido' }).waitFor();
  assert.equal((await board.locator('[data-carry-overs]').textContent()).trim(), '1 sesión(es)');
  await board.locator('[data-history] li', { hasText: '120 visitas realizadas' }).waitFor();
  // Done: the Mesa's third session has nothing left to follow up.
  const third = sala.cli('session', 'create', '--mesa', 'local-08', '--at', '2026-12-18T09:00:00-05:00').id;
  const thirdHtml = await (await fetch(`${sala.base}/sesiones/${third}`)).text();
  assert.match(thirdHtml, /No hay compromisos pendientes de sesiones anteriores/);
  await watcher.close();
  await room.close();
  assert.deepEqual(errors, []);
});
