/**
 * A worker process that dies: it fulfils one order and kills itself (SIGKILL, no cleanup, no
 * graceful shutdown) at the fault point named on the command line. Run by
 * fulfillment-crash.int.test.ts: `node --import tsx crash-child.test-support.ts <orderId> <point> <index>`,
 * with the configuration of the parent's database in its environment.
 */
import { App } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { createLogger } from '../../platform/log.ts';

const [orderId, point, index] = process.argv.slice(2);
if (!orderId || !point || !index) throw new Error('usage: <orderId> <after-effect|after-step> <step index>');

const app = await App.create({ config: loadConfig(), log: createLogger('silent'), purpose: 'crash test' });
app.modules.fulfillment.setFaultHook((at) => {
  if (at.point === point && at.index === Number(index)) process.kill(process.pid, 'SIGKILL');
});
await app.modules.fulfillment.service.onOrderPaid(orderId, { final: false });
// Reaching this line means the fault point was never hit.
process.stdout.write('finished without being killed\n');
process.exit(3);
