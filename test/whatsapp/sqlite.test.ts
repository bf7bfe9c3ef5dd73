import { describe, expect, it } from 'vitest';
import { SqliteTableCounter } from '../../src/whatsapp/core/sqlite.ts';
import { makeSqlite } from './fixtures.ts';

function count(file: Uint8Array, step = file.length): number | undefined {
  const counter = new SqliteTableCounter();
  for (let offset = 0; offset < file.length; offset += step) counter.push(file.subarray(offset, offset + step));
  return counter.result();
}

describe('counting SQLite tables while streaming', () => {
  it('counts the table rows of a one-page schema, however the bytes arrive', () => {
    const db = makeSqlite({ 1: { rows: ['table', 'index', 'table', 'view', 'trigger', 'table'] } }, 4);
    for (const step of [1, 7, 100, 1024, 5000]) expect(count(db, step), `step ${step}`).toBe(3);
  });

  it('follows interior pages to leaves further on, at any page size', () => {
    for (const pageSize of [512, 4096, 65536]) {
      const db = makeSqlite(
        {
          1: { children: [3, 5, 6] },
          3: { rows: ['table', 'table', 'index'] },
          5: { children: [7, 8] },
          6: { rows: ['table'] },
          7: { rows: ['index', 'table'] },
          8: { rows: ['trigger'] },
        },
        9,
        pageSize,
      );
      expect(count(db, 777), `page size ${pageSize}`).toBe(4);
    }
  });

  it('reads UTF-16 schemas', () => {
    for (const encoding of [2, 3]) {
      const db = makeSqlite({ 1: { rows: ['table', 'index', 'table'] } }, 2, 1024, encoding);
      expect(count(db)).toBe(2);
    }
  });

  it('says "unknown" rather than guess when a schema page has already gone by', () => {
    const db = makeSqlite(
      { 1: { children: [4] }, 2: { rows: ['table'] }, 4: { children: [2, 5] }, 5: { rows: [] } },
      6,
    );
    expect(count(db)).toBeUndefined();
  });

  it('says "unknown" for a database cut short, and for anything that is not SQLite', () => {
    const db = makeSqlite({ 1: { children: [3, 4] }, 3: { rows: ['table'] }, 4: { rows: ['table'] } }, 5);
    expect(count(db)).toBe(2);
    expect(count(db.subarray(0, 3 * 1024 + 10))).toBeUndefined();
    expect(count(new TextEncoder().encode('not a database at all, just some words'))).toBeUndefined();
    expect(count(new Uint8Array(0))).toBeUndefined();
  });
});
