import { MODEL } from "../../models";
/** docs/cli.md against the CLI's own --help: every command and flag documented, none that does not exist. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cli } from "./fake-deps";

const DOC_PATH = "docs/cli.md";
const doc = readFileSync(join(__dirname, "..", "..", DOC_PATH), "utf8");
const FLAG = /--[a-z][\w-]*/g;
/** Flags every command takes, which the doc's table names once in its header. */
const COMMON_FLAGS = ["--json", "--help"];

/** The commands `workflow --help` lists, in its order. */
async function helpCommands(): Promise<string[]> {
  const { stdout } = await cli(["--help"]);
  const section = stdout.split("Commands:\n")[1].split("\n\n")[0];
  return section.split("\n").map((line) => line.trim().split(/\s+/)[0]);
}

/** The flags `workflow <command> --help` lists under Options. */
async function helpFlags(command: string): Promise<string[]> {
  const { stdout } = await cli([command, "--help"]);
  // The chosen model's own name for --metric (e.g. --rmse) is the model's, not in the platform's reference.
  const modelAlias = `--${MODEL.metric.name.toLowerCase()}`;
  return [...stdout.split("Options:\n")[1].matchAll(/^\s+(?:-\w, )?(--[\w-]+)/gm)]
    .map((m) => m[1])
    .filter((flag) => flag !== modelAlias);
}

/** The doc's command table: each row's command and the flags its synopsis names. */
const table = [...doc.matchAll(/^\| `([\w-]+)` \| `([^`]*)` \|/gm)].map(([, command, synopsis]) => ({
  command,
  flags: synopsis.match(FLAG) ?? [],
}));

/** Every invocation in the doc (`npm run workflow -- <command> …`, `workflow <command> --…`) with the flags it passes. */
const invocations = doc
  .split("\n")
  .flatMap((line) =>
    [...line.matchAll(/(?:npm run (?:-s )?workflow -- |\bworkflow )([a-z][\w-]*)(?=[ \n]+[-<"\d]|$)([^`|#)]*)/g)].map(
      ([, command, rest]) => ({ command, flags: rest.match(FLAG) ?? [], line }),
    ),
  );

describe(DOC_PATH, () => {
  it("lists every command of `workflow --help` in its table, in the same order, and no other", async () => {
    expect(table.map((row) => row.command)).toEqual(await helpCommands());
  });

  it("names each command's flags, exactly those its --help lists", async () => {
    for (const row of table) {
      expect({ command: row.command, flags: [...row.flags, ...COMMON_FLAGS].sort() }).toEqual({
        command: row.command,
        flags: (await helpFlags(row.command)).sort(),
      });
    }
  });

  it("runs only commands that exist, with flags they take", async () => {
    const commands = await helpCommands();
    const flags = new Map(await Promise.all(commands.map(async (c) => [c, await helpFlags(c)] as const)));
    expect(invocations.length).toBeGreaterThan(10);
    for (const { command, flags: given, line } of invocations) {
      if (command === "help") continue; // `workflow help <command>` = `<command> --help`
      expect({ line, command: commands.includes(command) }).toEqual({ line, command: true });
      expect({ line, unknown: given.filter((flag) => !flags.get(command)!.includes(flag)) }).toEqual({ line, unknown: [] });
    }
  });

  it("names no flag that no command takes", async () => {
    const known = new Set(["--version", ...(await Promise.all((await helpCommands()).map(helpFlags))).flat()]);
    // The aws CLI line `pipeline` prints, the syntax `--flag`, and the misspelling the unknown-flag error is shown with.
    const prose = doc
      .split("\n")
      .filter((line) => !line.includes("aws codepipeline"))
      .join("\n");
    const named = new Set(prose.match(FLAG));
    expect([...named].filter((flag) => !known.has(flag) && flag !== "--flag" && flag !== "--fromat")).toEqual([]);
  });
});
