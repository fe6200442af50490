import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Log } from './powertools';

export interface Notifier {
  readonly sns: SNSClient;
  readonly topicArn: string;
  readonly secrets?: SecretsManagerClient;
  /** Secret whose SecretString is the webhook URL; no webhook when absent. */
  readonly webhookSecretArn?: string;
  readonly fetch?: typeof fetch;
  readonly log: Log;
}

export interface Notification {
  /** Short line (email subject, at most 100 characters). */
  readonly subject: string;
  /** Readable body. */
  readonly text: string;
  /**
   * Publish to the SNS topic (email). False for CloudWatch alarms, which SNS already emailed.
   * @default true
   */
  readonly email?: boolean;
}

const WEBHOOK_TTL_MS = 5 * 60_000;
let webhookCache: { url: string | undefined; at: number } | undefined;

/** Clears the cached webhook URL (tests). */
export function resetWebhookCache(): void {
  webhookCache = undefined;
}

async function webhookUrl(n: Notifier, now: number): Promise<string | undefined> {
  if (n.webhookSecretArn === undefined || n.secrets === undefined) return undefined;
  if (webhookCache && now - webhookCache.at < WEBHOOK_TTL_MS) return webhookCache.url;
  const res = await n.secrets.send(new GetSecretValueCommand({ SecretId: n.webhookSecretArn }));
  const value = res.SecretString?.trim() ?? '';
  // The secret is created with a placeholder; only an https URL turns the webhook on.
  const url = /^https:\/\/\S+$/.test(value) ? value : undefined;
  webhookCache = { url, at: now };
  return url;
}

/**
 * Sends a notification: SNS (email subscribers) and, when configured, a Slack-compatible
 * webhook (`{"text": …}`). A webhook failure is logged, never thrown: the email still went out.
 */
export async function notify(n: Notifier, msg: Notification, now = Date.now()): Promise<void> {
  if (msg.email ?? true) {
    await n.sns.send(
      new PublishCommand({ TopicArn: n.topicArn, Subject: msg.subject.slice(0, 100), Message: msg.text }),
    );
  }
  let url: string | undefined;
  try {
    url = await webhookUrl(n, now);
  } catch (err) {
    n.log.warn('cannot read the webhook secret', { errorName: (err as Error).name });
    return;
  }
  if (url === undefined) return;
  try {
    const res = await (n.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: `*${msg.subject}*\n${msg.text}` }),
      signal: AbortSignal.timeout(5000),
    });
    // The URL is a credential: log the status only.
    if (!res.ok) n.log.warn('webhook rejected the notification', { status: res.status });
  } catch (err) {
    n.log.warn('webhook unreachable', { errorName: (err as Error).name });
  }
}
