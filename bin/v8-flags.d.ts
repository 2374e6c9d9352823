// Types for bin/v8-flags.js (plain JavaScript: it runs before the CLI's TypeScript is loaded).
export declare const SHORT_RUN_INTERRUPT_BUDGET: number;
export declare const SHORT_RUN_COMMANDS: ReadonlySet<string>;
export declare function tuneForShortRun(): void;
