#!/usr/bin/env node
// tests/node/validate.mjs: validates JSON bodies against the released Apache
// Iceberg REST catalog OpenAPI spec (read at run time, never copied into the
// repository). Library (loadSpec/Validator) and CLI:
//
//   node validate.mjs --schema LoadTableResult < body.json
//   node validate.mjs --path /v1/{prefix}/namespaces --method get --status 200 < body.json
//   node validate.mjs --server      # one JSON request per stdin line, one reply per line
//
// Server requests: {"id":..,"schema":"X","body":..} or
// {"id":..,"path":"/v1/..","method":"get","status":200,"body":..};
// replies: {"id":..,"ok":true} or {"id":..,"ok":false,"errors":[..]}.
//
// The spec is OpenAPI 3.1 (JSON Schema 2020-12) but still carries OpenAPI 3.0
// idioms that ajv does not understand, rewritten here before compiling:
//  - `nullable: true` -> the type (or enum) also admits null; `nullable: false` dropped;
//  - `discriminator` + `mapping`: where the schema is a union (oneOf/anyOf),
//    the union is replaced by a dispatch on the property's value (if/then per
//    mapping entry, unknown values rejected), so errors name the one branch
//    that applies. Where the discriminator sits on a base type that children
//    extend through allOf (BaseUpdate, TableRequirement, ContentFile), every
//    $ref to the base that is NOT an allOf entry is pointed at a synthetic
//    "<Base>__dispatch" schema that dispatches the same way (the children's
//    allOf keeps the plain base, so there is no recursion);
//  - OpenAPI formats int32/int64/float/double (not in ajv-formats) added;
//    the rest (uuid, date, duration, byte, uri...) come from ajv-formats;
//  - `additionalProperties` is left as written: absent means allowed, as in
//    both OpenAPI and JSON Schema. Option `strict` (CLI --strict, server
//    request "strict":true) additionally rejects properties the spec does not
//    name (unevaluatedProperties:false on component object schemas that are
//    not allOf bases), to catch misspelt optional field names.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');

export function defaultSpecPath() {
  return process.env.METASTORE_ICEBERG_SPEC ||
    path.resolve(repoRoot, '..', 'shared', 'reference', 'iceberg-rest-catalog-open-api.yaml');
}

const SCHEMA_REF = '#/components/schemas/';
const ID = 'iceberg-rest';

function refName(ref) {
  if (typeof ref !== 'string' || !ref.startsWith(SCHEMA_REF))
    throw new Error(`unsupported $ref ${ref}`);
  return ref.slice(SCHEMA_REF.length);
}

// Every `$ref` to a component schema becomes an absolute reference into the
// one schema document registered with ajv ($defs holds the components).
function toAjvRef(name) {
  return `${ID}#/$defs/${name}`;
}

function dispatchOf(disc) {
  const prop = disc.propertyName;
  const keys = Object.keys(disc.mapping);
  return {
    type: 'object',
    required: [prop],
    properties: { [prop]: { enum: keys } },
    allOf: keys.map((k) => ({
      if: { properties: { [prop]: { const: k } }, required: [prop] },
      then: { $ref: toAjvRef(refName(disc.mapping[k])) },
    })),
  };
}

// Rewrite one schema tree (a copy). `bases` names the component schemas
// whose discriminator sits on the base type; `inAllOf` says this node is an
// entry of an allOf array.
function rewrite(node, bases, inAllOf = false) {
  if (Array.isArray(node)) return node.map((n) => rewrite(n, bases, false));
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'allOf') out[k] = v.map((n) => rewrite(n, bases, true));
    else if (k === 'properties' || k === 'patternProperties' || k === '$defs') {
      out[k] = {};
      for (const [pk, pv] of Object.entries(v)) out[k][pk] = rewrite(pv, bases, false);
    } else if (k === 'example' || k === 'examples' || k === 'discriminator' ||
               k === 'nullable' || k.startsWith('x-')) {
      // annotations ajv does not know, or handled below
    } else out[k] = rewrite(v, bases, false);
  }
  if (typeof out.$ref === 'string') {
    const name = refName(out.$ref);
    out.$ref = toAjvRef(bases.has(name) && !inAllOf ? `${name}__dispatch` : name);
  }
  if (node.discriminator && node.discriminator.mapping && (out.oneOf || out.anyOf)) {
    const d = dispatchOf(node.discriminator);
    delete out.oneOf;
    delete out.anyOf;
    out.type ??= d.type;
    out.required = [...new Set([...(out.required || []), ...d.required])];
    out.properties = { ...(out.properties || {}), ...d.properties };
    out.allOf = [...(out.allOf || []), ...d.allOf];
  }
  if (node.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (Array.isArray(out.type) && !out.type.includes('null')) out.type = [...out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    if (out.type === undefined && out.$ref) {
      const ref = out.$ref;
      delete out.$ref;
      out.anyOf = [{ $ref: ref }, { type: 'null' }];
    }
  }
  return out;
}

function basesWithDiscriminator(schemas) {
  const s = new Set();
  for (const [name, sch] of Object.entries(schemas))
    if (sch.discriminator && sch.discriminator.mapping && !sch.oneOf && !sch.anyOf) s.add(name);
  return s;
}

function allOfBases(schemas) {
  const s = new Set();
  const walk = (n) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (n === null || typeof n !== 'object') return;
    if (Array.isArray(n.allOf))
      for (const e of n.allOf) if (e && typeof e.$ref === 'string') s.add(refName(e.$ref));
    Object.values(n).forEach(walk);
  };
  walk(schemas);
  return s;
}

export function loadSpec(specPath = defaultSpecPath()) {
  const text = fs.readFileSync(specPath, 'utf8');
  return YAML.parse(text);
}

export class Validator {
  constructor(spec, { strict = false } = {}) {
    this.spec = spec;
    const schemas = spec.components.schemas;
    const bases = basesWithDiscriminator(schemas);
    const extended = allOfBases(schemas);
    const defs = {};
    for (const [name, sch] of Object.entries(schemas)) {
      const r = rewrite(sch, bases);
      if (strict && !extended.has(name) && r.properties && r.additionalProperties === undefined &&
          r.unevaluatedProperties === undefined)
        r.unevaluatedProperties = false;
      defs[name] = r;
    }
    for (const name of bases) defs[`${name}__dispatch`] = dispatchOf(schemas[name].discriminator);
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    const isInt = (x) => Number.isInteger(x);
    this.ajv.addFormat('int32', { type: 'number', validate: (x) => isInt(x) && x >= -2147483648 && x <= 2147483647 });
    this.ajv.addFormat('int64', { type: 'number', validate: (x) => isInt(x) && Math.abs(x) <= 2 ** 63 });
    this.ajv.addFormat('float', { type: 'number', validate: () => true });
    this.ajv.addFormat('double', { type: 'number', validate: () => true });
    this.ajv.addSchema({ $id: ID, $defs: defs });
    this.cache = new Map();
  }

  schemaNames() {
    return Object.keys(this.spec.components.schemas);
  }

  compiled(key, schema) {
    let v = this.cache.get(key);
    if (!v) {
      v = this.ajv.compile(schema);
      this.cache.set(key, v);
    }
    return v;
  }

  // -> {ok, errors}
  validateSchema(name, body) {
    if (!(name in this.spec.components.schemas))
      return { ok: false, errors: [`unknown schema ${name}`] };
    return this.run(this.compiled(`s:${name}`, { $ref: toAjvRef(name) }), body);
  }

  // The spec's response for path (a template key of `paths`, or a concrete
  // path matched against the templates, with or without the {prefix}
  // segment), method and status (exact code, then "4XX" style, then default).
  responseSpec(reqPath, method, status) {
    const paths = this.spec.paths;
    const tmpl = this.matchPath(reqPath);
    if (!tmpl) return { error: `no path in the spec matches ${reqPath}` };
    const op = paths[tmpl][String(method).toLowerCase()];
    if (!op) return { error: `${method} ${tmpl} is not in the spec` };
    const st = String(status);
    let resp = op.responses[st] ?? op.responses[`${st[0]}XX`] ?? op.responses.default;
    if (!resp) return { error: `${method} ${tmpl} declares no response ${st}` };
    while (resp.$ref) {
      const m = /^#\/components\/responses\/(.+)$/.exec(resp.$ref);
      if (!m) return { error: `unsupported response $ref ${resp.$ref}` };
      resp = this.spec.components.responses[m[1]];
    }
    return { template: tmpl, response: resp };
  }

  matchPath(reqPath) {
    const p = reqPath.split('?')[0];
    const paths = this.spec.paths;
    if (paths[p]) return p;
    for (const t of Object.keys(paths)) {
      const variants = [t];
      if (t.includes('/{prefix}')) variants.push(t.replace('/{prefix}', ''));
      for (const v of variants) {
        const re = new RegExp('^' + v.split(/\{[^}]+\}/).map((s) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&')).join('[^/]+') + '$');
        if (re.test(p)) return t;
      }
    }
    return null;
  }

  validateResponse(reqPath, method, status, body) {
    const r = this.responseSpec(reqPath, method, status);
    if (r.error) return { ok: false, errors: [r.error] };
    const content = r.response.content;
    if (!content) {
      const empty = body === undefined || body === null || body === '';
      return empty ? { ok: true, errors: [] }
        : { ok: false, errors: [`${method} ${r.template} ${status} has no body in the spec`] };
    }
    const media = content['application/json'] ?? Object.values(content)[0];
    const key = `r:${r.template}:${method}:${status}`;
    let v = this.cache.get(key);
    if (!v) {
      // the response schema lives outside components: rewrite it the same way
      const bases = basesWithDiscriminator(this.spec.components.schemas);
      v = this.compiled(key, rewrite(media.schema, bases));
    }
    return this.run(v, body);
  }

  run(validate, body) {
    const ok = validate(body);
    return { ok, errors: ok ? [] : validate.errors.map((e) =>
      `${e.instancePath || '/'} ${e.message}${e.params && Object.keys(e.params).length ? ' ' + JSON.stringify(e.params) : ''} (${e.schemaPath})`) };
  }
}

function parseArgs(argv) {
  const a = { strict: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--server') a.server = true;
    else if (k === '--strict') a.strict = true;
    else if (k === '--list') a.list = true;
    else if (['--schema', '--path', '--method', '--status', '--spec'].includes(k)) a[k.slice(2)] = argv[++i];
    else throw new Error(`unknown argument ${k}`);
  }
  return a;
}

async function serve(spec) {
  const plain = new Validator(spec);
  let strict = null;
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  process.stdout.write(JSON.stringify({ ready: true, schemas: plain.schemaNames().length }) + '\n');
  for await (const line of rl) {
    if (!line.trim()) continue;
    let reply;
    try {
      const req = JSON.parse(line);
      const v = req.strict ? (strict ??= new Validator(spec, { strict: true })) : plain;
      const r = req.schema !== undefined ? v.validateSchema(req.schema, req.body)
        : v.validateResponse(req.path, req.method, req.status, req.body);
      reply = { id: req.id, ...r };
    } catch (e) {
      reply = { ok: false, errors: [`bad request: ${e.message}`] };
    }
    process.stdout.write(JSON.stringify(reply) + '\n');
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const spec = loadSpec(args.spec || defaultSpecPath());
  if (args.server) return serve(spec);
  const v = new Validator(spec, { strict: args.strict });
  if (args.list) {
    process.stdout.write(v.schemaNames().join('\n') + '\n');
    return;
  }
  const text = fs.readFileSync(0, 'utf8');
  const body = text.trim() === '' ? undefined : JSON.parse(text);
  const r = args.schema ? v.validateSchema(args.schema, body)
    : v.validateResponse(args.path, args.method || 'get', args.status || '200', body);
  if (!r.ok) {
    process.stderr.write(r.errors.join('\n') + '\n');
    process.exitCode = 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    process.stderr.write(`validate.mjs: ${e.message}\n`);
    process.exitCode = 2;
  });
}
