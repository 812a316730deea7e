export declare function assembleByteScan(): Promise<string>;
