import { describe, expect, it } from 'vitest';
import { attachmentDisposition, checkAttachment, cleanFilename } from './attachment.ts';

const bytes = (s: string | number[]) =>
  typeof s === 'string' ? new TextEncoder().encode(s) : Uint8Array.from(s);
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];
const JPEG = [0xff, 0xd8, 0xff, 0xe0, 0, 16];

describe('attachment types', () => {
  it.each([
    ['report.pdf', bytes('%PDF-1.7\n...'), 'application/pdf'],
    ['SCREEN.PNG', bytes(PNG), 'image/png'],
    ['photo.jpeg', bytes(JPEG), 'image/jpeg'],
    ['photo.jpg', bytes(JPEG), 'image/jpeg'],
    ['notes.txt', bytes('line one\nline two — ü'), 'text/plain; charset=utf-8'],
    ['bundle.json', bytes('{"resourceType":"Bundle"}'), 'application/json'],
    ['export.csv', bytes('a,b\n1,2\n'), 'text/csv; charset=utf-8'],
    ['server.log', bytes('2026-11-01 ERROR x'), 'text/plain; charset=utf-8'],
  ])('accepts %s', (name, content, type) => {
    expect(checkAttachment(name, content)).toEqual({ ok: true, kind: expect.any(String), contentType: type });
  });

  it.each([
    ['script.html', bytes('<script>alert(1)</script>')],
    ['run.exe', bytes('MZ\u0000\u0000')],
    ['noext', bytes('hello')],
    ['fake.pdf', bytes('<html>not a pdf</html>')],
    ['fake.png', bytes('%PDF-1.4')],
    ['image.txt', bytes(PNG)],
    ['binary.log', bytes([0x41, 0x00, 0x42])],
    ['latin1.txt', bytes([0x63, 0x61, 0x66, 0xe9])],
    ['broken.json', bytes('{"a": ')],
    ['empty.txt', bytes('')],
    ['doc.pdf.html', bytes('%PDF-1.4')],
  ])('refuses %s', (name, content) => {
    expect(checkAttachment(name, content).ok).toBe(false);
  });
});

describe('file names', () => {
  it('keeps the last path segment without header or control characters', () => {
    expect(cleanFilename('C:\\Users\\x\\lab "results".pdf')).toBe('lab _results_.pdf');
    expect(cleanFilename('../../etc/passwd')).toBe('passwd');
    expect(cleanFilename('a\r\nb.txt')).toBe('a__b.txt');
    expect(cleanFilename('...')).toBe('attachment');
    expect(cleanFilename(`${'x'.repeat(300)}.json`)).toMatch(/^x{145}\.json$/);
  });

  it('makes an attachment disposition with an ASCII fallback and the exact name', () => {
    expect(attachmentDisposition('Bericht Müller.pdf')).toBe(
      `attachment; filename="Bericht M_ller.pdf"; filename*=UTF-8''Bericht%20M%C3%BCller.pdf`,
    );
  });
});
