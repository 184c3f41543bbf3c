/**
 * The endpoint's memory, read through its inspector (the bench starts it with `--inspect=127.0.0.1:0`):
 * a full garbage collection first, so that what is left is what is held, then `process.memoryUsage()`.
 */
import { connectInspector } from './profile.ts';

/** `process.memoryUsage()` of the endpoint, bytes. */
export interface MemoryReading {
  readonly rss: number;
  readonly heapTotal: number;
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

/** Collects garbage in the process behind `inspectorUrl` (twice: weak references clear on the first), then reads its memory. */
export async function readMemory(inspectorUrl: string): Promise<MemoryReading> {
  const { call, close } = await connectInspector(inspectorUrl);
  try {
    await call('HeapProfiler.collectGarbage');
    await call('HeapProfiler.collectGarbage');
    const { result } = (await call('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    })) as { result: { value: string } };
    return JSON.parse(result.value) as MemoryReading;
  } finally {
    close();
  }
}
