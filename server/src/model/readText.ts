// Reading a file that names a configuration, safely: only regular files (a directory, a FIFO, a
// device such as /dev/zero or a socket is refused, and opening never blocks on a FIFO), at most
// MAX_FILE_BYTES read whatever the file claims, a symlink loop an error like any other. UTF-16
// text with a byte-order mark is decoded; anything else is read as UTF-8 (bytes that are not
// UTF-8 become U+FFFD, which `notTextReason` reports).

import * as fs from 'node:fs';

/** Larger files are not configurations: they are refused before they are read. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

export type ReadResult = { text: string } | { error: string };

function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

export function ioReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    default:
      return e instanceof Error ? e.message : String(e);
  }
}

/** Decode file bytes: UTF-16 with a byte-order mark, else UTF-8. */
export function decodeText(buf: Buffer): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    const le = Buffer.from(buf.subarray(2, 2 + ((buf.length - 2) & ~1)));
    le.swap16();
    return le.toString('utf16le');
  }
  return buf.toString('utf8');
}

export function readTextFile(absPath: string): ReadResult {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer must not hang (it is refused just below)
    fd = fs.openSync(absPath, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    return { error: ioReason(e) };
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return { error: `${kindOf(st)}, not a file` };
    if (st.size > MAX_FILE_BYTES) return { error: `it is ${(st.size / 1048576).toFixed(1)} MB; a configuration file may be at most ${MAX_FILE_BYTES / 1048576} MB` };
    const buf = Buffer.alloc(st.size);
    let got = 0;
    while (got < buf.length) {
      const n = fs.readSync(fd, buf, got, buf.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return { text: decodeText(buf.subarray(0, got)) };
  } catch (e) {
    return { error: ioReason(e) };
  } finally {
    fs.closeSync(fd);
  }
}
