// Types for bin/v8-flags.js (plain JavaScript: it runs before the CLI's TypeScript is loaded).
export declare const SHORT_RUN_COMMANDS: ReadonlySet<string>;
/** Sets the budget, unless node was given one of its own on its command line. */
export declare function tuneForShortRun(): void;
