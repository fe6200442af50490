/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // player/*.js are browser ES modules; swc turns them into CommonJS for the tests.
  transform: { '^.+\\.tsx?$': ['@swc/jest'], '/player/[^/]+\\.js$': ['@swc/jest'] },
  setupFilesAfterEnv: ['aws-cdk-lib/testhelpers/jest-autoclean', 'aws-sdk-client-mock-jest'],
};
