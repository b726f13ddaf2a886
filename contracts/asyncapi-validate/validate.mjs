// Parse an AsyncAPI document with the official parser and report its diagnostics.
// Exit 0 when there is no diagnostic of severity error (warnings are printed, allowed),
// 1 when there is, 2 on usage or I/O errors.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { Parser, DiagnosticSeverity } from "@asyncapi/parser";

const SEVERITY = {
  [DiagnosticSeverity.Error]: "error",
  [DiagnosticSeverity.Warning]: "warning",
  [DiagnosticSeverity.Information]: "info",
  [DiagnosticSeverity.Hint]: "hint",
};

async function main(argv) {
  if (argv.length !== 1) {
    console.error("usage: node validate.mjs <asyncapi.yaml|json>");
    return 2;
  }
  const path = resolve(argv[0]);
  let text;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    console.error(`cannot read ${path}: ${err.message}`);
    return 2;
  }
  const parser = new Parser();
  const { document, diagnostics } = await parser.parse(text, { source: path });
  let errors = 0;
  for (const d of diagnostics) {
    const severity = SEVERITY[d.severity] ?? String(d.severity);
    if (d.severity === DiagnosticSeverity.Error) errors += 1;
    if (d.severity > DiagnosticSeverity.Warning) continue;
    const where = (d.path ?? []).join("/") || "$";
    const line = d.range ? `:${d.range.start.line + 1}` : "";
    console.log(`${severity} ${d.code} at ${where}${line}: ${d.message}`);
  }
  if (errors > 0 || document === undefined) {
    console.log(`INVALID: ${path} has ${errors} error(s)`);
    return 1;
  }
  console.log(`valid AsyncAPI ${document.version()}: ${path}`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
