import type {} from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { multipartTrust, verifyFormToken } from '../../platform/http/multipart-csrf.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { ReceivedAttachment } from './support-attachments.ts';

/**
 * Reading a ticket message with files (multipart/form-data). The parser is registered only in
 * the scope of the attachment routes; its limits are the configured size and count, so a larger
 * file or one file too many stops the upload (and nothing is kept: files are read into memory and
 * checked before the service writes anything). The CSRF policy is applied here, before any file
 * part is read (platform/http/multipart-csrf.ts). File names are never logged.
 */

export interface AttachmentForm {
  body: string;
  status: string;
  files: ReceivedAttachment[];
}

const FIELDS = new Set(['body', 'status']);

export const attachmentLimits = (limits: { maxBytes: number; perMessage: number }) => ({
  fileSize: limits.maxBytes,
  files: limits.perMessage,
  fields: 10,
  parts: limits.perMessage + 10,
  fieldSize: 64 * 1024,
  fieldNameSize: 100,
});

function translate(err: unknown, perMessage: number): unknown {
  const code = (err as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return new AppError('ATTACHMENT_TOO_LARGE');
  if (code === 'FST_FILES_LIMIT')
    return new AppError('TOO_MANY_ATTACHMENTS', `At most ${perMessage} files per message.`);
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') return new AppError('UNSUPPORTED_MEDIA_TYPE');
  if (code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_PROTO_VIOLATION')
    return new AppError('VALIDATION_FAILED', undefined, {
      details: [{ path: '/', message: 'has too many parts: the message, the status and the files' }],
    });
  return err;
}

export async function readAttachmentForm(
  app: HttpServer,
  request: FastifyRequest,
  reply: FastifyReply,
  options: { publicUrl: string; perMessage: number },
): Promise<AttachmentForm> {
  let trusted = await multipartTrust(app, request, reply, options.publicUrl);
  const values: Record<string, string> = {};
  const files: ReceivedAttachment[] = [];
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
      if (!trusted || part.fieldname !== 'file') {
        // Not read: its bytes are dropped as they arrive.
        part.file.resume();
        throw trusted
          ? new AppError('VALIDATION_FAILED', undefined, {
              details: [{ path: `/${part.fieldname}`, message: 'must be a file named "file"' }],
            })
          : new AppError('CSRF_INVALID');
      }
      const bytes = await part.toBuffer();
      // A form's empty file input sends a nameless, empty part: no file was chosen.
      if (!part.filename && bytes.length === 0) continue;
      files.push({ filename: part.filename, bytes });
    }
  } catch (err) {
    throw translate(err, options.perMessage);
  }
  if (!trusted) throw new AppError('CSRF_INVALID');
  return { body: values.body ?? '', status: values.status ?? '', files };
}
