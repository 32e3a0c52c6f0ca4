// A vote on an agreement, live: the coordination opens it from the agreement's card, a member
// votes from her phone, the secretary records a member in the room, the projector shows the
// tally as it moves; a second ballot is refused; closing writes the result into the agreement,
// which every board shows and the acta prints.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, hydrated, joinBoard, launchChromium, newContext, startSala } from '../lib/harness.mjs';

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



async function addMember(page, name, institution) {
  const form = page.locator('#form-integrante');
  await form.getByLabel('Nombre').fill(name);
  await form.getByLabel('Rol en la Mesa').fill('Integrante');
  await form.getByLabel('Participa como').selectOption('titular');
  await form.getByLabel('Institución').fill(institution);
  await form.getByLabel('Sector').fill('Salud');
  await form.getByRole('button', { name: 'Agregar integrante' }).click();
  await page.locator('#tabla-integrantes').getByText(name).waitFor();
}

const count = (page, choice) => page.locator(`[data-choice="${choice}"] [data-count]`).first();

test('a vote from two devices and the room, tallied live on the projector, lands in the agreement', async () => {
  // The Mesa's three members (quorum is counted against them).
  const secretary = await newContext(browser, errors);
  await sala.asCoordination(secretary.page, 'local-12');
  await secretary.page.goto(`${sala.base}/mesas/local-12`);
  await hydrated(secretary.page);
  for (const [name, institution] of [['Marta Ruiz', 'Subred Sur'], ['Luis Gómez', 'EPS Sanitas'], ['Rosa Díaz', 'JAC Usme']]) {
    await addMember(secretary.page, name, institution);
  }
  await secretary.ctx.close();

  const session = sala.cli('session', 'create', '--mesa', 'local-12', '--at', '2026-11-24T09:00:00-05:00').id;
  assert.equal((await sala.startMeeting(session)).status, 200);

  const coordination = await newContext(browser, errors);
  const marta = coordination.page;
  await joinBoard(marta, sala.invite(session, 'coordinador', 'Marta Ruiz'), 'Marta Ruiz', 'Subred Sur');
  const phone = await newContext(browser, errors, { width: 360, height: 800 });
  const luis = phone.page;
  await joinBoard(luis, sala.invite(session, 'participante', 'Luis Gómez'), 'Luis Gómez', 'EPS Sanitas');
  const wall = await newContext(browser, errors);
  const projector = wall.page;
  const observer = new URL(sala.invite(session, 'observador')).searchParams.get('token');
  await projector.goto(`${sala.base}/sesiones/${session}/proyector?token=${encodeURIComponent(observer)}`);
  await projector.waitForSelector('[data-projector][data-status="conectado"]');

  // Rosa is in the room: the secretary writes her attendance.
  await marta.click('[data-add="attendance"]');
  const rosa = marta.locator('li[data-kind="attendance"]').last();
  await rosa.locator('[data-field="name"]').fill('Rosa Díaz');
  await rosa.locator('[data-field="name"]').press('Tab');
  await marta.locator('[data-quorum="true"]', { hasText: '3 de 3 integrantes' }).waitFor();

  await marta.click('[data-add="agreements"]');
  const card = marta.locator('li[data-kind="agreements"]').last();
  await card.locator('textarea[data-field="statement"]').fill('Brigada de salud en Usme rural cada mes');
  await card.locator('textarea[data-field="statement"]').press('Tab');
  await card.locator('[data-action="abrir-votacion"]').click();
  await card.locator('[data-open-poll]').waitFor();

  // The projector shows the open vote with its statement; Luis's phone offers him his ballot.
  const projected = projector.locator('[data-projected-poll]');
  await projected.getByText('Brigada de salud en Usme rural cada mes').waitFor();
  const luisCard = luis.locator('li[data-kind="agreements"]').last();
  await luisCard.locator('[data-vote="a_favor"]').click();
  await luisCard.locator('[data-voted]').waitFor();
  await projected.locator('[data-choice="a_favor"] [data-count="1"]').waitFor();
  assert.equal(await luisCard.locator('[data-vote]').count(), 0, 'one ballot per person');

  // The secretary records Rosa (in the room); she is offered, Luis (who voted) is not.
  const room = card.locator('[data-field="poll-attendee"]');
  const offered = await room.locator('option').allTextContents();
  assert.ok(offered.includes('Rosa Díaz') && !offered.includes('Luis Gómez'), offered.join(', '));
  await room.selectOption({ label: 'Rosa Díaz' });
  await card.locator('[data-record="en_contra"]').click();
  await projected.locator('[data-choice="en_contra"] [data-count="1"]').waitFor();
  // Marta votes as herself from her laptop.
  await card.locator('[data-vote="a_favor"]').click();
  await projected.locator('[data-choice="a_favor"] [data-count="2"]').waitFor();
  await projected.locator('[data-cast="3"]', { hasText: '3 de 3 integrantes · hay quórum' }).waitFor();
  await projector.screenshot({ path: ARTIFACTS + 'vote-projector-1920.png' });
  await luis.screenshot({ path: ARTIFACTS + 'vote-phone-360.png', fullPage: true });
  const width = await luis.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the board is ${width}px wide at 360px`);

  // A second ballot from Luis through the server function is refused, in Spanish.
  const poll = await card.locator('[data-open-poll]').getAttribute('data-open-poll');
  const again = await luis.evaluate(async (poll) => {
    const response = await fetch('/api/cast_ballot', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ poll, choice: 'en_contra' }),
    });
    return { status: response.status, body: await response.text() };
  }, poll);
  assert.equal(again.status, 409);
  assert.match(again.body, /Luis Gómez ya votó/);

  await card.locator('[data-action="cerrar-votacion"]').click();
  const result = 'Votación: aprobado · 2 a favor, 1 en contra, 0 abstenciones · 3 de 3 integrantes · hay quórum';
  for (const page of [marta, luis]) {
    await page.locator('li[data-kind="agreements"] [data-outcome]', { hasText: result }).waitFor();
  }
  await projected.waitFor({ state: 'detached' });
  await marta.screenshot({ path: ARTIFACTS + 'vote-closed-1920.png', fullPage: true });

  // The acta prints how the agreement was decided.
  await marta.click('[data-action="cerrar-tablero"]');
  await marta.click('[data-action="confirmar-cierre"]');
  await marta.waitForURL(`**/sesiones/${session}/acta`);
  await hydrated(marta);
  await marta.locator('[data-acta-section="agreements"]', { hasText: result }).waitFor();
  for (const c of [coordination, phone, wall]) await c.ctx.close();
});
