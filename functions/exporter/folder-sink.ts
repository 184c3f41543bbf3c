/**
 * The export written to a folder instead of S3 (`npm run export -- --dir <folder>`), with the same keys as
 * paths below it. A file is written under a temporary name and renamed, so a crash leaves no half file.
 */
import { createWriteStream, type Dirent } from 'node:fs';
import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import type { ObjectSink } from './sink.ts';

/** Writes the export below `root`. */
export class FolderSink implements ObjectSink {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async upload(key: string, body: Readable): Promise<void> {
    const path = await this.prepare(key);
    await pipeline(body, createWriteStream(`${path}.partial`));
    await rename(`${path}.partial`, path);
  }

  async put(key: string, body: string): Promise<void> {
    const path = await this.prepare(key);
    await writeFile(`${path}.partial`, body);
    await rename(`${path}.partial`, path);
  }

  async list(prefix: string): Promise<string[]> {
    let entries: Dirent[];
    try {
      entries = await readdir(this.root, { recursive: true, withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => relative(this.root, join(entry.parentPath, entry.name)).split(sep).join('/'))
      .filter((key) => key.startsWith(prefix) && !key.endsWith('.partial'))
      .sort();
  }

  uri(key: string): string {
    return pathToFileURL(join(this.root, key)).href;
  }

  private async prepare(key: string): Promise<string> {
    const path = join(this.root, ...key.split('/'));
    await mkdir(dirname(path), { recursive: true });
    return path;
  }
}
