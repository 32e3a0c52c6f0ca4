// Evidence on a commitment, as a Mesa uses it: the secretary attaches the signed list (a PDF)
// on her laptop, it appears on a participant's phone at once and downloads as an attachment
// with its exact bytes; a program renamed «acta.pdf» is refused in Spanish; closing the session
// freezes the file into the acta.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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



const PDF = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n', 'latin1');

test('a PDF attached on a commitment reaches the phone, downloads whole and stays in the acta', async () => {
  const session = sala.cli('session', 'create', '--mesa', 'local-13', '--at', '2026-11-24T09:00:00-05:00').id;
  assert.equal((await sala.startMeeting(session)).status, 200);
  const laptop = await newContext(browser, errors);
  const marta = laptop.page;
  await joinBoard(marta, sala.invite(session, 'coordinador', 'Marta Ruiz'), 'Marta Ruiz', 'Subred Sur');
  const phone = await newContext(browser, errors, { width: 360, height: 800 });
  const luis = phone.page;
  await joinBoard(luis, sala.invite(session, 'participante', 'Luis Gómez'), 'Luis Gómez', 'EPS Sanitas');

  await marta.click('[data-add="commitments"]');
  const card = marta.locator('li[data-kind="commitments"]').last();
  await card.locator('textarea[data-field="description"]').fill('Visita a la vereda El Destino');
  await card.locator('textarea[data-field="description"]').press('Tab');
  await card.locator('[data-field="evidence-file"]').setInputFiles({
    name: 'Lista firmada visita.pdf', mimeType: 'application/pdf', buffer: PDF,
  });
  await card.locator('[data-evidence]', { hasText: 'Lista firmada visita.pdf' }).waitFor();

  // The phone hears of it and downloads it, byte for byte, as an attachment.
  const onPhone = luis.locator('li[data-kind="commitments"] [data-evidence]', { hasText: 'Lista firmada visita.pdf' });
  await onPhone.waitFor();
  await onPhone.getByText(/· PDF ·/).waitFor();
  const [download] = await Promise.all([luis.waitForEvent('download'), onPhone.locator('a').click()]);
  assert.equal(download.suggestedFilename(), 'Lista firmada visita.pdf');
  assert.deepEqual(readFileSync(await download.path()), PDF);
  await luis.screenshot({ path: ARTIFACTS + 'evidence-phone-360.png', fullPage: true });
  const width = await luis.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the board is ${width}px wide at 360px`);

  // A program renamed as a PDF is refused, with the reason beside the commitment.
  await card.locator('[data-field="evidence-file"]').setInputFiles({
    name: 'acta.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff', 'latin1'),
  });
  await card.locator('[data-evidence-error]', { hasText: 'por su contenido, no por su nombre' }).waitFor();
  assert.equal(await card.locator('[data-evidence]').count(), 1);
  await marta.screenshot({ path: ARTIFACTS + 'evidence-board-1920.png', fullPage: true });

  await marta.click('[data-action="cerrar-tablero"]');
  await marta.click('[data-action="confirmar-cierre"]');
  await marta.waitForURL(`**/sesiones/${session}/acta`);
  await hydrated(marta);
  const listed = marta.locator('[data-acta-section="evidence"]');
  await listed.getByText('Lista firmada visita.pdf').waitFor();
  await listed.getByText('Compromiso: Visita a la vereda El Destino').waitFor();
  await marta.screenshot({ path: ARTIFACTS + 'evidence-acta-1920.png', fullPage: true });
  for (const c of [laptop, phone]) await c.ctx.close();
  assert.deepEqual(errors, []);
});
