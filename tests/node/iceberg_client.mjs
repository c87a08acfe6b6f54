#!/usr/bin/env node
// tests/node/iceberg_client.mjs: drives the npm iceberg-js client for the
// Python e2e tests. One JSON command per stdin line, one JSON reply per line:
//
//   {"id": 1, "op": "listNamespaces", "args": [{"parent": {"namespace": ["a"]}}]}
//   -> {"id": 1, "ok": true, "result": {...}}
//   -> {"id": 1, "ok": false, "error": {"name", "message", "status",
//                                        "icebergType", "icebergCode", "details"}}
//
// `op` is any method of IcebergRestCatalog (see OPS), `args` its positional
// arguments as JSON. "legacy": true sends the command through iceberg-js
// 0.8.1 instead (installed as iceberg-js-legacy): its updateTable takes
// {schema?, 'partition-spec'?, properties?} and posts that object as-is,
// not the spec's CommitTableRequest. A first line {"op":"ready"} is written.
//
// Options: --base-url URL (required), --warehouse W (1.0.0 asks GET
// /v1/config?warehouse=W and uses overrides.prefix; 0.8.1 uses
// catalogName as the prefix), --token T (bearer auth).
//
// Both clients fetch through a recorder: {"op": "takeRequests"} answers
// every HTTP request sent since the last takeRequests, oldest first, as
// {method, url, headers (lower-case names), body (parsed JSON or null),
// status}, and forgets them.
import readline from 'node:readline';
import { IcebergRestCatalog } from 'iceberg-js';
import { IcebergRestCatalog as LegacyCatalog } from 'iceberg-js-legacy';

export const OPS = [
  'loadConfig', 'listNamespaces', 'createNamespace', 'createNamespaceIfNotExists',
  'loadNamespaceMetadata', 'namespaceExists', 'updateNamespaceProperties', 'dropNamespace',
  'listTables', 'createTable', 'createTableResult', 'createTableIfNotExists',
  'loadTable', 'loadTableResult', 'tableExists', 'updateTable', 'commitTable',
  'dropTable', 'registerTable', 'registerTableResult', 'renameTable',
];
export const LEGACY_OPS = [
  'listNamespaces', 'createNamespace', 'createNamespaceIfNotExists', 'loadNamespaceMetadata',
  'namespaceExists', 'dropNamespace', 'listTables', 'createTable', 'createTableIfNotExists',
  'loadTable', 'tableExists', 'updateTable', 'dropTable',
];

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const baseUrl = opt('base-url');
if (!baseUrl) {
  process.stderr.write('iceberg_client.mjs: --base-url is required\n');
  process.exit(2);
}
const warehouse = opt('warehouse');
const token = opt('token');
const auth = token ? { type: 'bearer', token } : undefined;
let requests = [];
async function recordingFetch(url, init = {}) {
  const headers = {};
  for (const [k, v] of Object.entries(init.headers || {})) headers[k.toLowerCase()] = v;
  let body = null;
  if (typeof init.body === 'string') {
    try { body = JSON.parse(init.body); } catch { body = init.body; }
  }
  const entry = { method: init.method || 'GET', url: String(url), headers, body, status: null };
  requests.push(entry);
  const res = await globalThis.fetch(url, init);
  entry.status = res.status;
  return res;
}
const current = new IcebergRestCatalog({ baseUrl, warehouse, auth, fetch: recordingFetch });
const legacy = new LegacyCatalog({ baseUrl, catalogName: warehouse, auth, fetch: recordingFetch });

function errorJson(e) {
  return {
    name: e?.name ?? 'Error',
    message: e?.message ?? String(e),
    status: e?.status,
    icebergType: e?.icebergType,
    icebergCode: e?.icebergCode,
    details: e?.details instanceof Error ? String(e.details) : e?.details,
  };
}

async function run(cmd) {
  if (cmd.op === 'takeRequests') {
    const taken = requests;
    requests = [];
    return taken;
  }
  const ops = cmd.legacy ? LEGACY_OPS : OPS;
  if (!ops.includes(cmd.op)) throw new Error(`unknown op ${cmd.op}; one of ${ops.join(', ')}`);
  const catalog = cmd.legacy ? legacy : current;
  const result = await catalog[cmd.op](...(cmd.args || []));
  return result === undefined ? null : result;
}

process.stdout.write(JSON.stringify({ op: 'ready', ops: OPS, legacyOps: LEGACY_OPS }) + '\n');
const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of rl) {
  if (!line.trim()) continue;
  let cmd = {};
  let reply;
  try {
    cmd = JSON.parse(line);
    reply = { id: cmd.id, ok: true, result: await run(cmd) };
  } catch (e) {
    reply = { id: cmd.id, ok: false, error: errorJson(e) };
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
}
