import { beforeEach, describe, expect, it, vi } from 'vitest';
import { concatBytes, toHex, utf8, view } from '../../src/core/bytes.ts';
import { hkdfBytes, hmac, randomBytes } from '../../src/core/crypto.ts';
import { describeHeader } from '../../src/core/describe.ts';
import {
  buildHeader,
  FIXED_HEADER_LENGTH,
  type FileKeys,
  MAC_LENGTH,
  parseHeader,
  parseHeaderPrefix,
  unlockHeader,
} from '../../src/core/header.ts';
import { OpenedBackup, readHeader } from '../../src/core/reader.ts';
import { unwrapFileKey } from '../../src/core/slots.ts';
import { bytesSource } from '../../src/core/source.ts';
import { createBackup } from '../../src/core/writer.ts';
import {
  CHEAP_KDF,
  collect,
  expectCode,
  makeBackup,
  OTHER_RECOVERY_KEY,
  PASSPHRASE,
  PASSPHRASE_SLOT,
  RECOVERY_KEY,
  RECOVERY_SLOT,
  seededRandom,
} from './helpers.ts';

const argon = vi.hoisted(() => ({ calls: 0 }));

vi.mock('hash-wasm', async (importOriginal) => {
  const original = await importOriginal<typeof import('hash-wasm')>();
  return {
    ...original,
    argon2id: (...args: Parameters<typeof original.argon2id>) => {
      argon.calls++;
      return original.argon2id(...args);
    },
  };
});

beforeEach(() => {
  argon.calls = 0;
});

// Offsets of the first slot's fields when it is a passphrase slot (spec 2 and 3.1).
const SLOT = FIXED_HEADER_LENGTH;
const KDF_M = SLOT + 4;
const KDF_T = SLOT + 8;
const KDF_P = SLOT + 12;

function patch(bytes: Uint8Array, edit: (copy: Uint8Array, dv: DataView) => void): Uint8Array {
  const copy = bytes.slice();
  edit(copy, view(copy));
  return copy;
}

/** Recomputes the header MAC, as a writer holding the file key would. */
async function resign(bytes: Uint8Array, keys: FileKeys): Promise<Uint8Array> {
  const body = bytes.subarray(0, bytes.length - MAC_LENGTH);
  return concatBytes([body, await hmac(keys.headerMacKey, body)]);
}

/** Rebuilds a header from its fixed part and a list of raw slots, with a fresh MAC. */
async function assemble(fixed: Uint8Array, slots: Uint8Array[], keys: FileKeys): Promise<Uint8Array> {
  const head = fixed.slice(0, FIXED_HEADER_LENGTH);
  const dv = view(head);
  const length = FIXED_HEADER_LENGTH + slots.reduce((sum, s) => sum + s.length, 0) + MAC_LENGTH;
  dv.setUint32(12, length, true);
  head[17] = slots.length;
  return resign(concatBytes([head, ...slots, new Uint8Array(MAC_LENGTH)]), keys);
}

function rawSlots(header: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let offset = FIXED_HEADER_LENGTH;
  const end = header.length - MAC_LENGTH;
  while (offset < end) {
    const length = view(header).getUint16(offset + 2, true);
    out.push(header.slice(offset, offset + 4 + length));
    offset += 4 + length;
  }
  return out;
}

function unknownSlot(typeId: number, body: Uint8Array): Uint8Array {
  const slot = new Uint8Array(4 + body.length);
  slot[0] = typeId;
  view(slot).setUint16(2, body.length, true);
  slot.set(body, 4);
  return slot;
}

/** Builds a header and appends 100 bytes of payload, so file-size checks pass. */
function asFile(header: Uint8Array): Uint8Array {
  return concatBytes([header, new Uint8Array(100)]);
}

function parse(header: Uint8Array) {
  return parseHeader(header, header.length + 100);
}

describe('buildHeader / parseHeader', () => {
  it('round-trips a header with a passphrase slot and a recovery-key slot', async () => {
    const { bytes } = await buildHeader([PASSPHRASE_SLOT, RECOVERY_SLOT], 18, randomBytes);
    expect(toHex(bytes.subarray(0, 8))).toBe('89434f464645520a');
    const dv = view(bytes);
    expect(dv.getUint16(8, true)).toBe(1);
    expect(dv.getUint16(10, true)).toBe(0);
    expect(dv.getUint32(12, true)).toBe(bytes.length);
    expect(bytes.length).toBe(52 + (4 + 76) + (4 + 64) + 32);
    expect(bytes[16]).toBe(18);
    expect(bytes[17]).toBe(2);
    expect(dv.getUint16(18, true)).toBe(0);

    const header = parse(bytes);
    expect(header.version).toBe(1);
    expect(header.headerLength).toBe(bytes.length);
    expect(header.chunkSizeLog2).toBe(18);
    expect(header.chunkSize).toBe(2 ** 18);
    expect(toHex(header.payloadNonce)).toBe(toHex(bytes.subarray(20, 52)));
    expect(toHex(header.bytes)).toBe(toHex(bytes));
    expect(header.slots.map((s) => s.kind)).toEqual(['passphrase', 'recovery-key']);
    const [pass, rk] = header.slots;
    if (pass.kind !== 'passphrase' || rk.kind !== 'recovery-key') throw new Error('unexpected slot kinds');
    expect(pass.kdf).toEqual(CHEAP_KDF);
    expect(pass.salt).toHaveLength(16);
    expect(pass.wrapped).toHaveLength(48);
    expect(pass.aad).toHaveLength(4 + 76 - 48);
    expect(rk.salt).toHaveLength(16);
    expect(rk.wrapped).toHaveLength(48);
    expect(rk.aad).toHaveLength(4 + 64 - 48);
    expect(toHex(bytes.subarray(SLOT, SLOT + 4))).toBe('01004c00');
  });

  it('uses fresh randomness: two headers for the same slots differ everywhere secret', async () => {
    const a = await buildHeader([RECOVERY_SLOT], 10, randomBytes);
    const b = await buildHeader([RECOVERY_SLOT], 10, randomBytes);
    expect(toHex(a.bytes.subarray(20, 52))).not.toBe(toHex(b.bytes.subarray(20, 52)));
    expect(toHex(a.bytes.subarray(56, 72))).not.toBe(toHex(b.bytes.subarray(56, 72)));
  });

  it('accepts every chunk size from 2^10 to 2^24 and 1 to 16 slots', async () => {
    for (const log2 of [10, 11, 18, 24]) {
      const { bytes } = await buildHeader([RECOVERY_SLOT], log2, randomBytes);
      expect(parse(bytes).chunkSize).toBe(2 ** log2);
    }
    const sixteen = await buildHeader(new Array(16).fill(RECOVERY_SLOT), 10, randomBytes);
    expect(parse(sixteen.bytes).slots).toHaveLength(16);
    await unlockHeader(parse(sixteen.bytes), { recoveryKey: RECOVERY_KEY });
  });

  it('refuses to build headers outside the format (invalid_input)', async () => {
    await expectCode(buildHeader([], 18, randomBytes), 'invalid_input');
    await expectCode(buildHeader(new Array(17).fill(RECOVERY_SLOT), 18, randomBytes), 'invalid_input');
    await expectCode(buildHeader([RECOVERY_SLOT], 9, randomBytes), 'invalid_input');
    await expectCode(buildHeader([RECOVERY_SLOT], 25, randomBytes), 'invalid_input');
    await expectCode(
      buildHeader([{ kind: 'passphrase', passphrase: 'x', kdf: { ...CHEAP_KDF, iterations: 0 } }], 18, randomBytes),
      'limit_exceeded',
    );
    await expectCode(buildHeader([{ kind: 'recovery-key', recoveryKey: '1234' }], 18, randomBytes), 'key_typo');
  });

  it('refuses an empty passphrase with a CofferError, not a raw Argon2 library error (regression)', async () => {
    await expectCode(
      buildHeader([{ kind: 'passphrase', passphrase: '', kdf: CHEAP_KDF }], 18, randomBytes),
      'invalid_input',
    );
  });
});

describe('header bound checks (spec 2 and 3), in order, before any KDF', () => {
  let header: Uint8Array;
  beforeEach(async () => {
    header = (await buildHeader([PASSPHRASE_SLOT], 18, randomBytes)).bytes;
    argon.calls = 0;
  });

  it('a wrong magic byte anywhere is not_coffer', async () => {
    for (let i = 0; i < 8; i++) {
      const bad = patch(header, (b) => {
        b[i] ^= 0x20;
      });
      await expectCode(() => parse(bad), 'not_coffer');
      await expectCode(readHeader(bytesSource(asFile(bad))), 'not_coffer');
    }
  });

  it('a version other than 1 and 3 (spec 11) is unsupported_version, checked before the other fields', async () => {
    for (const version of [0, 2, 4, 0x100, 0xffff]) {
      const bad = patch(header, (_, dv) => {
        dv.setUint16(8, version, true);
        dv.setUint16(10, 1, true); // flags also bad: the version must win
        dv.setUint32(12, 0xffffffff, true);
      });
      await expectCode(() => parse(bad), 'unsupported_version');
    }
  });

  it('non-zero flags are header_damaged', async () => {
    for (const flags of [1, 0x8000]) {
      const bad = patch(header, (_, dv) => dv.setUint16(10, flags, true));
      await expectCode(() => parse(bad), 'header_damaged');
    }
  });

  it('headerLength over 65536 is limit_exceeded', async () => {
    for (const length of [65537, 0x10000000, 0xffffffff]) {
      const bad = patch(header, (_, dv) => dv.setUint32(12, length, true));
      await expectCode(() => parseHeaderPrefix(bad.subarray(0, 16), 10 ** 9), 'limit_exceeded');
      await expectCode(readHeader(bytesSource(asFile(bad))), 'limit_exceeded');
    }
  });

  it('headerLength below the minimum (52 + one slot + 32) is limit_exceeded (out of range)', async () => {
    for (const length of [0, 16, 52, 84, 87]) {
      const bad = patch(header, (_, dv) => dv.setUint32(12, length, true));
      await expectCode(() => parseHeaderPrefix(bad.subarray(0, 16), 10 ** 6), 'limit_exceeded');
      await expectCode(readHeader(bytesSource(asFile(bad))), 'limit_exceeded');
    }
  });

  it('headerLength of exactly 65536 passes the bound (then fails as slots not filling the header)', async () => {
    const bad = patch(header, (_, dv) => dv.setUint32(12, 65536, true));
    expect(parseHeaderPrefix(bad.subarray(0, 16), 70000)).toBe(65536);
    await expectCode(() => parseHeader(concatBytes([bad, new Uint8Array(65536)]), 70000), 'header_damaged');
  });

  it('chunkSizeLog2 outside 10..24 is limit_exceeded', async () => {
    for (const log2 of [0, 9, 25, 255]) {
      const bad = patch(header, (b) => {
        b[16] = log2;
      });
      await expectCode(() => parse(bad), 'limit_exceeded');
    }
  });

  it('slotCount 0 or 17 (or 255) is limit_exceeded', async () => {
    for (const count of [0, 17, 255]) {
      const bad = patch(header, (b) => {
        b[17] = count;
      });
      await expectCode(() => parse(bad), 'limit_exceeded');
    }
  });

  it('non-zero reserved bytes are header_damaged', async () => {
    for (const offset of [18, 19]) {
      const bad = patch(header, (b) => {
        b[offset] = 1;
      });
      await expectCode(() => parse(bad), 'header_damaged');
    }
  });

  it('slots that do not fill the header exactly are header_damaged', async () => {
    // Header four bytes longer than its slots.
    const longer = concatBytes([header.subarray(0, header.length - 32), new Uint8Array(4), header.subarray(-32)]);
    view(longer).setUint32(12, longer.length, true);
    await expectCode(() => parse(longer), 'header_damaged');
    // slotCount says two, but only one slot is there.
    const more = patch(header, (b) => {
      b[17] = 2;
    });
    await expectCode(() => parse(more), 'header_damaged');
    // A slot whose length runs past the MAC.
    const past = patch(header, (_, dv) => dv.setUint16(SLOT + 2, 2000, true));
    await expectCode(() => parse(past), 'header_damaged');
  });

  it('a known slot type with the wrong body length is header_damaged', async () => {
    const passSlot = rawSlots(header)[0];
    const shortPass = concatBytes([passSlot.subarray(0, passSlot.length - 1)]);
    view(shortPass).setUint16(2, 75, true);
    const keys = (await buildHeader([RECOVERY_SLOT], 18, randomBytes)).keys;
    await expectCode(async () => parse(await assemble(header, [shortPass], keys)), 'header_damaged');
    const rk = (await buildHeader([RECOVERY_SLOT], 18, randomBytes)).bytes;
    const rkSlot = rawSlots(rk)[0];
    const longRk = concatBytes([rkSlot, new Uint8Array(1)]);
    view(longRk).setUint16(2, 65, true);
    await expectCode(async () => parse(await assemble(rk, [longRk], keys)), 'header_damaged');
  });

  it('a non-zero slot reserved byte is header_damaged', async () => {
    const bad = patch(header, (b) => {
      b[SLOT + 1] = 1;
    });
    await expectCode(() => parse(bad), 'header_damaged');
  });

  it('Argon2id parameters out of bounds are limit_exceeded, and no KDF runs', async () => {
    const cases: [number, number][] = [
      [KDF_M, 2 * 1048576], // 2 GiB
      [KDF_M, 1048577],
      [KDF_M, 0xffffffff],
      [KDF_M, 7],
      [KDF_T, 0],
      [KDF_T, 11],
      [KDF_P, 0],
      [KDF_P, 5],
    ];
    for (const [offset, value] of cases) {
      const bad = patch(header, (_, dv) => dv.setUint32(offset, value, true));
      await expectCode(() => parse(bad), 'limit_exceeded');
      await expectCode(OpenedBackup.open(bytesSource(asFile(bad)), { passphrase: PASSPHRASE }), 'limit_exceeded');
    }
    // m < 8 * p
    const lanes = patch(header, (_, dv) => {
      dv.setUint32(KDF_M, 31, true);
      dv.setUint32(KDF_P, 4, true);
    });
    await expectCode(OpenedBackup.open(bytesSource(asFile(lanes)), { passphrase: PASSPHRASE }), 'limit_exceeded');
    expect(argon.calls).toBe(0);
  });

  it('a 2 GiB Argon2 request inside a whole backup is refused without running Argon2', async () => {
    const backup = await makeBackup([{ path: 'f', type: 'file', data: utf8('x') }], { slots: [PASSPHRASE_SLOT] });
    argon.calls = 0;
    const bad = patch(backup, (_, dv) => dv.setUint32(KDF_M, 2 * 1048576, true));
    await expectCode(OpenedBackup.open(bytesSource(bad), { passphrase: PASSPHRASE }), 'limit_exceeded');
    expect(argon.calls).toBe(0);
    // The untouched backup does run it (so the counter is wired to the core's Argon2).
    await OpenedBackup.open(bytesSource(backup), { passphrase: PASSPHRASE });
    expect(argon.calls).toBe(1);
  });

  it('files shorter than 16 bytes or than H are truncated when they start with the magic', async () => {
    for (const length of [1, 7, 8, 9, 15, 16, 17, 51, 52, header.length - 33, header.length - 1]) {
      await expectCode(readHeader(bytesSource(header.slice(0, length))), 'truncated');
    }
    await expectCode(() => parseHeader(header.subarray(0, header.length - 1), header.length - 1), 'truncated');
  });

  it('an empty file, or a short file without the magic, is not_coffer', async () => {
    await expectCode(readHeader(bytesSource(new Uint8Array(0))), 'not_coffer');
    await expectCode(readHeader(bytesSource(utf8('PK\x03\x04'))), 'not_coffer');
    await expectCode(readHeader(bytesSource(utf8('hello, world, this is text'))), 'not_coffer');
    await expectCode(readHeader(bytesSource(new Uint8Array([0x89, 0x43, 0x4f, 0x46, 0x46, 0x00]))), 'not_coffer');
  });

  it('a file that ends exactly at the header is truncated (no payload)', async () => {
    const backup = await makeBackup([{ path: 'f', type: 'file', data: utf8('x') }]);
    const headerLength = view(backup).getUint32(12, true);
    await expectCode(
      OpenedBackup.open(bytesSource(backup.slice(0, headerLength)), { recoveryKey: RECOVERY_KEY }),
      'truncated',
    );
  });
});

describe('unlockHeader', () => {
  it('opens with the right passphrase or recovery key and yields working keys', async () => {
    const built = await buildHeader([PASSPHRASE_SLOT, RECOVERY_SLOT], 18, randomBytes);
    const header = parse(built.bytes);
    const data = utf8('the payload');
    const expected = await hmac(built.keys.headerMacKey, data);
    for (const credentials of [{ passphrase: PASSPHRASE }, { recoveryKey: RECOVERY_KEY }]) {
      const keys = await unlockHeader(header, credentials);
      expect(toHex(await hmac(keys.headerMacKey, data))).toBe(toHex(expected));
    }
    // A recovery key typed with groups, dashes and line breaks still opens it.
    const typed = RECOVERY_KEY.replace(/(\d{4})/g, '$1 ').replace(/ (\d{4}) /g, '-$1\n');
    await unlockHeader(header, { recoveryKey: typed });
  });

  it('a wrong passphrase or another valid recovery key is wrong_key', async () => {
    const header = parse((await buildHeader([PASSPHRASE_SLOT, RECOVERY_SLOT], 18, randomBytes)).bytes);
    await expectCode(unlockHeader(header, { passphrase: `${PASSPHRASE} ` }), 'wrong_key');
    await expectCode(unlockHeader(header, { passphrase: '' }), 'wrong_key');
    await expectCode(unlockHeader(header, { recoveryKey: OTHER_RECOVERY_KEY }), 'wrong_key');
    await expectCode(unlockHeader(header, {}), 'wrong_key');
    // Either credential that works is enough.
    await unlockHeader(header, { passphrase: 'nope', recoveryKey: RECOVERY_KEY });
  });

  it('says which kind of slot is missing', async () => {
    const passOnly = parse((await buildHeader([PASSPHRASE_SLOT], 18, randomBytes)).bytes);
    const error = await expectCode(unlockHeader(passOnly, { recoveryKey: RECOVERY_KEY }), 'wrong_key');
    expect(error.message).toMatch(/passphrase/);
    const keyOnly = parse((await buildHeader([RECOVERY_SLOT], 18, randomBytes)).bytes);
    argon.calls = 0;
    const error2 = await expectCode(unlockHeader(keyOnly, { passphrase: PASSPHRASE }), 'wrong_key');
    expect(error2.message).toMatch(/recovery key/);
    expect(argon.calls).toBe(0);
  });

  it('a recovery key typo is key_typo, reported before any key derivation', async () => {
    const header = parse((await buildHeader([PASSPHRASE_SLOT, RECOVERY_SLOT], 18, randomBytes)).bytes);
    argon.calls = 0;
    const typo = RECOVERY_KEY.slice(0, 5) + String((Number(RECOVERY_KEY[5]) + 1) % 10) + RECOVERY_KEY.slice(6);
    await expectCode(unlockHeader(header, { passphrase: PASSPHRASE, recoveryKey: typo }), 'key_typo');
    await expectCode(unlockHeader(header, { recoveryKey: 'not a key' }), 'key_typo');
    expect(argon.calls).toBe(0);
  });

  it('a flipped payloadNonce byte is header_damaged after a successful unwrap', async () => {
    const built = await buildHeader([RECOVERY_SLOT], 18, randomBytes);
    for (const offset of [20, 35, 51]) {
      const bad = patch(built.bytes, (b) => {
        b[offset] ^= 0x01;
      });
      // The slot itself still unwraps (its AAD does not cover the nonce) ...
      const fileKey = await unwrapFileKey(parse(bad).slots, { recoveryKey: RECOVERY_KEY });
      expect(fileKey).toHaveLength(32);
      // ... and the header MAC catches the change.
      await expectCode(unlockHeader(parse(bad), { recoveryKey: RECOVERY_KEY }), 'header_damaged');
    }
  });

  it('a changed in-range chunk size or a flipped MAC byte is header_damaged', async () => {
    const built = await buildHeader([RECOVERY_SLOT], 18, randomBytes);
    const chunk = patch(built.bytes, (b) => {
      b[16] = 17;
    });
    await expectCode(unlockHeader(parse(chunk), { recoveryKey: RECOVERY_KEY }), 'header_damaged');
    for (const offset of [built.bytes.length - 32, built.bytes.length - 1]) {
      const mac = patch(built.bytes, (b) => {
        b[offset] ^= 0x80;
      });
      await expectCode(unlockHeader(parse(mac), { recoveryKey: RECOVERY_KEY }), 'header_damaged');
    }
  });

  it('a changed salt, wrapped key or in-range KDF parameter no longer unwraps (wrong_key)', async () => {
    const built = await buildHeader([PASSPHRASE_SLOT], 18, randomBytes);
    const edits: ((b: Uint8Array, dv: DataView) => void)[] = [
      (b) => {
        b[SLOT + 16] ^= 1; // salt
      },
      (b) => {
        b[SLOT + 4 + 76 - 1] ^= 1; // tag of the wrapped key
      },
      (_, dv) => dv.setUint32(KDF_T, 2, true),
      (_, dv) => dv.setUint32(KDF_M, 72, true),
      (_, dv) => dv.setUint32(KDF_P, 2, true),
    ];
    for (const edit of edits) {
      await expectCode(unlockHeader(parse(patch(built.bytes, edit)), { passphrase: PASSPHRASE }), 'wrong_key');
    }
  });

  it('skips slots of unknown types, which are still covered by the MAC', async () => {
    const built = await buildHeader([RECOVERY_SLOT], 18, randomBytes);
    const [rk] = rawSlots(built.bytes);
    const unknownA = unknownSlot(3, utf8('a future passkey slot'));
    const unknownB = unknownSlot(255, new Uint8Array(0));
    const withUnknown = await assemble(built.bytes, [unknownA, rk, unknownB], built.keys);
    const header = parse(withUnknown);
    expect(header.slots).toEqual([
      { kind: 'unknown', typeId: 3, length: 21 },
      expect.objectContaining({ kind: 'recovery-key' }),
      { kind: 'unknown', typeId: 255, length: 0 },
    ]);
    await unlockHeader(header, { recoveryKey: RECOVERY_KEY });
    // The unknown slot's bytes are authenticated.
    const changed = patch(withUnknown, (b) => {
      b[SLOT + 4] ^= 1;
    });
    await expectCode(unlockHeader(parse(changed), { recoveryKey: RECOVERY_KEY }), 'header_damaged');
    // Only unknown slots: nothing opens, wrong_key.
    const onlyUnknown = await assemble(built.bytes, [unknownA], built.keys);
    await expectCode(unlockHeader(parse(onlyUnknown), { recoveryKey: RECOVERY_KEY }), 'wrong_key');
    await expectCode(unlockHeader(parse(onlyUnknown), { passphrase: 'x' }), 'wrong_key');
    await expect(unlockHeader(parse(onlyUnknown), { passphrase: 'x' })).rejects.toThrow(/kind of key this version/);
  });

  it('an unknown slot type in a whole backup does not stop it opening', async () => {
    // Rebuild a backup's header with an extra unknown slot; we need the header MAC key, which
    // we get by making the backup with a known random source (spec 2.1 derivation).
    const random = seededRandom(1234);
    const fileKey = seededRandom(1234)(32);
    const backup = await collect(
      createBackup([{ path: 'x', type: 'file', mtime: 0, open: () => [utf8('hi')] }], {
        slots: [RECOVERY_SLOT],
        chunkSizeLog2: 10,
        random,
      }),
    );
    const headerLength = view(backup).getUint32(12, true);
    const header = backup.subarray(0, headerLength);
    const macKeyBytes = await hkdfBytes(fileKey, new Uint8Array(0), 'coffer/v1 header mac', 32);
    const macKey = await crypto.subtle.importKey(
      'raw',
      macKeyBytes as Uint8Array<ArrayBuffer>,
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const keys = { headerMacKey: macKey, payloadKey: macKey, recoveryKey: macKey, footerMacKey: macKey };
    const rebuilt = await assemble(header, [unknownSlot(7, utf8('??')), ...rawSlots(header)], keys);
    const file = concatBytes([rebuilt, backup.subarray(headerLength)]);
    const opened = await OpenedBackup.open(bytesSource(file), { recoveryKey: RECOVERY_KEY });
    expect(opened.header.slots[0]).toEqual({ kind: 'unknown', typeId: 7, length: 2 });
    const data = await collect(opened.fileData(opened.entries[0]));
    expect(new TextDecoder().decode(data)).toBe('hi');
  });

  it('tries every slot of the matching type', async () => {
    const second = { kind: 'recovery-key' as const, recoveryKey: OTHER_RECOVERY_KEY };
    const header = parse((await buildHeader([RECOVERY_SLOT, second], 18, randomBytes)).bytes);
    await unlockHeader(header, { recoveryKey: RECOVERY_KEY });
    await unlockHeader(header, { recoveryKey: OTHER_RECOVERY_KEY });
    const passes = parse(
      (
        await buildHeader(
          [PASSPHRASE_SLOT, { kind: 'passphrase', passphrase: 'second one', kdf: CHEAP_KDF }],
          18,
          randomBytes,
        )
      ).bytes,
    );
    await unlockHeader(passes, { passphrase: PASSPHRASE });
    await unlockHeader(passes, { passphrase: 'second one' });
    await expectCode(unlockHeader(passes, { passphrase: 'third' }), 'wrong_key');
  });

  it('a slot moved from another header does not open this one (the MAC commits to one file key)', async () => {
    const a = await buildHeader([RECOVERY_SLOT], 18, randomBytes);
    const b = await buildHeader([RECOVERY_SLOT], 18, randomBytes);
    const swapped = concatBytes([a.bytes.subarray(0, SLOT), rawSlots(b.bytes)[0], a.bytes.subarray(-32)]);
    await expectCode(unlockHeader(parse(swapped), { recoveryKey: RECOVERY_KEY }), 'header_damaged');
  });
});

describe('describeHeader', () => {
  it('reports what anyone may see without a key', async () => {
    const bytes = await collect(
      createBackup([{ path: 'x', type: 'file', mtime: 0, open: () => [new Uint8Array(3000)] }], {
        slots: [PASSPHRASE_SLOT, RECOVERY_SLOT],
        chunkSizeLog2: 10,
        compress: false,
      }),
    );
    const header = await readHeader(bytesSource(bytes));
    const description = describeHeader(header, bytes.length);
    expect(description).toMatchObject({
      version: 1,
      chunkSize: 1024,
      sealedChunkSize: 1040,
      headerLength: header.headerLength,
      payloadOffset: header.headerLength,
      fileSize: bytes.length,
      slots: [
        { type: 'passphrase', kdf: 'argon2id', ...CHEAP_KDF },
        { type: 'recovery-key', kdf: 'hkdf-sha256' },
      ],
    });
    // 3000 data bytes + 41-byte index record + 32-byte trailer = 3073 plaintext bytes.
    expect(description.chunkCount).toBe(Math.ceil(3073 / 1024));
    expect(bytes.length).toBe(header.headerLength + 3073 + description.chunkCount * 16);
  });
});
