import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import type { AedesMemoryPersistence } from 'aedes-persistence';

// The package is CommonJS exporting a function; its type declarations describe an ES default export.
const memory = createRequire(import.meta.url)('aedes-persistence') as () => AedesMemoryPersistence;

interface RetainedPacket {
  topic: string;
  payload: Buffer | string;
}
interface RetainedStore {
  storeRetained(packet: RetainedPacket): Promise<void>;
  createRetainedStream(pattern: string): Readable | AsyncIterable<RetainedPacket>;
  createRetainedStreamCombi(patterns: string[]): Readable | AsyncIterable<RetainedPacket>;
}

const isExact = (topic: string) => !topic.includes('+') && !topic.includes('#');

/**
 * aedes' memory persistence tests every retained message against every new subscription, so
 * connecting N receivers (each with a retained presence, desired state and playlist) costs O(N²):
 * 10,000 receivers never finished connecting (issue 5, test/bench/connect.ts). Receivers subscribe only
 * to exact topics, so this keeps an exact-topic index beside the store and answers those from it; a
 * wildcard pattern still takes the original scan.
 */
export function indexedMemoryPersistence(): AedesMemoryPersistence {
  const persistence = memory();
  const inner = (persistence as unknown as { asyncPersistence: RetainedStore }).asyncPersistence;
  const index = new Map<string, RetainedPacket>();
  const lookup = (topics: string[]) => topics.flatMap((t) => (index.has(t) ? [index.get(t)!] : []));

  const store = inner.storeRetained.bind(inner);
  inner.storeRetained = async (packet) => {
    await store(packet);
    if (packet.payload.length === 0) index.delete(packet.topic);
    else index.set(packet.topic, { ...packet });
  };
  const scan = inner.createRetainedStream.bind(inner);
  inner.createRetainedStream = (pattern) => (isExact(pattern) ? Readable.from(lookup([pattern])) : scan(pattern));
  const scanMany = inner.createRetainedStreamCombi.bind(inner);
  inner.createRetainedStreamCombi = (patterns) =>
    patterns.every(isExact) ? Readable.from(lookup(patterns)) : scanMany(patterns);
  return persistence;
}
