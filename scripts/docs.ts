// Regenerates docs/errors.md and the README's configuration table from the code.
import fs from 'node:fs';
import { renderErrorDoc, withConfigTable } from '../src/platform/docs.ts';

fs.writeFileSync('docs/errors.md', renderErrorDoc());
fs.writeFileSync('README.md', withConfigTable(fs.readFileSync('README.md', 'utf8')));
process.stdout.write('docs/errors.md and the README configuration table are up to date.\n');
