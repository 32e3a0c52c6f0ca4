// Escalation end to end: a barrier escalated from a local board appears in the zonal Mesa's
// inbox (on its board and on its dashboard), the zonal coordination answers it, and the answer
// comes back to the local Mesa's board.
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

async function boardFor(mesa, name, institution) {
  const session = sala.cli('session', 'create', '--mesa', mesa, '--at', '2026-11-20T09:00:00-05:00').id;
  assert.equal((await sala.startMeeting(session)).status, 200);
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, locale: 'es-CO' });
  const page = await context.newPage();
  await page.goto(sala.cli('invite', '--session', String(session), '--role', 'coordinador').url);
  await hydrated(page);
  await page.fill('#join-name', name);
  await page.fill('#join-institution', institution);
  await page.getByRole('button', { name: 'Entrar al tablero' }).click();
  await page.waitForSelector('[data-board][data-status="conectado"][data-can-edit="true"]');
  return { session, context, page };
}

test('an escalated barrier reaches the zonal inbox and its answer comes back to the local Mesa', async () => {
  const errors = [];
  const local = await boardFor('local-09', 'Julia Rojas', 'Subred Sur Occidente');
  local.page.on('pageerror', (e) => errors.push(e.message));
  await local.page.click('[data-add="barriers"]');
  const card = local.page.locator('li[data-kind="barriers"]').last();
  await card.locator('textarea[data-field="description"]').fill('Sin agenda de especialistas para Fontibón');
  await card.locator('[data-action="escalar"]').click();
  await card.locator('[data-field="escalation-reason"]').fill('La oferta de especialistas la define la Subred');
  const answerBy = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
  await card.locator('[data-field="escalation-date"]').fill(answerBy);
  await card.locator('[data-action="enviar-escalamiento"]').click();
  await card.locator('[data-escalated]', { hasText: 'Mesa de Coordinación Técnica' }).waitFor();
  await local.page.waitForFunction(() =>
    document.querySelector('li[data-kind="barriers"] select[data-field="status"]')?.value === 'escalada');
  // The form closed and «Enviados» shows it at once (before the panel's next look, every 5 s).
  assert.equal(await card.locator('[data-field="escalation-reason"]').count(), 0, 'the form closed');
  await local.page.locator('[data-escalations="sent"] li', { hasText: 'Sin agenda de especialistas para Fontibón' })
    .waitFor({ timeout: 3_000 });
  // Sending it up again says where the first one stands.
  await card.locator('[data-action="escalar"]').click();
  await card.locator('[data-field="escalation-reason"]').fill('Otra vez');
  await card.locator('[data-field="escalation-date"]').fill(answerBy);
  await card.locator('[data-action="enviar-escalamiento"]').click();
  await card.getByRole('alert').getByText('Esta barrera ya fue escalada a la Mesa de Coordinación Técnica').waitFor();
  await card.getByRole('alert').getByText('pendiente de decisión').waitFor();

  // The zone's dashboard lists it among open escalations.
  // (Read by the zone's coordination, in a browser of its own: dashboards are not public.)
  const zone = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'es-CO' });
  const dashboard = await zone.newPage();
  await sala.asCoordination(dashboard, 'zona-sur-occidente');
  await dashboard.goto(`${sala.base}/tablero?ambito=zona:Sur%20Occidente`);
  await hydrated(dashboard);
  await dashboard.locator('[data-open-escalations] td', { hasText: 'Sin agenda de especialistas para Fontibón' }).waitFor();
  await zone.close();

  // The zonal Mesa sees it in its inbox and answers.
  const zonal = await boardFor('zona-sur-occidente', 'Pedro Salas', 'Secretaría Distrital de Salud');
  zonal.page.on('pageerror', (e) => errors.push(e.message));
  const received = zonal.page.locator('[data-escalations="received"] li', { hasText: 'Sin agenda de especialistas para Fontibón' });
  await received.waitFor();
  await zonal.page.screenshot({ path: ARTIFACTS + 'escalation-inbox-1600.png', fullPage: true });
  await received.locator('[data-field="escalation-text"]').fill('Se abren 40 cupos de especialistas en la Unidad de Fontibón');
  await received.locator('[data-action="responder"]').click();
  await zonal.page.locator('[data-escalations="received"] [data-escalation-status="respondida"]').waitFor();

  // The answer comes back to the local board (it looks again every few seconds).
  await local.page.locator('[data-escalations="sent"] [data-response]', { hasText: 'Se abren 40 cupos' })
    .waitFor({ timeout: 20_000 });
  await local.page.locator('[data-escalations="sent"] a', { hasText: 'Ver la cadena completa' }).click();
  await local.page.locator('[data-chain] li', { hasText: 'Se abren 40 cupos' }).waitFor();
  await local.context.close();
  await zonal.context.close();
  assert.deepEqual(errors, []);
});

test('the receiving Mesa decides from its page between sessions, and sees only what the status allows', async () => {
  const errors = [];
  const local = await boardFor('local-08', 'Rosa Méndez', 'Subred Sur Occidente');
  await local.page.click('[data-add="barriers"]');
  const card = local.page.locator('li[data-kind="barriers"]').last();
  await card.locator('textarea[data-field="description"]').fill('Transporte a la unidad de Kennedy');
  await card.locator('[data-action="escalar"]').click();
  await card.locator('[data-field="escalation-reason"]').fill('Las rutas dependen de Movilidad');
  const answerBy = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
  await card.locator('[data-field="escalation-date"]').fill(answerBy);
  await card.locator('[data-action="enviar-escalamiento"]').click();
  await card.locator('[data-escalated]').waitFor();
  await local.context.close();

  // Signed out, the Mesa page does not show its escalations (they are the Mesa's business).
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'es-CO' });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${sala.base}/mesas/zona-sur-occidente`);
  await hydrated(page);
  await page.locator('[data-sign-in-hint]').waitFor();
  assert.equal(await page.locator('[data-escalations="received"]').count(), 0);

  // With the Mesa's invitation for its coordination, it decides here.
  await page.goto(sala.cli('invite', '--mesa', 'zona-sur-occidente', '--role', 'coordinador').url);
  await hydrated(page);
  const actionable = page.locator('[data-escalations="received"] li', { hasText: 'Transporte a la unidad de Kennedy' });
  const offered = async () => actionable.locator('[data-action]').evaluateAll((els) => els.map((e) => e.dataset.action));
  await actionable.locator('[data-action="aceptar"]').waitFor();
  assert.deepEqual(await offered(), ['aceptar', 'responder', 'devolver', 'escalar']);
  await actionable.locator('[data-field="escalation-by"]').fill('Pedro Salas (Secretaría Distrital de Salud)');
  await actionable.locator('[data-action="aceptar"]').click();
  await actionable.locator('[data-escalation-status="aceptada"]').waitFor();
  // Accepted: it can be answered or passed on, not accepted or returned again.
  await actionable.locator('[data-action="responder"]').waitFor();
  assert.deepEqual(await offered(), ['responder', 'escalar']);
  await page.screenshot({ path: ARTIFACTS + 'mesa-escalations-1920.png', fullPage: true });
  await context.close();
  assert.deepEqual(errors, []);
});
