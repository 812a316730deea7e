import type { CompiledPack } from '../model/rule.js';

/** What every reporter may use besides the outcome. */
export interface RenderContext {
  readonly pack: CompiledPack;
  readonly toolVersion: string;
  readonly color: boolean;
  readonly verbose: boolean;
}
