/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // One worker per core (Jest's default leaves one core idle): the suites are CPU-bound synths.
  maxWorkers: '100%',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // player/*.js are browser ES modules; swc turns them into CommonJS for the tests.
  transform: { '^.+\\.tsx?$': ['@swc/jest'], '/player/[^/]+\\.js$': ['@swc/jest'] },
  // One esbuild pass for every function (cached under node_modules/.cache) before the workers start.
  globalSetup: '<rootDir>/test/global-setup.ts',
  setupFilesAfterEnv: ['aws-cdk-lib/testhelpers/jest-autoclean', 'aws-sdk-client-mock-jest'],
};
