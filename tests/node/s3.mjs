#!/usr/bin/env node
// tests/node/s3.mjs: an S3 server for the e2e tests. Runs s3rver on 127.0.0.1
// (a free port unless --port), storing objects in a temp directory (or --dir),
// with one fixed access key pair (s3rver's built-in S3RVER key is revoked).
// Prints one JSON line {"port","accessKeyId","secretAccessKey","region","dir",
// "vhostEndpoint","scheme"} when ready; stops on SIGTERM/SIGINT or when stdin
// closes. With --tls-cert FILE --tls-key FILE it serves https (s3rver's own
// key/cert options).
//
// Virtual-host style: s3rver takes the bucket from a Host of the form
// <bucket>.s3.<service endpoint>; the service endpoint is "localhost" here
// (--service-endpoint), and libcurl resolves every *.localhost name to the
// loopback address, so http://<bucket>.s3.localhost:<port>/<key> reaches
// this server with no DNS set-up ("vhostEndpoint": http://s3.localhost:<port>).
//
// s3rver 3.7.1 verifies only V2 signatures: for AWS SigV4 it checks the header
// shape, the x-amz-content-sha256 header, the access key id and the clock skew,
// but never computes the signature. So a front middleware here verifies every
// SigV4 Authorization header with the AWS SDK's own signer
// (@smithy/signature-v4): it re-signs the request's signed headers with the
// known secret, the request's date and its credential scope, and answers 403
// SignatureDoesNotMatch on any difference. Anonymous requests get 403
// AccessDenied. Presigned (query) SigV4 URLs and payload hashes are not
// verified (the payload hash header is trusted as signed).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Hash } from '@smithy/hash-node';

const require = createRequire(import.meta.url);
const S3rver = require('s3rver');
const AWSAccount = require('s3rver/lib/models/account');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const accessKeyId = opt('access-key', 'metastore-test');
const secretAccessKey = opt('secret-key', 'metastore-test-secret');
const port = Number(opt('port', '0'));
const dir = opt('dir', null) || fs.mkdtempSync(path.join(os.tmpdir(), 'metastore-s3-'));
const ownsDir = !opt('dir', null);
const buckets = (opt('buckets', '') || '').split(',').filter(Boolean);
const serviceEndpoint = opt('service-endpoint', 'localhost');
const tlsCert = opt('tls-cert', null);
const tlsKey = opt('tls-key', null);
const scheme = tlsCert ? 'https' : 'http';

// s3rver 3.7.1 encrypts its ListObjectsV2 continuation tokens with single
// DES ('des', i.e. DES-CBC), which OpenSSL 3 (Node 17+) keeps in its legacy
// provider only: every truncated listing would fail with 500 InternalError.
// DES-CBC with key k is 3DES-CBC with key k|k|k, which the default provider
// has, so s3rver's calls are redirected to that.
for (const name of ['createCipheriv', 'createDecipheriv']) {
  const original = crypto[name];
  crypto[name] = function (algorithm, key, iv, ...rest) {
    if (String(algorithm).toLowerCase() === 'des') {
      const k = Buffer.from(key);
      return original.call(this, 'des-ede3-cbc', Buffer.concat([k, k, k]), iv, ...rest);
    }
    return original.call(this, algorithm, key, iv, ...rest);
  };
}

const AUTH_RE = /^AWS4-HMAC-SHA256 (.*)$/;

function xmlError(ctx, status, code, message) {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

function parseQuery(raw) {
  const q = {};
  if (!raw) return q;
  for (const part of raw.split('&')) {
    if (!part) continue;
    const i = part.indexOf('=');
    const k = decodeURIComponent(i < 0 ? part : part.slice(0, i));
    const v = i < 0 ? '' : decodeURIComponent(part.slice(i + 1));
    if (k in q) q[k] = [].concat(q[k], v);
    else q[k] = v;
  }
  return q;
}

function parseAmzDate(s) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s || '');
  return m ? new Date(Date.UTC(+m[1], m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : null;
}

async function verifySigV4(ctx, next) {
  const auth = ctx.get('authorization');
  if (!auth) {
    if ('X-Amz-Algorithm' in ctx.query || 'Signature' in ctx.query)
      return xmlError(ctx, 403, 'AccessDenied', 'query-string authentication is not accepted by this test server');
    return xmlError(ctx, 403, 'AccessDenied', 'anonymous requests are refused by this test server');
  }
  const m = AUTH_RE.exec(auth);
  if (!m) return xmlError(ctx, 400, 'InvalidArgument', 'only AWS4-HMAC-SHA256 Authorization is accepted');
  const parts = Object.fromEntries(m[1].split(/,\s*/).map((p) => {
    const i = p.indexOf('=');
    return [p.slice(0, i), p.slice(i + 1)];
  }));
  const [keyId, shortDate, region, service, term] = (parts.Credential || '').split('/');
  const signed = (parts.SignedHeaders || '').split(';').filter(Boolean);
  if (!keyId || term !== 'aws4_request' || !parts.Signature || !signed.includes('host'))
    return xmlError(ctx, 400, 'AuthorizationHeaderMalformed', 'malformed AWS4-HMAC-SHA256 Authorization header');
  if (keyId !== accessKeyId)
    return xmlError(ctx, 403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  if (!signed.includes('x-amz-content-sha256') || !signed.includes('x-amz-date'))
    return xmlError(ctx, 403, 'AccessDenied', 'x-amz-content-sha256 and x-amz-date must be signed');
  const date = parseAmzDate(ctx.get('x-amz-date'));
  if (!date || !ctx.get('x-amz-date').startsWith(shortDate))
    return xmlError(ctx, 403, 'AccessDenied', 'bad x-amz-date');
  const headers = {};
  for (const h of signed) headers[h] = ctx.get(h);
  const rawUrl = ctx.req.url;
  const qi = rawUrl.indexOf('?');
  const request = new HttpRequest({
    method: ctx.method,
    protocol: 'http:',
    hostname: ctx.hostname,
    path: qi < 0 ? rawUrl : rawUrl.slice(0, qi),
    query: parseQuery(qi < 0 ? '' : rawUrl.slice(qi + 1)),
    headers,
  });
  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey },
    region, service, sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: false, applyChecksum: false,
  });
  const out = await signer.sign(request, { signingDate: date, signableHeaders: new Set(signed) });
  const expected = /Signature=([0-9a-f]+)/.exec(out.headers.authorization)[1];
  const expectedSigned = /SignedHeaders=([^,]+)/.exec(out.headers.authorization)[1];
  if (expected !== parts.Signature || expectedSigned !== signed.join(';'))
    return xmlError(ctx, 403, 'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
  return next();
}

const server = new S3rver({
  address: '127.0.0.1',
  port,
  silent: true,
  directory: dir,
  allowMismatchedSignatures: false,
  serviceEndpoint,
  configureBuckets: buckets.map((name) => ({ name })),
  ...(tlsCert ? { cert: fs.readFileSync(tlsCert), key: fs.readFileSync(tlsKey) } : {}),
});
AWSAccount.DUMMY_ACCOUNT.revokeAccessKey('S3RVER');
AWSAccount.DUMMY_ACCOUNT.createKeyPair(accessKeyId, secretAccessKey);
server.middleware.unshift(verifySigV4);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  try { await server.close(); } catch { /* not running */ }
  if (ownsDir) fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();

const addr = await server.run();
process.stdout.write(JSON.stringify({
  port: addr.port, accessKeyId, secretAccessKey, region: 'us-east-1', dir,
  vhostEndpoint: `${scheme}://s3.${serviceEndpoint}:${addr.port}`, scheme,
}) + '\n');
