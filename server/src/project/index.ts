// The project model shared by the command line and the language server.
export { configurationRoots, type IncludeGraph } from './configurations';
export { capFlood, compareInFile, countOf, MAX_DIAGNOSTICS_PER_CODE, rangeOf, toPlain, type PlainDiagnostic, type PlainRange, type PlainRelated } from './diagnostics';
export { findIommuFiles, isIommuFile } from './discovery';
export { ProjectHost } from './host';
export { configurationForLog, isKernelLogFile, logDiagnostics, MAX_LOG_DIAGNOSTICS } from './kernelLogs';
export { Project, type ConfigurationAnalysis, type ProjectOptions, type ProjectReport } from './project';
export { cleanRules, CONFIG_FILE_NAME, isRuleSetting, parseRuleConfig, RULE_SETTINGS, RuleSettingsResolver, type ConfigProblem } from './settings';
export { WorkspaceRoots } from './workspaceRoot';
