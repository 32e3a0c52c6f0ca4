// The management dashboard end to end: it updates without a reload while a board in another
// browser context records a commitment, and the commitment reappears as follow-up in the Mesa's
// next session once this one is closed; its *vencido* filter finds the overdue commitments
// (derived from the due date, whatever was typed), and its CSV opens in a Spanish spreadsheet.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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
  assert.equal((await sala.startMeeting(session)).status, 200);

  const watcher = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'es-CO' });
  const dashboard = await watcher.newPage();
  dashboard.on('pageerror', (e) => errors.push(e.message));
  // The zone's coordination reads the zone's dashboard (dashboards are not public).
  await sala.asCoordination(dashboard, 'zona-sur-occidente');
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
  const zoneToken = sala.cli('invite', '--mesa', 'zona-sur-occidente', '--role', 'coordinador').token;
  const svg = await (await fetch(`${sala.base}/tablero/graficos/compromisos-institucion.svg?ambito=zona:Sur%20Occidente`, {
    headers: { authorization: `Bearer ${zoneToken}` },
  })).text();
  assert.match(svg, /Secretaría de Integración Social/);
  await dashboard.screenshot({ path: ARTIFACTS + 'dashboard-1920.png', fullPage: true });
  const phone = await browser.newContext({ viewport: { width: 360, height: 800 }, isMobile: true, locale: 'es-CO' });
  const small = await phone.newPage();
  await sala.asCoordination(small, 'local-08');
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
  assert.equal((await sala.startMeeting(next)).status, 200);
  await board.goto(sala.cli('invite', '--session', String(next), '--role', 'coordinador').url);
  await hydrated(board);
  await board.waitForSelector('[data-board][data-status="conectado"][data-can-edit="true"]');
  await board.waitForFunction(() => {
    // (the first item approves the previous acta; the follow-up comes next)
    const notes = [...document.querySelectorAll('li[data-kind="agenda"] textarea[data-field="notes"]')];
    return notes.some((n) => n.value.includes('Visitas domiciliarias en Patio Bonito') && n.value.includes('Secretaría de Integración Social'));
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
  const thirdToken = sala.cli('invite', '--session', String(third), '--role', 'observador').token;
  const thirdHtml = await (await fetch(`${sala.base}/sesiones/${third}`, {
    headers: { cookie: `sala_invitacion=${thirdToken}` },
  })).text();
  assert.match(thirdHtml, /No hay compromisos pendientes de sesiones anteriores/);
  await watcher.close();
  await room.close();
  assert.deepEqual(errors, []);
});

/** `YYYY-MM-DD`, `days` from today (far enough from today for any time zone). */
function day(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

test('the vencido filter finds the overdue commitments, with the semáforo in its colours and a Spanish CSV', async () => {
  const errors = [];
  const session = sala.cli('session', 'create', '--mesa', 'local-10', '--at', `${day(-7)}T09:00:00-05:00`).id;
  assert.equal((await sala.startMeeting(session)).status, 200);
  const room = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-CO' });
  const board = await room.newPage();
  board.on('pageerror', (e) => errors.push(e.message));
  await board.goto(sala.cli('invite', '--session', String(session), '--role', 'coordinador').url);
  await hydrated(board);
  await board.fill('#join-name', 'Rosa Díaz');
  await board.fill('#join-institution', 'Subred Norte');
  await board.getByRole('button', { name: 'Entrar al tablero' }).click();
  await board.waitForSelector('[data-board][data-status="conectado"][data-can-edit="true"]');
  const commit = async (description, institutions, due, status) => {
    await board.click('[data-add="commitments"]');
    const card = board.locator('li[data-kind="commitments"]').last();
    await card.locator('textarea[data-field="description"]').fill(description);
    await card.locator('input[data-field="institutions"]').fill(institutions);
    await card.locator('input[data-field="institutions"]').press('Tab');
    await card.locator('input[data-field="due"]').fill(due);
    await card.locator('input[data-field="due"]').press('Tab');
    if (status) await card.locator('select[data-field="status"]').selectOption(status);
  };
  // Overdue: pending, past its date. Not overdue: typed «Vencido» with its date ahead; done late.
  await commit('Jornada de salud oral en Engativá', 'Subred Norte; Secretaría de Educación', day(-5));
  await commit('Taller de nutrición en Boyacá Real', 'subred norte', day(30), 'vencido');
  await commit('Entrega de kits escolares', 'Secretaría de Educación', day(-3), 'cumplido');

  const watcher = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'es-CO' });
  const page = await watcher.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await sala.asCoordination(page, 'local-10');
  await page.goto(`${sala.base}/tablero?ambito=mesa:local-10`);
  await hydrated(page);
  await page.waitForFunction(() => document.querySelector('[data-total="commitments"]')?.textContent.trim() === '3', null, { timeout: 15_000 });
  const rows = (chart) => page.locator(`[data-chart="${chart}"] tbody tr`).evaluateAll((trs) =>
    trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim()).join(' = ')));
  // The last edit made on the board is projected, so every earlier one is too.
  await page.locator('[data-chart="compromisos-estado"] td', { hasText: 'Cumplido' }).waitFor({ timeout: 15_000 });
  // Unfiltered: the typed «Vencido» that is not late counts as pending.
  assert.deepEqual(await rows('compromisos-estado'), ['Pendiente = 1', 'Cumplido = 1', 'Vencido = 1']);

  // The filter, as a person uses it: choose «Vencido», apply.
  await page.selectOption('#estado', 'vencido');
  await page.getByRole('button', { name: 'Aplicar' }).click();
  await page.waitForURL(/estado=vencido/);
  await hydrated(page);
  await page.waitForFunction(() => document.querySelector('[data-total="commitments"]')?.textContent.trim() === '1');
  assert.equal(await page.locator('#estado').inputValue(), 'vencido', 'the filter shows what it filters');
  const overdue = await page.locator('[data-overdue] tbody tr').allTextContents();
  assert.equal(overdue.length, 1, overdue.join('\n'));
  assert.match(overdue[0], /Jornada de salud oral en Engativá/);
  assert.match(overdue[0], /Subred Norte; Secretaría de Educación/);
  assert.deepEqual(await rows('compromisos-estado'), ['Vencido = 1']);
  assert.deepEqual(await rows('compromisos-semaforo'), ['Vencido = 1']);
  assert.equal(await page.locator('[data-chart="compromisos-semaforo"] tbody tr').getAttribute('data-tone'), 'vencido');
  // One field, two institutions: each counts.
  assert.deepEqual(await rows('compromisos-institucion'), ['Secretaría de Educación = 1', 'Subred Norte = 1']);
  // The semáforo chart is drawn in the semáforo's colours, with its legend.
  const localToken = sala.cli('invite', '--mesa', 'local-10', '--role', 'coordinador').token;
  const svg = await (await fetch(`${sala.base}/tablero/graficos/compromisos-semaforo.svg?ambito=mesa:local-10&estado=vencido`, {
    headers: { authorization: `Bearer ${localToken}` },
  })).text();
  assert.match(svg, /fill="#B91C1C"/i);
  assert.match(svg, /pasó la fecha límite sin cumplirse/);
  // Empty panels say so.
  assert.equal((await page.locator('[data-chart="barreras-tipo"] .empty').textContent()).trim(), 'No hay barreras con estos filtros.');
  assert.equal((await page.locator('[data-open-escalations] [data-empty]').textContent()).trim(),
    'No hay escalamientos esperando respuesta con estos filtros.');

  // The overdue list's CSV, downloaded from the page, is what a Spanish spreadsheet opens.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-overdue] a[download]')]);
  const bytes = readFileSync(await download.path());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with a byte-order mark');
  const lines = bytes.subarray(3).toString('utf8').split('\r\n');
  assert.equal(lines[0], 'compromiso;institución;responsable;Mesa;fecha límite;días de retraso');
  assert.match(lines[1], /^Jornada de salud oral en Engativá;"Subred Norte; Secretaría de Educación";;[^;]+;\d{4}-\d\d-\d\d;\d+$/);
  assert.equal(lines[2], '');

  await page.screenshot({ path: ARTIFACTS + 'dashboard-vencido-1920.png', fullPage: true });
  const phone = await browser.newContext({ viewport: { width: 360, height: 800 }, isMobile: true, locale: 'es-CO' });
  const small = await phone.newPage();
  small.on('pageerror', (e) => errors.push(e.message));
  await sala.asCoordination(small, 'local-10');
  await small.goto(`${sala.base}/tablero?ambito=mesa:local-10&estado=vencido`);
  await hydrated(small);
  await small.screenshot({ path: ARTIFACTS + 'dashboard-vencido-360.png', fullPage: true });
  const width = await small.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `dashboard is ${width}px wide at 360px`);
  await phone.close();
  await watcher.close();
  await room.close();
  assert.deepEqual(errors, []);
});
