import type {} from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { multipartTrust, verifyFormToken } from '../../platform/http/multipart-csrf.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { DownloadsService, ReceivedFile, ReleaseFields } from './downloads.service.ts';

/**
 * Reading a release upload (multipart/form-data) as a stream. The platform's CSRF policy runs
 * before the body is parsed, which for a streamed multipart body is before its `_csrf` field
 * exists; upload routes therefore opt out of the generic hook and apply the same policy
 * (platform/http/multipart-csrf.ts) before a single byte of the file is written.
 */

const FIELDS = new Set(['productKey', 'version', 'platform', 'notes']);

/** Multipart parser limits; the file size limit is RELEASE_MAX_BYTES. */
export const multipartLimits = (maxBytes: number) => ({
  fileSize: maxBytes,
  files: 1,
  fields: 10,
  parts: 12,
  fieldSize: 64 * 1024,
  fieldNameSize: 100,
});

function translate(err: unknown): unknown {
  const code = (err as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return new AppError('RELEASE_TOO_LARGE');
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') return new AppError('UNSUPPORTED_MEDIA_TYPE');
  if (code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT')
    return new AppError('VALIDATION_FAILED', undefined, {
      details: [{ path: '/', message: 'has too many parts: one file and the release fields' }],
    });
  return err;
}

/** The release's fields and its file (received to a temporary file); nothing is kept on a refusal. */
export async function readUpload(
  app: HttpServer,
  request: FastifyRequest,
  reply: FastifyReply,
  downloads: DownloadsService,
): Promise<{ fields: ReleaseFields; file: ReceivedFile | undefined }> {
  let trusted = await multipartTrust(app, request, reply, downloads.publicUrl);
  const values: Record<string, string> = {};
  let file: ReceivedFile | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (part.fieldname === '_csrf' && !trusted) {
          await verifyFormToken(app, request, reply, typeof part.value === 'string' ? part.value : undefined);
          trusted = true;
          continue;
        }
        if (!FIELDS.has(part.fieldname)) continue;
        if (part.valueTruncated || typeof part.value !== 'string')
          throw new AppError('VALIDATION_FAILED', undefined, {
            details: [{ path: `/${part.fieldname}`, message: 'is too long' }],
          });
        values[part.fieldname] = part.value;
        continue;
      }
      if (!trusted || part.fieldname !== 'file' || file) {
        // The file is not read: its bytes are dropped as they arrive.
        part.file.resume();
        throw trusted
          ? new AppError('VALIDATION_FAILED', undefined, {
              details: [{ path: `/${part.fieldname}`, message: 'must be the one file, named "file"' }],
            })
          : new AppError('CSRF_INVALID');
      }
      file = await downloads.receive(part.file, part.filename);
    }
  } catch (err) {
    await downloads.discard(file);
    throw translate(err);
  }
  if (!trusted) {
    await downloads.discard(file);
    throw new AppError('CSRF_INVALID');
  }
  return {
    fields: {
      productKey: (values.productKey ?? '').trim(),
      version: (values.version ?? '').trim(),
      platform: (values.platform ?? '').trim(),
      notes: values.notes ?? '',
    },
    file,
  };
}
