#!/usr/bin/env node
// The `onair` command (package.json "bin"): runs the TypeScript CLI in cli/ through tsx, the same
// runner the CDK app uses, so there is no build step.

// The AWS SDK warns on every run that Node 20 support ends in 2027; say it once in the docs, not here.
const emit = process.emitWarning;
process.emitWarning = (warning, ...rest) => {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  if (type === 'NodeVersionSupportWarning' || String(warning).includes('NodeVersionSupportWarning')) return;
  return emit.call(process, warning, ...rest);
};
require('tsx/cjs');
require('../main.ts')
  .main(process.argv)
  .then(
    (code) => {
      // Exit as soon as the output is flushed: idle keep-alive sockets must not hold the process.
      process.stdout.write('', () => process.exit(code));
    },
    (err) => {
      process.stderr.write(`onair: ${err && err.stack ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    },
  );
