/**
 * A lean DynamoDB client for the local endpoint's data source: one signed `POST /` per call with DynamoDB's
 * JSON protocol (`X-Amz-Target: DynamoDB_20120810.<Operation>`, `application/x-amz-json-1.0`) over a
 * keep-alive agent. Request and response bodies are DynamoDB's own JSON, which is what the data source
 * speaks already (typed attribute values), so nothing is converted on the way in or out.
 *
 * Why not the AWS SDK client: on the vote path its middleware stack, serde and retry machinery were 48% of
 * the endpoint's only JavaScript thread (bench/results/castvote.json of 2026-11-25). This client does the
 * same wire work: SigV4 (DynamoDB Local reads the access key and region from it), the standard retry of
 * throttling, 5xx and dropped connections, and DynamoDB's error body as a typed error.
 */
import { createHash, createHmac } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** The operations the data source calls. */
export type DynamoDbOperation =
  | 'GetItem'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'Query'
  | 'Scan'
  | 'BatchGetItem'
  | 'BatchWriteItem'
  | 'TransactGetItems'
  | 'TransactWriteItems';

/** Static credentials to sign with. */
export interface DynamoDbCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Options for {@link createDynamoDbHttpClient}. */
export interface DynamoDbHttpOptions {
  /** The DynamoDB endpoint, e.g. `http://127.0.0.1:8000`. */
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: DynamoDbCredentials;
  /** Attempts per call, the first included (the SDK's standard retry mode uses 3). */
  readonly maxAttempts?: number;
}

/** A DynamoDB client: one call per operation, the output as DynamoDB's JSON. */
export interface DynamoDbHttpClient {
  /**
   * Sends one operation.
   *
   * @param operation - the DynamoDB API action.
   * @param input - its request body, as the DynamoDB API reference names the fields.
   * @returns the response body.
   * @throws DynamoDbServiceError when DynamoDB answers with an error.
   */
  call(operation: DynamoDbOperation, input: object): Promise<Record<string, unknown>>;
  /** Closes the kept-alive connections. */
  close(): void;
}

/**
 * An error DynamoDB answered with: `name` is the exception (`ConditionalCheckFailedException`), and `details`
 * the whole error body, which carries `Item` for a failed condition that asked for the old item and
 * `CancellationReasons` for a cancelled transaction.
 */
export class DynamoDbServiceError extends Error {
  /** The HTTP status DynamoDB answered with. */
  readonly statusCode: number;
  /** DynamoDB's `x-amzn-RequestId`. */
  readonly requestId: string;
  /** The error body. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(name: string, message: string, statusCode: number, requestId: string, details: object) {
    super(message);
    this.name = name;
    this.statusCode = statusCode;
    this.requestId = requestId;
    this.details = details as Record<string, unknown>;
  }
}

/**
 * Exceptions the SDK's standard retry strategy retries (throttling), besides any 5xx and dropped
 * connections. DynamoDB error reference: these are the ones "OK to retry".
 */
const RETRYABLE = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'InternalServerError',
  'ServiceUnavailable',
]);
const RETRYABLE_NETWORK = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ETIMEDOUT']);

const SERVICE = 'dynamodb';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
const SIGNED_HEADERS = 'content-type;host;x-amz-date;x-amz-target';

/**
 * Creates a {@link DynamoDbHttpClient}.
 *
 * @example
 * const dynamo = createDynamoDbHttpClient({ endpoint, region: 'us-east-1', credentials });
 * const { Item } = await dynamo.call('GetItem', { TableName: 'polls', Key: { pk: { S: 'POLL#1' } } });
 */
export function createDynamoDbHttpClient(options: DynamoDbHttpOptions): DynamoDbHttpClient {
  const url = new URL(options.endpoint);
  const secure = url.protocol === 'https:';
  const agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const send = secure ? httpsRequest : httpRequest;
  const maxAttempts = options.maxAttempts ?? 3;
  const { accessKeyId, secretAccessKey, sessionToken } = options.credentials;
  const scopeTail = `${options.region}/${SERVICE}/aws4_request`;
  let signingDay = '';
  let signingKey = Buffer.alloc(0);

  const authorization = (amzDate: string, target: string, body: string): string => {
    const day = amzDate.slice(0, 8);
    if (day !== signingDay) {
      // SigV4: the signing key depends only on the day, region and service.
      const dayKey = createHmac('sha256', `AWS4${secretAccessKey}`).update(day).digest();
      const regionKey = createHmac('sha256', dayKey).update(options.region).digest();
      const serviceKey = createHmac('sha256', regionKey).update(SERVICE).digest();
      signingKey = createHmac('sha256', serviceKey).update('aws4_request').digest();
      signingDay = day;
    }
    const canonical =
      `POST\n/\n\ncontent-type:${CONTENT_TYPE}\nhost:${url.host}\nx-amz-date:${amzDate}\n` +
      `x-amz-target:${target}\n\n${SIGNED_HEADERS}\n${createHash('sha256').update(body).digest('hex')}`;
    const scope = `${day}/${scopeTail}`;
    const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${createHash('sha256').update(canonical).digest('hex')}`;
    const signature = createHmac('sha256', signingKey).update(toSign).digest('hex');
    return `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${scope}, SignedHeaders=${SIGNED_HEADERS}, Signature=${signature}`;
  };

  const once = (operation: DynamoDbOperation, body: string): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const target = `DynamoDB_20120810.${operation}`;
      const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
      const headers: Record<string, string | number> = {
        'content-type': CONTENT_TYPE,
        'content-length': Buffer.byteLength(body),
        host: url.host,
        'x-amz-date': amzDate,
        'x-amz-target': target,
        authorization: authorization(amzDate, target, body),
      };
      if (sessionToken) headers['x-amz-security-token'] = sessionToken;
      const outgoing = send(
        { hostname: url.hostname, port: url.port, path: '/', method: 'POST', agent, headers },
        (response: IncomingMessage) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = response.statusCode ?? 0;
            let parsed: Record<string, unknown>;
            try {
              parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
            } catch {
              parsed = { message: text };
            }
            if (status >= 200 && status < 300) {
              resolve(parsed);
              return;
            }
            const type = String(parsed.__type ?? `HTTP${status}`);
            const name = type.slice(type.lastIndexOf('#') + 1);
            const message = String(parsed.message ?? parsed.Message ?? '');
            const requestId = String(response.headers['x-amzn-requestid'] ?? '');
            reject(new DynamoDbServiceError(name, message, status, requestId, parsed));
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  return {
    async call(operation, input) {
      const body = JSON.stringify(input);
      for (let attempt = 1; ; attempt++) {
        try {
          return await once(operation, body);
        } catch (error) {
          if (attempt >= maxAttempts || !retryable(error)) throw error;
          // Full-jitter backoff from 100 ms, as the SDK's standard mode does.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * 2 ** (attempt - 1)));
        }
      }
    },
    close() {
      agent.destroy();
    },
  };
}

function retryable(error: unknown): boolean {
  if (error instanceof DynamoDbServiceError) {
    return error.statusCode >= 500 || RETRYABLE.has(error.name);
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code !== undefined && RETRYABLE_NETWORK.has(code);
}
