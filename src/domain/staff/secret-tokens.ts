/**
 * Random secrets handed to a person or a browser (invite links, session cookies, API tokens):
 * 32 random bytes, base64url. Only their SHA-256 is stored, so a copy of the database opens nothing.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A fresh secret, URL-safe, with an optional readable prefix (`ceb_` for API tokens). */
export function newSecret(prefix = ""): string {
  return `${prefix}${randomBytes(32).toString("base64url")}`;
}

/** The stored form of a secret: SHA-256, hex. */
export function secretHash(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** Compares two strings in constant time (for tokens compared outside the database). */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
