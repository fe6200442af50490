/** Emulator suite (test/emulator): needs AWS_ENDPOINT_URL; see test/emulator/stream-keys.emulator.ts. */
const base = require('./jest.config.js');
module.exports = {
  ...base,
  testMatch: ['**/test/emulator/*.emulator.ts'],
  setupFiles: ['<rootDir>/test/emulator/env.js'],
  setupFilesAfterEnv: [],
};
