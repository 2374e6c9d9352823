// Types of allure-modules.mjs, for the TypeScript that imports it (the generator that uses it is plain JavaScript).
/** The bundle's path, built first if there is none; undefined when it cannot be had. */
export function allureBundle(): Promise<string | undefined>;
/** Allure's AllureReport, readConfig, PathResultFile and detect: from the bundle, or as installed (`bundled` says which). */
export function allureModules(): Promise<{ AllureReport: unknown; readConfig: unknown; PathResultFile: unknown; detect: unknown; bundled: boolean }>;
