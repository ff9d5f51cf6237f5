// The engine entry points the benchmark times.
export { analyze } from '../server/src/engine';
export { parse } from '../grammar/src/index';
