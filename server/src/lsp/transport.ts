// The stdio transport: JSON-RPC frames (`Content-Length: N\r\n\r\n` and N bytes of JSON), read by
// a reader that survives a misbehaving client. A header block without a usable Content-Length,
// bytes that are no header at all, a length that does not match the body, a body that is not
// JSON or not a JSON-RPC message: each is answered with a JSON-RPC error (Parse error or Invalid
// Request, with the request's id when it can be read) and skipped, and reading goes on at the next
// frame. (vscode-jsonrpc's stream reader stops understanding its input after the first frame
// without a Content-Length: every later message is read as part of a header.)
//
// Finding the next frame: the bytes `Content-Length: DIGITS` followed by a raw CR LF can never be
// part of a JSON text (outside a string it is no JSON token, inside one a raw CR LF is not
// allowed), so wherever they appear a frame starts, whatever the lengths before said.

import { inspect } from 'node:util';
import {
  AbstractMessageReader,
  createConnection,
  ErrorCodes,
  ProposedFeatures,
  StreamMessageWriter,
  type Connection,
  type DataCallback,
  type Disposable,
  type Message,
  type ResponseMessage,
} from 'vscode-languageserver/node';

/** A frame announced as longer than this is refused (a didOpen of the largest file is far smaller). */
export const MAX_FRAME_BYTES = 256 * 1024 * 1024;
/** Junk kept while looking for the next frame: enough for a header split across two reads. */
const TAIL = 64;

const HEADER_END = Buffer.from('\r\n\r\n');
const FRAME_START = /content-length[ \t]*:[ \t]*\d+[ \t]*\r\n/i;
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)[ \t]*:[ \t]*(.*?)[ \t]*$/;

/** What the reader could not take, for the client (a JSON-RPC error) and the log. */
export interface Malformed {
  /** JSON-RPC error code: ParseError or InvalidRequest. */
  code: number;
  message: string;
  /** The id of the request it was, when that could be read; else null. */
  id: number | string | null;
}

/** Where the next frame starts in `buf` at or after `from`, or -1. */
function frameStart(buf: Buffer, from: number): number {
  // latin1 keeps byte offsets; the pattern is ASCII
  const m = FRAME_START.exec(buf.toString('latin1', from));
  return m ? from + m.index : -1;
}

/** The id of a request as far as a broken body shows it (`"id": 7` before the body went wrong). */
function idIn(text: string): number | string | null {
  const m = /"id"\s*:\s*(-?\d+|"(?:[^"\\]|\\.)*")/.exec(text);
  if (!m) return null;
  try {
    const v = JSON.parse(m[1]!) as unknown;
    return typeof v === 'number' || typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}

/** Whether a parsed body is a message vscode-jsonrpc can dispatch: a request, a notification or a response. */
function shapeProblem(v: unknown): Malformed | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return { code: ErrorCodes.InvalidRequest, message: Array.isArray(v) ? 'batches of JSON-RPC messages are not supported' : 'a JSON-RPC message must be an object', id: null };
  const m = v as Record<string, unknown>;
  const id = typeof m['id'] === 'number' || typeof m['id'] === 'string' ? m['id'] : null;
  if ('id' in m && m['id'] !== null && id === null) return { code: ErrorCodes.InvalidRequest, message: 'a request id must be a number or a string', id: null };
  if ('method' in m) {
    if (typeof m['method'] !== 'string') return { code: ErrorCodes.InvalidRequest, message: 'a method name must be a string', id };
    return undefined;
  }
  if ('id' in m && ('result' in m || 'error' in m)) return undefined;
  return { code: ErrorCodes.InvalidRequest, message: 'neither a request, a notification nor a response', id };
}

/**
 * The framing itself, without streams: bytes in, messages and problems out (in order). Kept
 * separate so that the tests can feed it bytes in any split.
 */
export class FrameParser {
  private buf = Buffer.alloc(0);
  /** The announced length of the body being read, or -1 while reading a header. */
  private length = -1;
  /** Looking for the next frame after junk (reported once). */
  private skipping = false;

  constructor(
    private readonly onMessage: (m: Message) => void,
    private readonly onMalformed: (m: Malformed) => void,
  ) {}

  /** Bytes received after `buf`, not yet joined to it (a large body arrives in many reads). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** How much of the body being read was searched for the start of a frame, and its last bytes. */
  private scanned = 0;
  private tail = Buffer.alloc(0);

  push(data: Buffer): void {
    // while a long body comes in, search only what is new, and join the pieces once it is whole
    if (this.length >= 0 && !this.skipping && this.buf.length + this.pendingBytes + data.length < this.length) {
      const fresh = Buffer.concat([this.tail, data]);
      this.tail = fresh.subarray(Math.max(0, fresh.length - TAIL));
      this.pending.push(data);
      this.pendingBytes += data.length;
      if (frameStart(fresh, 0) < 0) {
        this.scanned = this.buf.length + this.pendingBytes;
        return;
      }
    } else {
      this.pending.push(data);
      this.pendingBytes += data.length;
    }
    this.join();
    while (this.step());
  }

  private join(): void {
    if (this.pending.length === 0) return;
    this.buf = Buffer.concat([this.buf, ...this.pending]);
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** One step of reading; false when more bytes are needed. */
  private step(): boolean {
    if (this.skipping) {
      const at = frameStart(this.buf, 0);
      if (at < 0) {
        if (this.buf.length > TAIL) this.buf = this.buf.subarray(this.buf.length - TAIL);
        return false;
      }
      this.buf = this.buf.subarray(at);
      this.skipping = false;
    }
    if (this.length < 0) return this.header();
    return this.body();
  }

  /** Skip to the next frame after position `after` (reporting `why` first). */
  private resync(after: number, why: Malformed | null): boolean {
    if (why) this.onMalformed(why);
    this.length = -1;
    const at = frameStart(this.buf, after);
    if (at >= 0) {
      this.buf = this.buf.subarray(at);
      return true;
    }
    this.buf = this.buf.subarray(Math.max(after, this.buf.length - TAIL));
    this.skipping = true;
    return false;
  }

  private header(): boolean {
    const end = this.buf.indexOf(HEADER_END);
    if (end < 0) {
      // no header end yet: fine while what came so far can start a header
      if (this.buf.length > 8192 || (this.buf.length > 0 && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]/.test(String.fromCharCode(this.buf[0]!))))
        return this.resync(1, { code: ErrorCodes.ParseError, message: 'bytes that are not a JSON-RPC header were skipped', id: null });
      return false;
    }
    let length: number | undefined;
    let problem: string | undefined;
    for (const line of this.buf.toString('latin1', 0, end).split('\r\n')) {
      const m = HEADER_LINE.exec(line);
      if (!m) {
        problem = `not a header line: ${JSON.stringify(line.slice(0, 60))}`;
        break;
      }
      if (m[1]!.toLowerCase() !== 'content-length') continue;
      if (!/^\d+$/.test(m[2]!) || Number(m[2]) > MAX_FRAME_BYTES) {
        problem = `Content-Length must be a number of bytes up to ${MAX_FRAME_BYTES}, not ${JSON.stringify(m[2]!.slice(0, 40))}`;
        break;
      }
      length = Number(m[2]);
    }
    if (problem === undefined && length === undefined) problem = 'a message header without Content-Length';
    if (problem !== undefined) return this.resync(1, { code: ErrorCodes.ParseError, message: `${problem}: the message was skipped`, id: null });
    this.buf = this.buf.subarray(end + HEADER_END.length);
    this.length = length!;
    this.scanned = 0;
    return true;
  }

  private body(): boolean {
    const have = Math.min(this.buf.length, this.length);
    // a frame starting inside the announced body (its header may run past it): the length was too large
    const from = Math.max(0, Math.min(this.scanned, have) - TAIL);
    const next = frameStart(this.buf.subarray(0, Math.min(this.buf.length, this.length + TAIL)), from);
    this.scanned = have;
    this.tail = this.buf.subarray(Math.max(0, have - TAIL), have);
    if (next >= 0 && next < this.length) {
      const part = this.buf.toString('utf8', 0, next);
      return this.resync(next, { code: ErrorCodes.ParseError, message: `the body is shorter than its Content-Length (${this.length}): the message was skipped`, id: idIn(part) });
    }
    if (this.buf.length < this.length) return false;
    const text = this.buf.toString('utf8', 0, this.length);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      // a body shorter than announced ends in the next frame's header, or is followed by its own
      // rest: look for the next frame from inside this body on
      return this.resync(1, { code: ErrorCodes.ParseError, message: `the body is not JSON (${e instanceof Error ? e.message : String(e)}): the message was skipped`, id: idIn(text) });
    }
    this.buf = this.buf.subarray(this.length);
    this.length = -1;
    const bad = shapeProblem(value);
    if (bad) this.onMalformed(bad);
    else this.onMessage(value as Message);
    return true;
  }
}

/** A MessageReader over a byte stream (the server's stdin) that reports malformed input and goes on. */
export class RecoveringMessageReader extends AbstractMessageReader {
  constructor(
    private readonly input: NodeJS.ReadableStream,
    private readonly onMalformed: (m: Malformed) => void,
  ) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    const parser = new FrameParser(callback, this.onMalformed);
    const onData = (d: Buffer | string) => parser.push(typeof d === 'string' ? Buffer.from(d) : d);
    const onError = (e: Error) => this.fireError(e);
    const onClose = () => this.fireClose();
    this.input.on('data', onData);
    this.input.on('error', onError);
    this.input.on('close', onClose);
    this.input.on('end', onClose);
    return {
      dispose: () => {
        this.input.off('data', onData);
        this.input.off('error', onError);
        this.input.off('close', onClose);
        this.input.off('end', onClose);
      },
    };
  }
}

/**
 * The server's connection: over stdin/stdout through the recovering reader when started with
 * `--stdio`, else as vscode-languageserver makes it from the command line (`--node-ipc` from VS
 * Code passes whole messages, not bytes). Over stdio, malformed input gets an error answer and a
 * line in the log; the process ends when stdin does; console output goes to the log, never into
 * the protocol stream.
 */
export function serverConnection(argv: readonly string[] = process.argv): { connection: Connection; /** Call on `shutdown`: the end of stdin is then a clean exit. */ shutDown(): void } {
  if (!argv.includes('--stdio')) return { connection: createConnection(ProposedFeatures.all), shutDown: () => undefined };
  const writer = new StreamMessageWriter(process.stdout);
  let connection: Connection | undefined;
  const reader = new RecoveringMessageReader(process.stdin, (m) => {
    const answer: ResponseMessage = { jsonrpc: '2.0', id: m.id, error: { code: m.code, message: m.message } };
    void writer.write(answer).catch(() => undefined);
    connection?.console.error(`iommu-check: malformed input from the client: ${m.message}`);
  });
  const c = createConnection(ProposedFeatures.all, reader, writer);
  connection = c;
  let shutdown = false;
  const end = () => process.exit(shutdown ? 0 : 1);
  process.stdin.on('end', end);
  process.stdin.on('close', end);
  const say = (write: (m: string) => void) => (...args: unknown[]) => write(args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' '));
  console.log = say((m) => c.console.log(m));
  console.info = say((m) => c.console.info(m));
  console.warn = say((m) => c.console.warn(m));
  console.error = say((m) => c.console.error(m));
  console.debug = say((m) => c.console.log(m));
  return {
    connection: c,
    shutDown: () => {
      shutdown = true;
    },
  };
}
