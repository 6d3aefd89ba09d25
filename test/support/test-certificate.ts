/**
 * A self-signed certificate for 127.0.0.1, made once per test run (global-setup.ts) with the
 * machine's openssl. MSAL refuses an http authority, so the fake Bot Framework's login host is
 * https; Node trusts the certificate through NODE_EXTRA_CA_CERTS, which Node reads only when a
 * process starts: global setup sets it before vitest forks the test processes, as a bundle of the
 * machine's own extra certificates (if any) and this one.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface TestCertificate {
  certFile: string;
  keyFile: string;
  /** The bundle NODE_EXTRA_CA_CERTS points at. */
  bundleFile: string;
  remove(): void;
}

/** Makes the certificate and the CA bundle in a temporary folder. */
export function makeTestCertificate(existingBundle: string | undefined): TestCertificate {
  const dir = mkdtempSync(path.join(tmpdir(), "ceb-tls-"));
  const certFile = path.join(dir, "cert.pem");
  const keyFile = path.join(dir, "key.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "3",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-keyout",
      keyFile,
      "-out",
      certFile,
    ],
    { stdio: "ignore" },
  );
  const bundleFile = path.join(dir, "bundle.pem");
  const before = existingBundle && existsSync(existingBundle) ? readFileSync(existingBundle, "utf8") : "";
  writeFileSync(bundleFile, `${before.trimEnd()}\n${readFileSync(certFile, "utf8")}`);
  return { certFile, keyFile, bundleFile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
