export declare const REPO_ROOT: string;
export declare const VALIDATORS: Readonly<Record<string, string>>;
export declare const DECLARATION: string;
export declare function generateValidator(schemaFile: string): string;
