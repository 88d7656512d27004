/** Types of scripts/build.mjs (the compiled build, docs/architecture.md "Runtime"). */
export function build(options?: { quiet?: boolean }): Promise<{ id: string; dir: string } | null>;
/** npm packages the build leaves in node_modules. */
export const EXTERNAL: readonly string[];
/** The banner that gives the ES module chunks a `require`. */
export const ESM_BANNER: { js: string };
