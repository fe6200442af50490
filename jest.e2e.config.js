/**
 * End-to-end suite (test/e2e/*.e2e.ts): the player in headless Chromium through the local edge,
 * against a live ffmpeg origin. Needs ffmpeg, chromium and fonts-dejavu-core (see .ci/run).
 */
const base = require('./jest.config.js');
module.exports = {
  ...base,
  testMatch: ['**/test/e2e/**/*.e2e.ts'],
  // One suite at a time: ffmpeg and Chromium share the machine's cores with it.
  maxWorkers: 1,
  testTimeout: 120_000,
};
