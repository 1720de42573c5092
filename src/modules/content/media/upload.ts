import type {} from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../../platform/errors.ts';
import type { HttpServer } from '../../../platform/http/server.ts';

/**
 * Image uploads into the content media store: at most 10 MB, PNG, JPEG or WebP by their bytes
 * (the name and the declared type are not trusted), then decoded by sharp before anything is
 * kept. The multipart body is read as a stream inside the handler, after the route's guard, so
 * nobody without the permission gets a byte buffered; the CSRF policy is applied here because the
 * platform's hook runs before a streamed form's `_csrf` field exists (the form puts it first).
 */

export const MEDIA_MAX_BYTES = 10 * 1024 * 1024;
export const MEDIA_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;

/** The image type its first bytes say, or null. */
export function sniffImage(bytes: Buffer): (typeof MEDIA_TYPES)[number] | null {
  if (
    bytes.length >= 8 &&
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  ) {
    return 'image/png';
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (
    bytes.length >= 12 &&
    bytes.subarray(0, 4).toString('latin1') === 'RIFF' &&
    bytes.subarray(8, 12).toString('latin1') === 'WEBP'
  ) {
    return 'image/webp';
  }
  return null;
}

/** A file name safe to show and store: letters, digits, dot, dash and underscore, at most 100. */
export function safeMediaName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const safe = base
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+/, '')
    .slice(0, 100);
  return safe || 'image';
}

export const mediaMultipartLimits = {
  fileSize: MEDIA_MAX_BYTES,
  files: 1,
  fields: 4,
  parts: 5,
  fieldSize: 4096,
  fieldNameSize: 100,
};

const isBearer = (request: FastifyRequest) => /^Bearer\s+\S+/i.test(request.headers.authorization ?? '');

async function verifyCsrf(
  app: HttpServer,
  request: FastifyRequest,
  reply: FastifyReply,
  token: string | undefined,
) {
  if (!token) throw new AppError('CSRF_INVALID');
  request.body = { _csrf: token };
  await new Promise<void>((resolve, reject) => {
    // csrfProtection answers a failure through reply.send: a stand-in turns that into our error.
    const probe = {
      unsignCookie: (value: string) => reply.unsignCookie(value),
      send: () => reject(new AppError('CSRF_INVALID')),
    } as unknown as FastifyReply;
    app.csrfProtection(request, probe, () => resolve());
  });
}

/** The one image of an upload form (`file`), with the form's `alt` field if any. */
export async function readImageUpload(
  app: HttpServer,
  request: FastifyRequest,
  reply: FastifyReply,
  publicUrl: string,
): Promise<{ bytes: Buffer; name: string }> {
  if (!request.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
  const origin = request.headers.origin;
  const bearer = isBearer(request);
  if (
    !bearer &&
    origin &&
    origin !== new URL(publicUrl).origin &&
    origin !== `${request.protocol}://${request.host}`
  ) {
    throw new AppError('CSRF_INVALID');
  }
  let trusted = bearer;
  const header = request.headers['x-csrf-token'];
  if (!trusted && typeof header === 'string') {
    await verifyCsrf(app, request, reply, header);
    trusted = true;
  }
  let file: { bytes: Buffer; name: string } | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (part.fieldname === '_csrf' && !trusted) {
          await verifyCsrf(app, request, reply, typeof part.value === 'string' ? part.value : undefined);
          trusted = true;
        }
        continue;
      }
      if (!trusted) {
        part.file.resume();
        throw new AppError('CSRF_INVALID');
      }
      if (part.fieldname !== 'file' || file) {
        part.file.resume();
        throw new AppError('VALIDATION_FAILED', undefined, {
          details: [{ path: `/${part.fieldname}`, message: 'must be the one image, named "file"' }],
        });
      }
      const bytes = await part.toBuffer();
      file = { bytes, name: part.filename };
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError('CONTENT_MEDIA_TOO_LARGE');
    if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') throw new AppError('UNSUPPORTED_MEDIA_TYPE');
    if (code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') {
      throw new AppError('VALIDATION_FAILED', undefined, {
        details: [{ path: '/', message: 'has too many parts: one image and the form token' }],
      });
    }
    throw err;
  }
  if (!trusted) throw new AppError('CSRF_INVALID');
  if (!file || file.bytes.length === 0) {
    throw new AppError('VALIDATION_FAILED', undefined, {
      details: [{ path: '/file', message: 'is required' }],
    });
  }
  return file;
}
