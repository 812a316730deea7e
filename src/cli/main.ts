import process from 'node:process';
import pkg from '../../package.json' with { type: 'json' };
import { COMMANDS, HELP } from './command-table.js';
import { processIo, runProcess } from './run-process.js';

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V' || name === 'version') {
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(HELP);
    return name === undefined ? 2 : 0;
  }
  const load = COMMANDS[name];
  if (load === undefined) {
    process.stderr.write(`keyguard: unknown command '${name}' (see keyguard --help)\n`);
    return 2;
  }
  return (await load())(processIo(rest));
}

runProcess(() => main(process.argv.slice(2)));
