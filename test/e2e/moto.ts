/**
 * moto (the AWS API emulator this machine image and CI ship, TOOLCHAIN.md) as the DynamoDB the
 * functions of a local stand reach through AWS_ENDPOINT_URL_DYNAMODB: served single-threaded (its
 * threaded server is not atomic under concurrent writes, .ci/run), with the template's tables
 * created as CloudFormation would and filled with what the registrations wrote.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Deployment } from './deployment';

const SERVER = `
import sys
from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
run_simple("127.0.0.1", int(sys.argv[1]), DomainDispatcherApplication(create_backend_app), threaded=False)
`;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

export class Moto {
  private log = '';
  private exited = false;

  private constructor(
    private readonly proc: ChildProcess,
    readonly url: string,
  ) {
    proc.stderr?.on('data', (d: Buffer) => {
      this.log = (this.log + d.toString('utf8')).slice(-4000);
    });
    proc.on('exit', () => {
      this.exited = true;
    });
  }

  /** Starts moto on a free port and waits until it answers (a few hundred ms). */
  static async start(timeoutMs = 20_000): Promise<Moto> {
    const port = await freePort();
    const proc = spawn('python3', ['-c', SERVER, String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
    const moto = new Moto(proc, `http://127.0.0.1:${port}`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (moto.exited) throw new Error(`moto exited: ${moto.log} (python3 -m pip install 'moto[server]')`);
      const up = await fetch(`${moto.url}/moto-api/`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) return moto;
      if (Date.now() > deadline) throw new Error(`moto did not answer within ${timeoutMs} ms: ${moto.log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** A client of this moto with dummy credentials. */
  client(region: string): DynamoDBClient {
    return new DynamoDBClient({
      region,
      endpoint: this.url,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  }

  /**
   * Creates every AWS::DynamoDB::Table of the template under the name the deployment gives it
   * (its Ref), with its key schema and indexes, and puts `items` (by table name) into them.
   */
  async createTables(
    d: Deployment,
    items: (tableName: string) => readonly Record<string, unknown>[],
  ): Promise<string[]> {
    const ddb = this.client(d.region);
    const doc = DynamoDBDocumentClient.from(ddb);
    const names: string[] = [];
    try {
      for (const [logicalId, r] of d.ofType('AWS::DynamoDB::Table')) {
        const p = (r.Properties ?? {}) as Record<string, unknown>;
        const TableName = d.ref(logicalId);
        await ddb.send(
          new CreateTableCommand({
            TableName,
            KeySchema: p.KeySchema as never,
            AttributeDefinitions: p.AttributeDefinitions as never,
            BillingMode: 'PAY_PER_REQUEST',
            ...(p.GlobalSecondaryIndexes
              ? {
                  GlobalSecondaryIndexes: (p.GlobalSecondaryIndexes as Record<string, unknown>[]).map(
                    (g) => ({
                      IndexName: g.IndexName as string,
                      KeySchema: g.KeySchema as never,
                      Projection: g.Projection as never,
                    }),
                  ),
                }
              : {}),
          }),
        );
        for (const Item of items(TableName)) await doc.send(new PutCommand({ TableName, Item }));
        names.push(TableName);
      }
    } finally {
      ddb.destroy();
    }
    return names;
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise((r) => this.proc.once('exit', r));
    this.proc.kill('SIGTERM');
    await gone;
  }
}
