import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local server speaking the VIES REST protocol (`POST /check-vat-number`),
 * for offline tests of the adapter and the verification job. `mode` switches
 * what it answers: a verdict, one of VIES's error codes, or silence.
 */
export type FakeViesMode =
  | { kind: 'up'; registered: ReadonlySet<string> }
  | { kind: 'error'; code: string; httpStatus: number }
  | { kind: 'hang' }
  | { kind: 'garbage' };

export interface FakeVies {
  url: string;
  mode: FakeViesMode;
  requests: { countryCode: string; vatNumber: string }[];
  close(): Promise<void>;
}

export async function startFakeVies(initial: FakeViesMode): Promise<FakeVies> {
  const state: FakeVies = { url: '', mode: initial, requests: [], close: async () => {} };
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
      const body = JSON.parse(raw) as { countryCode: string; vatNumber: string };
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
      const id = `${body.countryCode}${body.vatNumber}`;
      const valid = mode.registered.has(id);
      send(200, {
        countryCode: body.countryCode,
        vatNumber: body.vatNumber,
        requestDate: new Date().toISOString(),
        valid,
        requestIdentifier: valid ? `WAPIAAAAW${state.requests.length}` : '',
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
