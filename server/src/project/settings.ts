// Rule settings: `.iommu-check.json` (`{ "rules": { "CODE": "off" | "information" | "warning" |
// "error" } }`), read by one parser for the command line and the editor. The settings of a file
// are those of the nearest config file upward from its folder (or one given explicitly), with
// overrides on top (`--rule` options, the editor's settings). A config file that cannot be used
// is a problem with a place in that file: the command line stops on it, the editor shows it.

import * as path from 'node:path';
import { didYouMean } from '../../../grammar/src/spelling';
import { CHECK_BY_CODE } from '../checks/registry';
import type { RuleSetting, RuleSettings } from '../engine';

export const CONFIG_FILE_NAME = '.iommu-check.json';
export const RULE_SETTINGS: readonly RuleSetting[] = ['off', 'information', 'warning', 'error'];

export function isRuleSetting(v: unknown): v is RuleSetting {
  return typeof v === 'string' && (RULE_SETTINGS as readonly string[]).includes(v);
}

/** What is wrong with a config file, and where (offsets into its text). */
export interface ConfigProblem {
  message: string;
  start: number;
  end: number;
}

/** Where `"key"` first appears in the text (for pointing at a bad key). */
function keySpan(text: string, key: string): { start: number; end: number } {
  const quoted = JSON.stringify(key);
  const at = text.indexOf(quoted);
  return at < 0 ? { start: 0, end: Math.min(1, text.length) } : { start: at, end: at + quoted.length };
}

/** Parse and validate a config file's text. */
export function parseRuleConfig(text: string): { rules: RuleSettings } | { problem: ConfigProblem } {
  const fail = (message: string, span: { start: number; end: number }) => ({ problem: { message, ...span } });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    const pos = /position (\d+)/.exec(why);
    const at = pos ? Math.min(Number(pos[1]), text.length) : text.length;
    return fail(`invalid JSON: ${why}`, { start: Math.max(0, Math.min(at, text.length - 1)), end: Math.min(at + 1, text.length) });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return fail('expected an object like { "rules": { "CODE": "off" } }', { start: 0, end: text.length });
  }
  const rules: RuleSettings = {};
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (key === '$schema') continue;
    if (key !== 'rules') return fail(`unknown key '${key}'${didYouMean(key, ['rules'])} (only "rules" is allowed)`, keySpan(text, key));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return fail(`"rules" must be an object mapping check codes to ${RULE_SETTINGS.join('|')}`, keySpan(text, key));
    }
    for (const [code, setting] of Object.entries(value as Record<string, unknown>)) {
      if (!CHECK_BY_CODE.has(code)) return fail(`unknown check code '${code}'${didYouMean(code, CHECK_BY_CODE.keys())} (run 'iommu-check explain' for the list)`, keySpan(text, code));
      if (!isRuleSetting(setting)) return fail(`rule ${code}: ${JSON.stringify(setting)} is not one of ${RULE_SETTINGS.join(', ')}${typeof setting === 'string' ? didYouMean(setting, RULE_SETTINGS) : ''}`, keySpan(text, code));
      rules[code] = setting;
    }
  }
  return { rules };
}

/** Rule settings from an editor's settings: known severities kept, anything else ignored. */
export function cleanRules(raw: unknown): RuleSettings {
  const out: RuleSettings = {};
  if (raw && typeof raw === 'object')
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) if (CHECK_BY_CODE.has(k) && isRuleSetting(v)) out[k] = v;
  return out;
}

export interface SettingsOptions {
  /** Reads a file's text (`undefined`: no such file). */
  read(absPath: string): string | undefined;
  /** Settings for every file instead of the nearest config file (`--config`). */
  explicit?: RuleSettings | null;
  /** Settings on top of the config file's (`--rule`, the editor's settings). */
  overrides?: RuleSettings;
}

/** The rule settings of each file, from the nearest config file upward. */
export class RuleSettingsResolver {
  private readonly byDir = new Map<string, string | null>();
  private readonly parsed = new Map<string, { rules: RuleSettings } | { problem: ConfigProblem }>();

  constructor(private readonly opts: SettingsOptions) {}

  /** The nearest config file upward from a file's folder, or null. */
  configFileFor(absFile: string): string | null {
    return this.nearest(path.dirname(path.resolve(absFile)));
  }

  /** The settings that apply to diagnostics in `absFile`. */
  rulesFor(absFile: string): RuleSettings {
    const overrides = this.opts.overrides ?? {};
    if (this.opts.explicit) return { ...this.opts.explicit, ...overrides };
    const config = this.configFileFor(absFile);
    const got = config ? this.load(config) : null;
    return { ...(got && 'rules' in got ? got.rules : {}), ...overrides };
  }

  /** The config files consulted so far that cannot be used, with what is wrong. */
  problems(): { path: string; problem: ConfigProblem }[] {
    const out: { path: string; problem: ConfigProblem }[] = [];
    for (const [p, got] of this.parsed) if ('problem' in got) out.push({ path: p, problem: got.problem });
    return out;
  }

  /** The config files consulted so far. */
  consulted(): string[] {
    return [...this.parsed.keys()];
  }

  private load(config: string) {
    let got = this.parsed.get(config);
    if (!got) {
      const text = this.opts.read(config);
      got = text === undefined ? { rules: {} } : parseRuleConfig(text);
      this.parsed.set(config, got);
    }
    return got;
  }

  private nearest(dir: string): string | null {
    const hit = this.byDir.get(dir);
    if (hit !== undefined) return hit;
    const candidate = path.join(dir, CONFIG_FILE_NAME);
    let found: string | null;
    if (this.opts.read(candidate) !== undefined) found = candidate;
    else {
      const parent = path.dirname(dir);
      found = parent === dir ? null : this.nearest(parent);
    }
    this.byDir.set(dir, found);
    return found;
  }
}
