/**
 * Which files a support ticket message may carry, decided from what the file is, not from what
 * the client says it is: the extension must name an allowed type and the content must be that
 * type (magic bytes for PDF, PNG and JPEG; valid UTF-8 text without NUL bytes for text, CSV and
 * logs; parseable JSON for JSON). Pure; the service passes the received bytes in.
 */

export type AttachmentKind = 'pdf' | 'png' | 'jpeg' | 'text' | 'json' | 'csv' | 'log';

/** The content type each kind is stored and served with. */
export const CONTENT_TYPES: Record<AttachmentKind, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpeg: 'image/jpeg',
  text: 'text/plain; charset=utf-8',
  json: 'application/json',
  csv: 'text/csv; charset=utf-8',
  log: 'text/plain; charset=utf-8',
};

const EXTENSIONS: Record<string, AttachmentKind> = {
  pdf: 'pdf',
  png: 'png',
  jpg: 'jpeg',
  jpeg: 'jpeg',
  txt: 'text',
  json: 'json',
  csv: 'csv',
  log: 'log',
};

/** What the upload form's `accept` attribute offers. */
export const ACCEPT = Object.keys(EXTENSIONS)
  .map((e) => `.${e}`)
  .join(',');

const startsWith = (bytes: Uint8Array, magic: readonly number[]) =>
  bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);

const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Text a person can read: valid UTF-8, no NUL (binary formats are full of them). */
function textOf(bytes: Uint8Array): string | null {
  if (bytes.includes(0)) return null;
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

export type AttachmentCheck =
  | { ok: true; kind: AttachmentKind; contentType: string }
  | { ok: false; reason: string };

/** The file's kind when its extension and its content agree on an allowed type. */
export function checkAttachment(filename: string, bytes: Uint8Array): AttachmentCheck {
  const ext = /\.([A-Za-z0-9]{1,5})$/.exec(filename)?.[1]?.toLowerCase() ?? '';
  const kind = EXTENSIONS[ext];
  if (!kind)
    return { ok: false, reason: 'its extension is not one of .pdf, .png, .jpg, .txt, .json, .csv, .log' };
  if (bytes.length === 0) return { ok: false, reason: 'it is empty' };
  const binary = startsWith(bytes, PDF) || startsWith(bytes, PNG) || startsWith(bytes, JPEG);
  let matches: boolean;
  if (kind === 'pdf') matches = startsWith(bytes, PDF);
  else if (kind === 'png') matches = startsWith(bytes, PNG);
  else if (kind === 'jpeg') matches = startsWith(bytes, JPEG);
  else {
    const text = binary ? null : textOf(bytes);
    if (text === null) matches = false;
    else if (kind === 'json') {
      try {
        JSON.parse(text.replace(/^\uFEFF/, ''));
        matches = true;
      } catch {
        matches = false;
      }
    } else matches = true;
  }
  return matches
    ? { ok: true, kind, contentType: CONTENT_TYPES[kind] }
    : { ok: false, reason: `its content is not a ${ext.toUpperCase()} file` };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
const UNSAFE_IN_NAME = /[\u0000-\u001f\u007f"<>|:*?;]/g;

/**
 * The name kept for a file: its last path segment, without control characters or characters
 * that mean something in a header, at most 150 characters, keeping its extension.
 */
export function cleanFilename(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(UNSAFE_IN_NAME, '_').trim().replace(/^\.+/, '');
  if (!cleaned) return 'attachment';
  if (cleaned.length <= 150) return cleaned;
  const ext = /\.[A-Za-z0-9]{1,5}$/.exec(cleaned)?.[0] ?? '';
  return cleaned.slice(0, 150 - ext.length) + ext;
}

/**
 * A `Content-Disposition: attachment` header for a cleaned name: an ASCII fallback and the exact
 * name in RFC 5987 form, so a browser never renders the file inline on our origin.
 */
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/[\\"]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
