// Types of allure-modules.mjs, for the TypeScript that imports it (the generator that uses it is plain JavaScript).
/** The bundle's path, built first if there is none; undefined when it cannot be had. */
export function allureBundle(): Promise<string | undefined>;
/** The bundle's exports, compiled with its V8 code cache when there is one (`cached`), and `saveCache`, which keeps it. */
export function loadBundle(file: string): { exports: Record<string, unknown>; saveCache: () => void; cached: boolean };
/**
 * Allure's AllureReport, resolveConfig, BufferResultFile, PathResultFile and detect: from the bundle, or as installed
 * (`bundled` says which); `saveCache` keeps the bundle's compiled code for the next generator.
 */
export function allureModules(): Promise<{ AllureReport: unknown; resolveConfig: unknown; BufferResultFile: unknown; PathResultFile: unknown; detect: unknown; bundled: boolean; saveCache: () => void }>;
