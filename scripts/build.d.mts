/** Types of scripts/build.mjs (the compiled build, docs/architecture.md "Runtime"). */
export function build(options?: { quiet?: boolean }): Promise<{ id: string; dir: string } | null>;
