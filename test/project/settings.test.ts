// The one parser of `.iommu-check.json`: the settings it gives, and what it says (and where) when
// the file cannot be used.

import { describe, expect, it } from 'vitest';
import { parseRuleConfig } from '../../server/src/project/settings';

describe('.iommu-check.json', () => {
  it('gives the rules of a valid file', () => {
    expect(parseRuleConfig('{ "$schema": "x", "rules": { "map-overlap": "warning", "unused-object": "off" } }')).toEqual({
      rules: { 'map-overlap': 'warning', 'unused-object': 'off' },
    });
  });

  it('says what is wrong and where', () => {
    const problem = (text: string) => {
      const r = parseRuleConfig(text);
      if (!('problem' in r)) throw new Error('expected a problem');
      return [r.problem.message.replace(/^(invalid JSON): .*/, '$1: …'), text.slice(r.problem.start, r.problem.end)];
    };
    expect(problem('{ "rules": { "nope": "off" } }')).toEqual(["unknown check code 'nope' (run 'iommu-check explain' for the list)", '"nope"']);
    expect(problem('{ "rules": { "map-overlap": "fatal" } }')).toEqual(['rule map-overlap: "fatal" is not one of off, information, warning, error', '"map-overlap"']);
    expect(problem('{ "rule": {} }')).toEqual([`unknown key 'rule'; did you mean 'rules'? (only "rules" is allowed)`, '"rule"']);
    expect(problem('{ "rules": [] }')).toEqual(['"rules" must be an object mapping check codes to off|information|warning|error', '"rules"']);
    expect(problem('[]')).toEqual(['expected an object like { "rules": { "CODE": "off" } }', '[]']);
    expect(problem('{ "rules": { x } }')).toEqual(['invalid JSON: …', 'x']);
  });
});
