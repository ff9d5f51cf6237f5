// Rule settings: `.iommu-check.json` files (the nearest one upward from each file, or `--config`)
// and `--rule CODE=SEVERITY` options, which override them.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHECK_BY_CODE } from '../checks/registry';
import type { RuleSetting, RuleSettings } from '../engine';
import { fsReason, UsageError } from './io';

export const CONFIG_FILE_NAME = '.iommu-check.json';
export const RULE_SETTINGS: readonly RuleSetting[] = ['off', 'information', 'warning', 'error'];

function isRuleSetting(v: unknown): v is RuleSetting {
  return typeof v === 'string' && (RULE_SETTINGS as readonly string[]).includes(v);
}

/** `CODE=SEVERITY` from `--rule`. */
export function parseRuleOption(text: string): [string, RuleSetting] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--rule expects CODE=${RULE_SETTINGS.join('|')}, got '${text}'`);
  const code = text.slice(0, eq).trim();
  const value = text.slice(eq + 1).trim();
  if (!CHECK_BY_CODE.has(code)) throw new UsageError(`--rule: unknown check code '${code}' (run 'iommu-check explain' for the list)`);
  if (!isRuleSetting(value)) throw new UsageError(`--rule ${code}: '${value}' is not one of ${RULE_SETTINGS.join(', ')}`);
  return [code, value];
}

/** Read and validate one config file; any problem is a one-line UsageError naming the file. */
export function readConfigFile(file: string, shownAs: string = file): RuleSettings {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read config ${shownAs}: ${fsReason(e)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new UsageError(`${shownAs}: invalid JSON: ${why}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UsageError(`${shownAs}: expected an object like { "rules": { "CODE": "off" } }`);
  }
  const rules: RuleSettings = {};
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (key === '$schema') continue;
    if (key !== 'rules') throw new UsageError(`${shownAs}: unknown key '${key}' (only "rules" is allowed)`);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new UsageError(`${shownAs}: "rules" must be an object mapping check codes to ${RULE_SETTINGS.join('|')}`);
    }
    for (const [code, setting] of Object.entries(value as Record<string, unknown>)) {
      if (!CHECK_BY_CODE.has(code)) throw new UsageError(`${shownAs}: unknown check code '${code}' (run 'iommu-check explain' for the list)`);
      if (!isRuleSetting(setting)) throw new UsageError(`${shownAs}: rule ${code}: ${JSON.stringify(setting)} is not one of ${RULE_SETTINGS.join(', ')}`);
      rules[code] = setting;
    }
  }
  return rules;
}

/**
 * Finds the settings that apply to a file: `--config` when given, else the nearest
 * `.iommu-check.json` upward from the file's folder; `--rule` options on top.
 */
export class RuleResolver {
  private readonly byDir = new Map<string, RuleSettings>();
  private readonly explicit: RuleSettings | null;

  constructor(
    private readonly cliRules: RuleSettings,
    configFile: string | null,
    private readonly show: (abs: string) => string,
  ) {
    this.explicit = configFile ? readConfigFile(configFile, show(configFile)) : null;
  }

  rulesFor(absFile: string): RuleSettings {
    const base = this.explicit ?? this.nearest(path.dirname(absFile));
    return { ...base, ...this.cliRules };
  }

  private nearest(dir: string): RuleSettings {
    const hit = this.byDir.get(dir);
    if (hit) return hit;
    const candidate = path.join(dir, CONFIG_FILE_NAME);
    let found: RuleSettings;
    if (fs.existsSync(candidate)) found = readConfigFile(candidate, this.show(candidate));
    else {
      const parent = path.dirname(dir);
      found = parent === dir ? {} : this.nearest(parent);
    }
    this.byDir.set(dir, found);
    return found;
  }
}
