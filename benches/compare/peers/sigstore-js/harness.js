// sigstore-js (npm `@sigstore/verify`) behind the comparison protocol:
// node harness.js once|warm N TRUSTED_ROOT BUNDLE ARTIFACT IDENTITY ISSUER
'use strict';
const fs = require('fs');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');
const { bundleFromJSON } = require('@sigstore/bundle');
const { TrustedRoot } = require('@sigstore/protobuf-specs');

const [mode, n, rootPath, bundlePath, artifactPath, identity, issuer] = process.argv.slice(2);
const trust = toTrustMaterial(TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(rootPath, 'utf8'))));
const verifier = new Verifier(trust);
const bundleText = fs.readFileSync(bundlePath, 'utf8');
const artifact = fs.readFileSync(artifactPath);
const policy = { subjectAlternativeName: identity, extensions: { issuer } };
const once = () => verifier.verify(toSignedEntity(bundleFromJSON(JSON.parse(bundleText)), artifact), policy);

if (mode === 'once') {
  try {
    once();
    process.exit(0);
  } catch (e) {
    console.error(String(e && e.message ? e.message : e));
    process.exit(1);
  }
}
for (let i = 0; i < 3; i++) once();
const times = [];
for (let i = 0; i < Number(n); i++) {
  const t = process.hrtime.bigint();
  once();
  times.push(Number(process.hrtime.bigint() - t) / 1000);
}
times.sort((a, b) => a - b);
console.log(`median_us=${times[Math.floor(times.length / 2)].toFixed(1)}`);
