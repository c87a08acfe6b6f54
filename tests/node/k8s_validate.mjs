#!/usr/bin/env node
// tests/node/k8s_validate.mjs: validates Kubernetes manifests against the
// API schemas bundled in the kubernetes-models package (offline; no
// cluster). Reads a JSON array of objects on stdin, writes one JSON array:
// per object {"kind", "name", "ok": true} | {"ok": false, "errors": "..."}
// | {"skipped": "no schema"} for kinds it has no model of (CRDs such as
// ServiceMonitor or CloudNativePG's Cluster).
//
//   node k8s_validate.mjs < manifests.json
import fs from "fs";

const CORE = "v1";

async function modelOf(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : [CORE, apiVersion];
  const path = group === CORE ? `kubernetes-models/v1/${kind}` : `kubernetes-models/${group}/${version}/${kind}`;
  try {
    const mod = await import(path);
    return mod[kind] || null;
  } catch {
    return null;
  }
}

const docs = JSON.parse(fs.readFileSync(0, "utf8"));
const out = [];
for (const d of docs) {
  const r = { kind: d.kind, name: d.metadata && d.metadata.name };
  const Model = await modelOf(d.apiVersion || "", d.kind || "");
  if (!Model) {
    r.skipped = "no schema";
  } else {
    try {
      new Model(d).validate();
      r.ok = true;
    } catch (e) {
      r.ok = false;
      r.errors = String(e.message || e);
    }
  }
  out.push(r);
}
process.stdout.write(JSON.stringify(out));
