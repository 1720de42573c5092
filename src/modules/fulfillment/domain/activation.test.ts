import { describe, expect, it } from 'vitest';
import { readyMail } from '../fulfillment.mail.ts';
import { activationSteps, type DeliveredItem } from './activation.ts';

const links = {
  base: 'https://fhiriq.example',
  bookingUrl: 'https://book.example/fhiriq',
  email: 'ada@example.org',
};
const license = (productType: DeliveredItem['productType'], seats = 1): DeliveredItem => ({
  kind: 'license',
  name: 'Mapper <Pro>',
  productType,
  licenseId: 'lic_1',
  maskedKey: 'FHIR-****-****-****-****-AB12',
  seats,
  validUntil: null,
});

describe('activation steps by product type (002 getActivationInstructions)', () => {
  it('a download: download, install, enter the key, activate', () => {
    const s = activationSteps(license('desktop_software'), links);
    expect(s).toHaveLength(4);
    expect(s[0]).toContain('https://fhiriq.example/account/downloads');
    expect(s[1]).toMatch(/^Install/);
    expect(s[2]).toContain('https://fhiriq.example/account/licenses/lic_1');
    expect(s[2]).toContain('AB12');
    expect(s[3]).toMatch(/^Activate: .*This license has 1 seat: each one activates/);
  });

  it('a hosted service: sign in, the license page, the key; seats sign in themselves', () => {
    const s = activationSteps(license('web_service', 4), links);
    expect(s[0]).toContain('https://fhiriq.example/sign-in with ada@example.org');
    expect(s[1]).toBe(
      'Open the service from your license page: https://fhiriq.example/account/licenses/lic_1.',
    );
    expect(s[2]).toMatch(/^Enter your license key/);
    expect(s[3]).toMatch(/4 seats: .*each signs in with their own address/);
  });

  it('a course: sign in, the training page, the access key', () => {
    const s = activationSteps(
      {
        kind: 'enrollment',
        name: 'FHIR 101',
        productType: 'training_course',
        seats: 1,
        maskedKey: 'TRN-****-****-****-ZZ99',
        validUntil: null,
      },
      links,
    );
    expect(s.join('\n')).toContain('https://fhiriq.example/account/training');
    expect(s.join('\n')).toContain('ZZ99');
    expect(s.join('\n')).not.toContain('participants');
    expect(s[3]).toContain('does not expire');
  });

  it('consulting: the booking link; a fixed-scope engagement is planned with us', () => {
    const hours = activationSteps(
      { kind: 'allocation', name: '10 hours', productType: 'consulting', minutes: 600, expiresAt: null },
      links,
    );
    expect(hours[0]).toBe('Book your first session: https://book.example/fhiriq.');
    const fixed = activationSteps(
      { kind: 'allocation', name: 'Assessment', productType: 'consulting', minutes: null, expiresAt: null },
      links,
    );
    expect(fixed.join(' ')).toMatch(/contact you .* https:\/\/book\.example\/fhiriq/);
  });

  it('anything else: 002’s "contact support" steps', () => {
    expect(activationSteps(license('training_course'), links)[0]).toContain('/contact');
  });

  it('renders each item with its steps, in text and escaped HTML', () => {
    const mail = readyMail(links, { number: 'FIQ-2026-0001', buyerName: 'Ada <b>' }, [
      license('web_service', 2),
    ]);
    expect(mail.subject).toBe('Your FHIR IQ purchase is ready (order FIQ-2026-0001)');
    expect(mail.text).toContain('MAPPER <PRO>\n');
    expect(mail.text).toContain('Start using it:\n\n1. Sign in');
    expect(mail.html).toContain('Mapper &#60;Pro&#62;');
    expect(mail.html).not.toContain('<b>');
    expect(mail.html.match(/<li /g)).toHaveLength(4);
  });
});
