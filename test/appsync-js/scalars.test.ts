import { graphql } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadAppSyncSchema } from '../../local/schema/load.ts';

// AppSync's scalars and what they accept: https://docs.aws.amazon.com/appsync/latest/devguide/scalars.html
// ("The time zone offset must be either Z (UTC) or an offset in hours and minutes (and, optionally,
// seconds)"; AWSDateTime's offset is compulsory). Instants that do not exist are refused as java.time
// refuses them (no 30 February, no hour 25, offsets within ±18:00), never rolled over.
const SCALARS = [
  'AWSDate',
  'AWSTime',
  'AWSDateTime',
  'AWSTimestamp',
  'AWSEmail',
  'AWSJSON',
  'AWSURL',
  'AWSPhone',
  'AWSIPAddress',
] as const;

type Scalar = (typeof SCALARS)[number];

const schema = loadAppSyncSchema(`
  type Query {
    ${SCALARS.map((name) => `echo${name}(value: ${name}): String`).join('\n')}
  }
`);

const outputSchema = loadAppSyncSchema(`
  type Query {
    ${SCALARS.map((name) => `out${name}: ${name}`).join('\n')}
  }
`);

/** What the resolver of `echo<Scalar>` received, or the errors the GraphQL layer refused the value with. */
async function send(scalar: Scalar, value: unknown, as: 'variable' | 'literal' = 'variable') {
  const rootValue = Object.fromEntries(
    SCALARS.map((name) => [`echo${name}`, (args: { value: unknown }) => JSON.stringify(args.value)]),
  );
  const source =
    as === 'variable'
      ? `query($v: ${scalar}) { echo${scalar}(value: $v) }`
      : `{ echo${scalar}(value: ${JSON.stringify(value)}) }`;
  const result = await graphql({ schema, source, rootValue, variableValues: { v: value } });
  if (result.errors) return { refused: result.errors.map((e) => e.message).join('; ') };
  return { received: JSON.parse(String(result.data?.[`echo${scalar}`])) as unknown };
}

describe("AppSync's scalars at the GraphQL layer", () => {
  it.each<[Scalar, unknown]>([
    ['AWSDateTime', '2030-02-28T10:00Z'],
    ['AWSDateTime', '2028-02-29T23:59:59.123456789+05:30'],
    ['AWSDateTime', '1970-01-01T12:00:00.2-07:00:30'],
    ['AWSDateTime', '-2017-01-01T00:00Z'],
    ['AWSDateTime', '2030-01-01T00:00:00+18:00'],
    ['AWSDate', '1970-01-01'],
    ['AWSDate', '1970-01-01Z'],
    ['AWSDate', '1970-01-01+05:30'],
    ['AWSTime', '12:30Z'],
    ['AWSTime', '12:30:24-07:00'],
    ['AWSTime', '23:59:59.999999999'],
    ['AWSTimestamp', 1517943695],
    ['AWSEmail', 'voter@example.com'],
    ['AWSURL', 'https://www.amazon.com/dp/B000NZW3KC/'],
    ['AWSURL', 'mailto:example@example.com'],
    ['AWSPhone', '+1 555 123 4567'],
    ['AWSPhone', '206-555-0100'],
    ['AWSIPAddress', '123.12.34.56'],
    ['AWSIPAddress', '123.45.67.89/16'],
    ['AWSIPAddress', '1a2b:3c4b::1234:4567'],
  ])('accepts the %s %j', async (scalar, value) => {
    expect(await send(scalar, value)).toEqual({ received: value });
  });

  it.each<[Scalar, unknown, string]>([
    ['AWSDateTime', '2030-02-30T10:00:00Z', '30 February'],
    ['AWSDateTime', '2029-02-29T10:00:00Z', '29 February of a common year'],
    ['AWSDateTime', '2030-04-31T10:00:00Z', '31 April'],
    ['AWSDateTime', '2030-13-01T10:00:00Z', 'month 13'],
    ['AWSDateTime', '2030-00-10T10:00:00Z', 'month 0'],
    ['AWSDateTime', '2030-01-00T10:00:00Z', 'day 0'],
    ['AWSDateTime', '2030-01-01T25:00:00Z', 'hour 25'],
    ['AWSDateTime', '2030-01-01T24:00:00Z', 'hour 24'],
    ['AWSDateTime', '2030-01-01T10:60:00Z', 'minute 60'],
    ['AWSDateTime', '2030-01-01T10:00:60Z', 'second 60'],
    ['AWSDateTime', '2030-01-01T10:00:00+25:00', 'offset +25:00'],
    ['AWSDateTime', '2030-01-01T10:00:00+18:01', 'offset beyond +18:00'],
    ['AWSDateTime', '2030-01-01T10:00:00+05:60', 'offset minute 60'],
    ['AWSDateTime', '2030-01-01T10:00:00+05', 'offset without minutes'],
    ['AWSDateTime', '2030-01-01T10:00:00', 'no offset'],
    ['AWSDateTime', '2030-01-01 10:00:00Z', 'a space for T'],
    ['AWSDateTime', '2030-01-01T10:00:00.1234567891Z', 'ten fraction digits'],
    ['AWSDateTime', 1517943695, 'a number'],
    ['AWSDate', '2030-02-30', '30 February'],
    ['AWSDate', '2030-1-01', 'a one-digit month'],
    ['AWSTime', '25:00', 'hour 25'],
    ['AWSTime', '10:00+19:00', 'offset +19:00'],
    ['AWSTimestamp', 1.5, 'a fraction'],
    ['AWSTimestamp', 2 ** 60, 'a number past 2^53'],
    ['AWSTimestamp', '1517943695', 'a string'],
    ['AWSEmail', 'voter@localhost', 'no dot in the domain'],
    ['AWSEmail', 'two@@example.com', 'two @'],
    ['AWSJSON', '{unquoted: 1}', 'invalid JSON'],
    ['AWSJSON', 'hello', 'an unquoted string'],
    ['AWSURL', 'www.amazon.com', 'no scheme'],
    ['AWSURL', 'https://example.com//double', 'two slashes in the path'],
    ['AWSURL', 'http:/example.com', 'a missing authority'],
    ['AWSPhone', '555 12', 'too few digits'],
    ['AWSPhone', '+1234567890123456', 'sixteen digits'],
    ['AWSPhone', '(206) 555.0100', 'separators other than space and hyphen'],
    ['AWSPhone', '106-555-0100', 'a NANP area code starting with 1'],
    ['AWSIPAddress', '256.1.1.1', 'an octet past 255'],
    ['AWSIPAddress', '10.0.0.1/33', 'an IPv4 prefix past 32'],
    ['AWSIPAddress', '[::1]', 'a bracketed IPv6 address'],
  ])('refuses the %s %j (%s)', async (scalar, value) => {
    const out = await send(scalar, value);

    expect(out).toEqual({ refused: expect.stringContaining(scalar) });
  });

  it.each<[Scalar, string]>([
    ['AWSDateTime', '2030-02-30T10:00:00Z'],
    ['AWSDateTime', '2030-01-01T25:00:00Z'],
    ['AWSDateTime', '2030-01-01T10:00:00+25:00'],
    ['AWSDate', '2030-02-30'],
  ])('refuses the %s %j written as a literal in the query too', async (scalar, value) => {
    expect(await send(scalar, value, 'literal')).toEqual({ refused: expect.stringContaining(scalar) });
  });

  // AppSync refuses a resolver result that is not a valid scalar too ("Can't serialize value … as a valid
  // DateTime Object", https://github.com/aws-amplify/amplify-js/issues/5963): the field becomes null with
  // an error.
  it.each<[Scalar, unknown]>([
    ['AWSDateTime', '2020-05-23T06:4:37.000Z'],
    ['AWSDateTime', '2030-02-30T10:00:00.000Z'],
    ['AWSDate', '2030-02-30'],
    ['AWSTimestamp', 1.5],
    ['AWSEmail', 'not-an-email'],
  ])('refuses a resolver result that is not a valid %s: %j', async (scalar, value) => {
    const result = await graphql({
      schema: outputSchema,
      source: `{ out${scalar} }`,
      rootValue: { [`out${scalar}`]: () => value },
    });

    expect(result.data).toEqual({ [`out${scalar}`]: null });
    expect(result.errors?.map((e) => e.message)).toEqual([expect.stringContaining(`as a valid '${scalar}'`)]);
  });

  it('sends a valid AWSDateTime result as the resolver returned it', async () => {
    const result = await graphql({
      schema: outputSchema,
      source: '{ outAWSDateTime }',
      rootValue: { outAWSDateTime: () => '2030-02-28T10:00:00.000Z' },
    });

    expect(result).toEqual({ data: { outAWSDateTime: '2030-02-28T10:00:00.000Z' } });
  });

  it.each<[string, unknown, 'variable' | 'literal']>([
    ['{"a":[1,2]}', { a: [1, 2] }, 'variable'],
    ['[true,null]', [true, null], 'variable'],
    ['"text"', 'text', 'variable'],
    ['42', 42, 'literal'],
  ])('hands resolvers the AWSJSON %s parsed, not as a string (%#)', async (text, parsed, as) => {
    expect(await send('AWSJSON', text, as)).toEqual({ received: parsed });
  });
});
