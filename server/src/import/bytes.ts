// A bounds-checked view of firmware bytes. Every read names the offset it wants and returns
// `null` when the bytes are not there, so a parser can never read past its buffer: it reports
// the truncation and keeps whatever it already has.

export class Bytes {
  constructor(
    readonly data: Uint8Array,
    /** Where this view starts inside `data`. */
    readonly base: number = 0,
    /** How many bytes the view covers. */
    readonly length: number = data.length - base,
  ) {
    if (base < 0 || length < 0 || base + length > data.length) throw new RangeError('view outside its buffer');
  }

  /** Whether [offset, offset + size) lies inside the view. */
  has(offset: number, size: number): boolean {
    return Number.isInteger(offset) && Number.isInteger(size) && offset >= 0 && size >= 0 && offset + size <= this.length;
  }

  /** A sub-view, or null when it does not fit. */
  slice(offset: number, size: number): Bytes | null {
    return this.has(offset, size) ? new Bytes(this.data, this.base + offset, size) : null;
  }

  u8(o: number): number | null {
    return this.has(o, 1) ? this.data[this.base + o]! : null;
  }

  u16(o: number): number | null {
    return this.has(o, 2) ? this.data[this.base + o]! | (this.data[this.base + o + 1]! << 8) : null;
  }

  u32(o: number): number | null {
    if (!this.has(o, 4)) return null;
    const d = this.data;
    const b = this.base + o;
    return (d[b]! | (d[b + 1]! << 8) | (d[b + 2]! << 16)) + d[b + 3]! * 0x1000000;
  }

  u64(o: number): bigint | null {
    const lo = this.u32(o);
    const hi = this.u32(o + 4);
    return lo === null || hi === null ? null : (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** Big-endian 32-bit (the devicetree's byte order). */
  be32(o: number): number | null {
    if (!this.has(o, 4)) return null;
    const d = this.data;
    const b = this.base + o;
    return d[b]! * 0x1000000 + ((d[b + 1]! << 16) | (d[b + 2]! << 8) | d[b + 3]!);
  }

  /** `size` bytes as printable ASCII (other bytes shown as `.`), or null when they do not fit. */
  ascii(o: number, size: number): string | null {
    if (!this.has(o, size)) return null;
    let s = '';
    for (let i = 0; i < size; i++) {
      const c = this.data[this.base + o + i]!;
      s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
    }
    return s;
  }

  /** A NUL-terminated string starting at `o` and ending before `limit` (exclusive), or null when unterminated. */
  cstring(o: number, limit: number = this.length): string | null {
    const end = Math.min(limit, this.length);
    let s = '';
    for (let i = o; i < end; i++) {
      const c = this.data[this.base + i]!;
      if (c === 0) return s;
      s += String.fromCharCode(c);
    }
    return null;
  }

  /** The byte sum of the view modulo 256 (an ACPI table's checksum makes it 0). */
  sum8(): number {
    let s = 0;
    for (let i = 0; i < this.length; i++) s = (s + this.data[this.base + i]!) & 0xff;
    return s;
  }
}
