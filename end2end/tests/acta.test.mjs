// The acta's cycle end to end: closing a session leaves a draft; an attendee leaves an
// observation from a phone; the coordination answers it and corrects the draft; the Mesa's
// next session opens with «Aprobación del acta anterior» and the Mesa approves it there; the
// acta is locked with its digest and its PDF, read back with pdftotext, holds all of it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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
});



async function reload(page) {
  await page.reload();
  await hydrated(page);
}

const noSidewaysScroll = async (page) => {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the page is ${width}px wide at 360px`);
};

test('draft → observation → answer and correction → approval in the next session → locked PDF', async () => {
  const session = sala.cli('session', 'create', '--mesa', 'local-11', '--at', '2026-11-24T09:00:00-05:00').id;
  assert.equal((await sala.startMeeting(session)).status, 200);

  const coordination = await newContext(browser, errors);
  const marta = coordination.page;
  await joinBoard(marta, sala.invite(session, 'coordinador', 'Marta Ruiz'), 'Marta Ruiz', 'Subred Norte');
  const attendee = await newContext(browser, errors, { width: 360, height: 800 });
  const luis = attendee.page;
  await joinBoard(luis, sala.invite(session, 'participante', 'Luis Gómez'), 'Luis Gómez', 'Junta de Acción Comunal Suba');

  await marta.click('[data-add="agreements"]');
  const agreement = marta.locator('li[data-kind="agreements"]').last();
  await agreement.locator('textarea[data-field="statement"]').fill('Jornada de vacunacion en Suba Rincón');
  await agreement.locator('textarea[data-field="statement"]').press('Tab');
  await marta.waitForTimeout(500);

  // Closing leaves a draft with five working days of observations.
  await marta.click('[data-action="cerrar-tablero"]');
  await marta.click('[data-action="confirmar-cierre"]');
  await marta.waitForURL(`**/sesiones/${session}/acta`);
  await hydrated(marta);
  await marta.locator('[data-acta-state="borrador"]').waitFor();
  await marta.locator('[data-acta-status]', { hasText: 'observaciones hasta' }).waitFor();

  // The attendee, on a phone, observes the draft.
  await luis.goto(`${sala.base}/sesiones/${session}/acta`);
  await hydrated(luis);
  await luis.fill('#observation-text', 'Falta la tilde: «vacunación».');
  await luis.getByRole('button', { name: 'Enviar observación' }).click();
  await luis.locator('[data-observation]', { hasText: 'Falta la tilde' }).waitFor();
  await luis.locator('[data-observation]', { hasText: 'Luis Gómez' }).waitFor();
  assert.equal(await luis.locator('[data-form="aprobar"]').count(), 0, 'attendees do not approve');
  assert.equal(await luis.inputValue('#observation-text'), '', 'the form is ready for another');
  await luis.screenshot({ path: ARTIFACTS + 'acta-draft-360.png', fullPage: true });
  await noSidewaysScroll(luis);

  // The coordination answers and corrects the agreement's text.
  await reload(marta);
  const observation = marta.locator('[data-observation]', { hasText: 'Falta la tilde' });
  await observation.locator('textarea').fill('Corregido en el acuerdo.');
  await observation.getByRole('button', { name: 'Responder' }).click();
  await observation.locator('[data-answer]', { hasText: 'Corregido en el acuerdo.' }).waitFor();
  const target = await marta.locator('#correct-target option', { hasText: 'Jornada de vacunacion' }).getAttribute('value');
  await marta.selectOption('#correct-target', target);
  assert.equal(await marta.inputValue('#correct-text'), 'Jornada de vacunacion en Suba Rincón', 'shows what it says');
  await marta.fill('#correct-text', 'Jornada de vacunación en Suba Rincón');
  await marta.getByRole('button', { name: 'Guardar corrección' }).click();
  await marta.locator('[data-acta-section="corrections"] td', { hasText: 'Jornada de vacunacion en Suba Rincón' }).waitFor();
  await marta.locator('[data-acta-section="agreements"] li', { hasText: 'Jornada de vacunación en Suba Rincón' }).waitFor();

  // Before the period ends and before the next session, approval is not yet possible.
  const approve = marta.locator('[data-form="aprobar"]');
  assert.ok(await approve.getByRole('button', { name: 'Aprobar el acta' }).isDisabled());

  // The next session starts with the approval of this acta as its first item.
  const next = sala.cli('session', 'create', '--mesa', 'local-11', '--at', '2026-12-01T09:00:00-05:00').id;
  assert.equal((await sala.startMeeting(next)).status, 200);
  const room = await newContext(browser, errors);
  await joinBoard(room.page, sala.invite(next, 'coordinador', 'Marta Ruiz'), 'Marta Ruiz', 'Subred Norte');
  const first = room.page.locator('li[data-kind="agenda"]').first();
  assert.equal(await first.locator('[data-field="title"]').inputValue(), 'Aprobación del acta anterior');
  assert.equal(await first.locator('[data-open-acta]').getAttribute('href'), `/sesiones/${session}/acta`);
  await first.screenshot({ path: ARTIFACTS + 'acta-next-board-1920.png' });
  await room.ctx.close();

  await reload(marta);
  await approve.locator('input[value="sesion"]').check();
  await approve.locator('#decided-by').selectOption('consenso');
  await approve.getByRole('button', { name: 'Aprobar el acta' }).click();
  await marta.locator('[data-acta-state="aprobada"]').waitFor();
  const digest = (await marta.locator('[data-acta-digest]').textContent()).trim();
  assert.match(digest, /^[0-9a-f]{64}$/);
  await marta.locator('[data-approval]', { hasText: 'Aprobada por la Mesa en la sesión 2 (consenso)' }).waitFor();
  assert.equal(await marta.locator('[data-form="corregir"]').count(), 0, 'locked: nothing to correct');
  await marta.screenshot({ path: ARTIFACTS + 'acta-approved-1920.png', fullPage: true });

  // Locked: the attendee can no longer observe it, and a forged request is refused.
  await reload(luis);
  await luis.locator('[data-observe-closed]', { hasText: 'aprobada' }).waitFor();
  const refused = await luis.evaluate(async (id) => {
    const response = await fetch('/api/observe_acta', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `session=${id}&text=tarde`,
    });
    return { status: response.status, body: await response.text() };
  }, session);
  assert.ok(refused.status >= 400, `refused with ${refused.status}`);
  assert.match(refused.body, /aprobada/);
  await luis.screenshot({ path: ARTIFACTS + 'acta-approved-360.png', fullPage: true });
  await noSidewaysScroll(luis);

  // The PDF downloads from the page and holds the acta, its cycle and its digest.
  const [download] = await Promise.all([marta.waitForEvent('download'), marta.click('[data-download="pdf"]')]);
  assert.match(download.suggestedFilename(), /^acta-local-11-1\.pdf$/);
  const file = ARTIFACTS + 'acta.pdf';
  await download.saveAs(file);
  const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
  for (const expected of ['Acta n.º 1 · Mesa Local', 'Asistencia (2)', 'Marta Ruiz', 'Luis Gómez',
    'Jornada de vacunación en Suba Rincón', 'Falta la tilde', 'Corregido en el acuerdo.',
    'Correcciones al borrador (1)', 'Aprobada por la Mesa en la sesión 2 (consenso)', digest, 'Página 1 de']) {
    assert.ok(text.includes(expected), `the PDF says «${expected}»:\n${text}`);
  }
  const fonts = execFileSync('pdffonts', [file]).toString();
  assert.match(fonts, /DejaVuSans/);
  assert.doesNotMatch(fonts.split('\n').slice(2).join('\n'), / no +(yes|no) +(yes|no) /, `fonts embedded:\n${fonts}`);
  execFileSync('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '2', file, ARTIFACTS + 'acta-pdf']);

  await coordination.ctx.close();
  await attendee.ctx.close();
  assert.deepEqual(errors, []);
});
