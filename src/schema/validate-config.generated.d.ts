import type { SchemaValidator } from './validate-json.js';

export declare const validate: SchemaValidator;
