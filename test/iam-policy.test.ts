import { evaluate, type PolicyStatement } from './iam-policy';

const ARN = 'arn:aws:medialive:eu-west-1:111122223333:channel:1234567';
const allowStop: PolicyStatement = {
  Effect: 'Allow',
  Action: ['medialive:DescribeChannel', 'medialive:StopChannel'],
  Resource: 'arn:aws:medialive:eu-west-1:111122223333:channel:*',
  Condition: { StringEquals: { 'aws:ResourceTag/onair:deployment': 'OnAir-test' } },
};

describe('IAM policy evaluator', () => {
  test('allows only with a matching action, resource and condition', () => {
    const tags = { 'onair:deployment': 'OnAir-test' };
    expect(
      evaluate([allowStop], { action: 'medialive:StopChannel', resource: ARN, resourceTags: tags }),
    ).toBe('allowed');
    // Actions are case-insensitive.
    expect(
      evaluate([allowStop], { action: 'MediaLive:stopchannel', resource: ARN, resourceTags: tags }),
    ).toBe('allowed');
    expect(
      evaluate([allowStop], { action: 'medialive:StartChannel', resource: ARN, resourceTags: tags }),
    ).toBe('implicit-deny');
    expect(
      evaluate([allowStop], {
        action: 'medialive:StopChannel',
        resource: 'arn:aws:medialive:us-east-1:111122223333:channel:1',
        resourceTags: tags,
      }),
    ).toBe('implicit-deny');
  });

  test('a tag condition fails when the tag is missing or different', () => {
    expect(evaluate([allowStop], { action: 'medialive:StopChannel', resource: ARN })).toBe('implicit-deny');
    expect(
      evaluate([allowStop], {
        action: 'medialive:StopChannel',
        resource: ARN,
        resourceTags: { 'onair:deployment': 'OnAir-prod' },
      }),
    ).toBe('implicit-deny');
    const ifExists: PolicyStatement = {
      ...allowStop,
      Condition: { StringEqualsIfExists: { 'aws:ResourceTag/onair:deployment': 'OnAir-test' } },
    };
    expect(evaluate([ifExists], { action: 'medialive:StopChannel', resource: ARN })).toBe('allowed');
  });

  test('action and resource wildcards, and resource "*" for actions without resource types', () => {
    const s: PolicyStatement = { Effect: 'Allow', Action: 'cloudfront:*PublicKey', Resource: '*' };
    expect(evaluate([s], { action: 'cloudfront:DeletePublicKey', resource: '*' })).toBe('allowed');
    expect(evaluate([s], { action: 'cloudfront:ListPublicKeys', resource: '*' })).toBe('implicit-deny');
    const scoped: PolicyStatement = { Effect: 'Allow', Action: 'cloudfront:DeletePublicKey', Resource: ARN };
    expect(evaluate([scoped], { action: 'cloudfront:DeletePublicKey', resource: '*' })).toBe('implicit-deny');
    const q: PolicyStatement = {
      Effect: 'Allow',
      Action: 'medialive:DescribeChannel',
      Resource: `${ARN.slice(0, -1)}?`,
    };
    expect(evaluate([q], { action: 'medialive:DescribeChannel', resource: ARN })).toBe('allowed');
  });

  test('an explicit deny wins over an allow; NotAction and NotResource invert', () => {
    const deny: PolicyStatement = { Effect: 'Deny', NotAction: 'medialive:Describe*', Resource: '*' };
    const req = {
      action: 'medialive:StopChannel',
      resource: ARN,
      resourceTags: { 'onair:deployment': 'OnAir-test' },
    };
    expect(evaluate([allowStop, deny], req)).toBe('explicit-deny');
    expect(evaluate([allowStop, deny], { ...req, action: 'medialive:DescribeChannel' })).toBe('allowed');
    const notRes: PolicyStatement = { Effect: 'Allow', Action: '*', NotResource: ARN };
    expect(evaluate([notRes], req)).toBe('implicit-deny');
  });

  test('what it does not model throws instead of allowing', () => {
    const numeric: PolicyStatement = {
      ...allowStop,
      Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '1' } },
    };
    expect(() =>
      evaluate([numeric], {
        action: 'medialive:StopChannel',
        resource: ARN,
        context: { 'aws:MultiFactorAuthAge': '0' },
      }),
    ).toThrow('NumericLessThan is not modelled');
    const variable: PolicyStatement = {
      Effect: 'Allow',
      Action: '*',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a JS template
      Resource: 'arn:aws:s3:::b/${aws:username}/*',
    };
    expect(() => evaluate([variable], { action: 's3:GetObject', resource: 'arn:aws:s3:::b/x/y' })).toThrow(
      'policy variables are not modelled',
    );
  });
});
