// A throw-away self-signed certificate for the demo hosts, made at test time with openssl.
// Real tracker hosts are HSTS-preloaded, so the demo must speak HTTPS; Chromium is started with
// --ignore-certificate-errors, so one certificate for every name is enough.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function makeCertificate(hosts) {
  const dir = mkdtempSync(join(tmpdir(), 'tracklens-cert-'));
  try {
    const san = hosts.map((h) => `DNS:${h}`).join(',');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2',
      '-subj', '/CN=TrackLens demo', '-addext', `subjectAltName=${san}`,
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } catch (error) {
    throw new Error(`could not make the demo certificate with openssl (is it installed?): ${error.message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
