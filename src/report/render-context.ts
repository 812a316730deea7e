import type { CompiledPack } from '../model/rule.js';
import type { CompiledTemplate } from './template.js';

/** What every reporter may use besides the outcome. */
export interface RenderContext {
  readonly pack: CompiledPack;
  readonly toolVersion: string;
  readonly color: boolean;
  readonly verbose: boolean;
  /** `--format template`: the parsed `--template` file. */
  readonly template?: CompiledTemplate;
}
