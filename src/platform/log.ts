import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Paths pino replaces with "[redacted]" wherever they appear in a log object.
 * Healthcare customers audit our logs: credentials and personal data never
 * reach them. Request URLs are logged without their query string (see
 * http/server.ts) because tokens travel in links.
 */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'newPassword',
  '*.newPassword',
  'currentPassword',
  '*.currentPassword',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'email',
  '*.email',
  'to',
  '*.to',
  'key',
  '*.key',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'fhiriq' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: {
        // Paths only: query strings carry tokens (verification and reset links).
        req: (req: { id?: string; method?: string; url?: string; ip?: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url?.split('?')[0],
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
        err: pino.stdSerializers.err,
      },
    },
    destination,
  );
}
