// Checks todo-mcp's tool definitions and results the way a strict JSON Schema client would:
// every inputSchema and outputSchema compiles with Ajv in strict mode (draft 2020-12, standard
// formats such as "date-time" from ajv-formats, as MCP clients register them), every call's
// structuredContent validates against its tool's outputSchema (errors included: the MCP
// TypeScript SDK validates whatever structuredContent it gets), every successful call's
// arguments validate against its inputSchema, and a success's text is the JSON of its
// structuredContent.
//
//   node check.mjs DIR   (DIR/tools.json: the tools/list `tools`; DIR/calls.json:
//                         [{"tool", "arguments", "result"}], result as tools/call returns it)
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node check.mjs DIR");
  process.exit(2);
}
const tools = JSON.parse(readFileSync(join(dir, "tools.json"), "utf8"));
const calls = JSON.parse(readFileSync(join(dir, "calls.json"), "utf8"));

// Only the formats JSON Schema 2020-12 defines: an OpenAPI-only one such as "int64" is then an
// unknown format, which strict mode refuses.
const STANDARD_FORMATS = [
  "date-time", "date", "time", "duration", "email", "hostname", "ipv4", "ipv6", "uri",
  "uri-reference", "uri-template", "uuid", "json-pointer", "relative-json-pointer", "regex",
];
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv, STANDARD_FORMATS);

// Strict mode ignores defaults; a default its own schema refuses (`"type": "string"` with
// `"default": null`) still misleads clients that fill defaults in, so it fails here.
const jsonType = (v) =>
  v === null ? "null" : Array.isArray(v) ? "array" : Number.isInteger(v) ? "integer" : typeof v;
function badDefaults(node, path, found = []) {
  if (node && typeof node === "object") {
    if (!Array.isArray(node) && "default" in node && node.type !== undefined) {
      const types = [node.type].flat();
      const t = jsonType(node.default);
      if (!types.includes(t) && !(t === "integer" && types.includes("number"))) {
        found.push(`${path}: default ${JSON.stringify(node.default)} is not of type ${types}`);
      }
    }
    for (const [key, child] of Object.entries(node)) badDefaults(child, `${path}/${key}`, found);
  }
  return found;
}

const failures = [];
const fail = (what, detail) => failures.push(`${what}: ${detail}`);
const errors = (validate) => ajv.errorsText(validate.errors);

const validators = new Map();
for (const tool of tools) {
  const compiled = {};
  for (const key of ["inputSchema", "outputSchema"]) {
    if (!tool[key]) {
      fail(`${tool.name}.${key}`, "missing");
      continue;
    }
    for (const problem of badDefaults(tool[key], `${tool.name}.${key}`)) fail(problem, "bad default");
    try {
      compiled[key] = ajv.compile(tool[key]);
    } catch (e) {
      fail(`${tool.name}.${key}`, `does not compile in strict mode: ${e.message}`);
    }
  }
  validators.set(tool.name, compiled);
}

let checked = 0;
for (const [i, { tool, arguments: args, result }] of calls.entries()) {
  const what = `call ${i} ${tool} ${JSON.stringify(args)}`;
  const compiled = validators.get(tool);
  if (!compiled) {
    fail(what, "no such tool in tools.json");
    continue;
  }
  const text = result.content?.[0]?.text;
  if (result.structuredContent === undefined) {
    fail(what, "no structuredContent");
  } else if (compiled.outputSchema && !compiled.outputSchema(result.structuredContent)) {
    fail(what, `structuredContent does not match the outputSchema: ${errors(compiled.outputSchema)}`);
  }
  if (result.isError) {
    if (text !== result.structuredContent?.error) {
      fail(what, "an error's text is not its structuredContent.error");
    }
  } else {
    if (compiled.inputSchema && !compiled.inputSchema(args)) {
      fail(what, `arguments do not match the inputSchema: ${errors(compiled.inputSchema)}`);
    }
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch {
      fail(what, "content[0] is not JSON");
    }
    if (!isDeepStrictEqual(parsed, result.structuredContent)) {
      fail(what, "content[0] is not the JSON of structuredContent");
    }
  }
  checked += 1;
}

if (failures.length > 0) {
  console.error(failures.join("\n"));
  process.exit(1);
}
console.log(`ajv strict: ${tools.length} tools (input and output schemas), ${checked} results: ok`);
