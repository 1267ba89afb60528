/**
 * A pickle reader for plain data only: strings, numbers, booleans, None, bytes, lists, tuples and dicts,
 * which is all LiveCodeBench's compressed test cases hold (a pickled JSON string, or the list itself).
 * It never imports or calls anything: GLOBAL, REDUCE, BUILD, INST, OBJ, NEWOBJ, PERSID, EXT and every
 * other opcode are refused, so bytes from a dataset cannot run code on the host as `pickle.loads` would.
 * Written by hand because no maintained npm package reads pickles without also resolving globals; the
 * opcodes are those of protocols 0–5 as described in CPython's Lib/pickletools.py.
 */

export type PlainValue = string | number | boolean | null | PlainValue[] | { [key: string]: PlainValue };

class PickleError extends Error {}

const MARK = Symbol('mark');
type Item = PlainValue | typeof MARK;

/** The value in a pickle of plain data; throws an Error naming the opcode that is not allowed. */
export function readPlainPickle(data: Uint8Array): PlainValue {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const stack: Item[] = [];
  const memo = new Map<number, PlainValue>();
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > buf.length) throw new PickleError('pickle ends early');
  };
  const u8 = () => {
    need(1);
    return buf[pos++]!;
  };
  const u16 = () => {
    need(2);
    pos += 2;
    return buf.readUInt16LE(pos - 2);
  };
  const u32 = () => {
    need(4);
    pos += 4;
    return buf.readUInt32LE(pos - 4);
  };
  const u64 = () => {
    need(8);
    pos += 8;
    const v = buf.readBigUInt64LE(pos - 8);
    if (v > BigInt(buf.length)) throw new PickleError('pickle length out of range');
    return Number(v);
  };
  const text = (n: number) => {
    need(n);
    pos += n;
    return buf.toString('utf8', pos - n, pos);
  };
  const bytes = (n: number) => {
    need(n);
    pos += n;
    return buf.toString('latin1', pos - n, pos);
  };
  const pop = (): PlainValue => {
    const v = stack.pop();
    if (v === undefined || v === MARK) throw new PickleError('pickle stack underflow');
    return v;
  };
  const popMark = (): PlainValue[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) throw new PickleError('pickle has no mark');
    const items = stack.splice(at) as PlainValue[];
    items.shift();
    return items;
  };
  const top = (): PlainValue => {
    const v = stack.at(-1);
    if (v === undefined || v === MARK) throw new PickleError('pickle stack underflow');
    return v;
  };
  const setItems = (dict: PlainValue, items: PlainValue[]) => {
    if (typeof dict !== 'object' || dict === null || Array.isArray(dict))
      throw new PickleError('SETITEMS on a non-dict');
    for (let i = 0; i + 1 < items.length; i += 2) {
      const k = items[i]!;
      if (typeof k !== 'string' && typeof k !== 'number') throw new PickleError('dict key is not plain');
      dict[String(k)] = items[i + 1]!;
    }
  };
  const int = (v: bigint): number => {
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER))
      throw new PickleError('integer too large for a test case');
    return Number(v);
  };
  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        u8();
        break;
      case 0x95: // FRAME
        u64();
        break;
      case 0x2e: // STOP
        return pop();
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(text(u8()));
        break;
      case 0x58: // BINUNICODE
        stack.push(text(u32()));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(text(u64()));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(bytes(u8()));
        break;
      case 0x42: // BINBYTES
        stack.push(bytes(u32()));
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x4a: // BININT
        need(4);
        pos += 4;
        stack.push(buf.readInt32LE(pos - 4));
        break;
      case 0x8a: {
        // LONG1: little-endian two's complement
        const n = u8();
        need(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(buf[pos + i]!);
        if (n > 0 && buf[pos + n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
        pos += n;
        stack.push(int(v));
        break;
      }
      case 0x47: // BINFLOAT
        need(8);
        pos += 8;
        stack.push(buf.readDoubleBE(pos - 8));
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push({});
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x85: // TUPLE1
        stack.push([pop()]);
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        stack.push([pop(), b]);
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push([pop(), b, c]);
        break;
      }
      case 0x74: // TUPLE
        stack.push(popMark());
        break;
      case 0x61: {
        // APPEND
        const v = pop();
        const list = top();
        if (!Array.isArray(list)) throw new PickleError('APPEND on a non-list');
        list.push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const list = top();
        if (!Array.isArray(list)) throw new PickleError('APPENDS on a non-list');
        list.push(...items);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        const at = op === 0x68 ? u8() : u32();
        if (!memo.has(at)) throw new PickleError('pickle refers to a missing memo entry');
        stack.push(memo.get(at)!);
        break;
      }
      default:
        throw new PickleError(
          `pickle opcode 0x${op.toString(16)} is not plain data (only strings, numbers, lists and dicts are read)`,
        );
    }
  }
}
