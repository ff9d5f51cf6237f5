// A kernel log as people save it: `dmesg` (with `[  12.345678]` stamps, `-T` dates, caller ids),
// `/dev/kmsg` records (`6,1234,5678901,-;`), syslog and `journalctl -k` lines (`Dec  1 10:00:00
// host kernel: `), ISO-stamped journal lines, `journalctl -o export` (`MESSAGE=`) and `-o json`.
// Each line is reduced to the message the kernel printed and the column where it starts, so the
// driver parsers see the printk text alone.

export interface LogLine {
  /** 0-based line number in the file. */
  line: number;
  /** The kernel's message, without the stamp and syslog prefixes. */
  message: string;
  /** Where `message` starts in the line (UTF-16 offset); -1 when it was decoded (JSON) and has no column. */
  column: number;
  /** Length of the whole line. */
  length: number;
}

// `[   12.345678] ` and `[   12.345678][    T1] ` (CONFIG_PRINTK_CALLER), and `dmesg -T`'s `[Tue Dec  1 10:00:00 2026] `
const DMESG_STAMP = /^\[\s*\d+\.\d+\](?:\[\s*[TC]\d+\])?\s?|^\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\]\s?/;
// `<3>` console log level
const LEVEL = /^<\d{1,3}>/;
// /dev/kmsg: `PRIORITY,SEQ,TIMESTAMP,FLAGS[,…];message`
const KMSG = /^\d{1,3},\d+,\d+,[^;,]*(?:,[^;]*)?;/;
// syslog / journalctl short: `Dec  1 10:00:00 host kernel: `, `Dec 01 10:00:00.123456 host kernel: `
const SYSLOG = /^[A-Z][a-z]{2} [ \d]?\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ kernel(?:\[\d+\])?: ?/;
// ISO stamps: `2026-12-01T10:00:00.123456+00:00 host kernel: ` (journalctl -o short-iso[-precise], rsyslog)
const ISO = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)? \S+ kernel(?:\[\d+\])?: ?/;
// a syslog line cut after the host: `kernel: `
const BARE_KERNEL = /^kernel: /;
// `-o short-monotonic`: `[   12.345678] host kernel: `
const MONOTONIC = /^\[\s*\d+\.\d+\] \S+ kernel: ?/;

/** Strip the prefixes a saved log puts before the kernel's message; returns the column it starts at. */
export function messageStart(text: string): number {
  let at = 0;
  let rest = text;
  const take = (re: RegExp): boolean => {
    const m = re.exec(rest);
    if (!m) return false;
    at += m[0].length;
    rest = rest.slice(m[0].length);
    return true;
  };
  take(KMSG) || take(SYSLOG) || take(ISO) || take(MONOTONIC) || take(BARE_KERNEL);
  take(LEVEL);
  take(DMESG_STAMP);
  take(LEVEL);
  return at;
}

/** Split a log into lines (LF, CRLF) and strip each line's prefixes. */
export function logLines(text: string): LogLine[] {
  const raws = text.split('\n');
  if (raws.length > 1 && raws[raws.length - 1] === '') raws.pop();
  return raws.map((r, i) => lineOf(r.endsWith('\r') ? r.slice(0, -1) : r, i));
}

function lineOf(raw: string, line: number): LogLine {
  // journalctl -o export: one FIELD=value per line; -o json: one object per line
  if (raw.startsWith('MESSAGE=')) return { line, message: raw.slice(8), column: 8, length: raw.length };
  if (raw.startsWith('{') && raw.includes('"MESSAGE"')) {
    try {
      const o = JSON.parse(raw) as { MESSAGE?: unknown };
      if (typeof o.MESSAGE === 'string') {
        const col = raw.indexOf(JSON.stringify(o.MESSAGE));
        return { line, message: o.MESSAGE, column: col >= 0 ? col + 1 : -1, length: raw.length };
      }
    } catch {
      // not JSON after all: an ordinary line
    }
  }
  const at = messageStart(raw);
  return { line, message: raw.slice(at), column: at, length: raw.length };
}
