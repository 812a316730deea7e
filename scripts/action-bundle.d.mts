import type { BuildOptions } from 'esbuild';

export declare const ACTION_ENTRY: string;
export declare const ACTION_BUNDLE: string;
export declare const REPO_ROOT: string;
export declare const actionBuildOptions: BuildOptions;
