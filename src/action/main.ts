import process from 'node:process';
import pkg from '../../package.json' with { type: 'json' };
import { setGitEnvironment } from '../git/git-command.js';
import { runAction } from './run-action.js';

// A log the runner could not take is a step that cannot be trusted: exit 2, never a crash.
let outputFailed = false;
process.stdout.on('error', () => {
  outputFailed = true;
  process.exitCode = 2;
});

// The GitHub Action's entry (bundled to action/main.js): the only action file touching `process`.
setGitEnvironment(process.env);
runAction({
  env: process.env,
  cwd: process.cwd(),
  stdout: { write: (text) => void process.stdout.write(text) },
  today: new Date().toISOString().slice(0, 10),
  version: pkg.version,
}).then(
  (code) => {
    process.exitCode = outputFailed ? 2 : code;
  },
  (error: unknown) => {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stdout.write(
      `::error title=keyguard::internal error (please report it): ${text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}\n`,
    );
    process.exitCode = 2;
  },
);
