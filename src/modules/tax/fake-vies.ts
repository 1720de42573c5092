import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local server speaking the VIES REST protocol (`POST /check-vat-number`),
 * for offline tests of the adapter and the verification job. `mode` switches
 * what it answers: a verdict, one of VIES's error codes, or silence.
 *
 * Like VIES, it answers with a consultation number (`requestIdentifier`) only
 * when the request names a requester (`requesterMemberStateCode` and
 * `requesterNumber`), and refuses an unknown requester with
 * INVALID_REQUESTER_INFO; without a requester, `requestIdentifier` is empty.
 */
export type FakeViesMode =
  | {
      kind: 'up';
      registered: ReadonlySet<string>;
      /** VAT IDs VIES accepts as requesters besides the registered ones. */
      requesters?: ReadonlySet<string>;
    }
  | { kind: 'error'; code: string; httpStatus: number }
  | { kind: 'hang' }
  | { kind: 'garbage' };

export interface FakeViesRequest {
  countryCode: string;
  vatNumber: string;
  requesterMemberStateCode?: string;
  requesterNumber?: string;
}

export interface FakeVies {
  url: string;
  mode: FakeViesMode;
  requests: FakeViesRequest[];
  /** Consultation numbers issued, in order (each is unique, like VIES's). */
  issued: string[];
  close(): Promise<void>;
}

export async function startFakeVies(initial: FakeViesMode): Promise<FakeVies> {
  const state: FakeVies = { url: '', mode: initial, requests: [], issued: [], close: async () => {} };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => {
      raw += c.toString('utf8');
    });
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/check-vat-number') {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.parse(raw) as FakeViesRequest;
      state.requests.push(body);
      const mode = state.mode;
      const send = (status: number, json: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      if (mode.kind === 'hang') return; // never answers: the client's timeout must fire
      if (mode.kind === 'garbage') {
        res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad gateway</html>');
        return;
      }
      if (mode.kind === 'error') {
        send(mode.httpStatus, {
          actionSucceed: false,
          errorWrappers: [{ error: mode.code, message: mode.code }],
        });
        return;
      }
      const requester =
        body.requesterMemberStateCode || body.requesterNumber
          ? `${body.requesterMemberStateCode ?? ''}${body.requesterNumber ?? ''}`
          : undefined;
      if (requester && !mode.registered.has(requester) && !mode.requesters?.has(requester)) {
        send(400, {
          actionSucceed: false,
          errorWrappers: [{ error: 'INVALID_REQUESTER_INFO', message: 'INVALID_REQUESTER_INFO' }],
        });
        return;
      }
      const id = `${body.countryCode}${body.vatNumber}`;
      const valid = mode.registered.has(id);
      // The consultation number records who asked about which number, whatever the verdict.
      const consultation = requester ? `WAPIAAAAZ${String(state.issued.length + 1).padStart(7, '0')}` : '';
      if (consultation) state.issued.push(consultation);
      send(200, {
        countryCode: body.countryCode,
        vatNumber: body.vatNumber,
        requestDate: new Date().toISOString(),
        valid,
        requestIdentifier: consultation,
        name: valid ? 'ACME SAS' : '---',
        address: valid ? '1 RUE DE LA PAIX\n75002 PARIS' : '---',
        traderName: '---',
        traderStreet: '---',
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.url = `http://127.0.0.1:${port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
