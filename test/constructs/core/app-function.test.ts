import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AppFunction } from '../../../lib/constructs/core/app-function';
import { testApp } from '../../helpers';

function make(props: { handler?: string; serviceName?: string }) {
  const stack = new Stack(testApp(), 'S');
  new AppFunction(stack, 'Fn', { entry: 'stream-keys', description: 'test', ...props });
  return Template.fromStack(stack);
}

test("runs the bundle's `handler` export by default, named after its folder", () => {
  const stack = new Stack(testApp(), 'S');
  new AppFunction(stack, 'Fn', { entry: 'health', description: 'test' });
  Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
    Handler: 'index.handler',
    Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'health' } },
  });
});

test('runs another export of a shared bundle, named after the bundle and the export', () => {
  make({ handler: 'stateChange' }).hasResourceProperties('AWS::Lambda::Function', {
    Handler: 'index.stateChange',
    Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'stream-keys.stateChange' } },
  });
});

test('fails on a handler that cannot be an export name', () => {
  expect(() => make({ handler: 'index.ingest' })).toThrow(
    'handler must be the name of an export of lambda/stream-keys/index.ts, got "index.ingest"',
  );
});
