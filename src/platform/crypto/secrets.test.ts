import { describe, expect, it } from 'vitest';
import { Secrets } from './secrets.ts';

const secrets = new Secrets('a root secret of at least thirty-two bytes');

describe('byte encryption at rest', () => {
  const plain = Buffer.from('%PDF-1.7 patient report\n\u0000\u00ff', 'latin1');

  it('round-trips and never stores the plaintext', () => {
    const box = secrets.encryptBytes('files', plain, 'att_1');
    expect(box.includes(Buffer.from('patient'))).toBe(false);
    expect(secrets.decryptBytes('files', box, 'att_1').equals(plain)).toBe(true);
    // A fresh IV each time.
    expect(secrets.encryptBytes('files', plain, 'att_1').equals(box)).toBe(false);
  });

  it('refuses another row, another purpose, another root secret or a changed byte', () => {
    const box = secrets.encryptBytes('files', plain, 'att_1');
    expect(() => secrets.decryptBytes('files', box, 'att_2')).toThrow();
    expect(() => secrets.decryptBytes('other', box, 'att_1')).toThrow();
    expect(() =>
      new Secrets('another root secret, also long enough!!').decryptBytes('files', box, 'att_1'),
    ).toThrow();
    const tampered = Buffer.from(box);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => secrets.decryptBytes('files', tampered, 'att_1')).toThrow();
    expect(() => secrets.decryptBytes('files', Buffer.from([1, 2, 3]), 'att_1')).toThrow(
      'Unknown ciphertext format',
    );
  });
});
