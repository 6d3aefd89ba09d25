import { describe, expect, test } from "vitest";
import {
  generateInviteCode,
  INVITE_CODE_ALPHABET,
  normaliseInviteCode,
} from "../../../src/domain/cases/invite-codes.ts";

describe("generateInviteCode", () => {
  const codes = Array.from({ length: 2000 }, () => generateInviteCode());

  test("is 8 characters from the alphabet, a valid Telegram deep-link payload", () => {
    for (const code of codes) {
      expect(code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/);
      expect(code).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    }
  });

  test("the alphabet has no look-alikes (0/O, 1/I/L)", () => {
    for (const lookAlike of ["0", "O", "1", "I", "L"]) expect(INVITE_CODE_ALPHABET).not.toContain(lookAlike);
    expect(new Set(INVITE_CODE_ALPHABET).size).toBe(31);
  });

  test("uses the whole alphabet and does not repeat codes", () => {
    expect(new Set(codes.join("")).size).toBe(INVITE_CODE_ALPHABET.length);
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe("normaliseInviteCode", () => {
  test("trims and upper-cases what a client typed", () => {
    expect(normaliseInviteCode("  k7pq9xzd ")).toBe("K7PQ9XZD");
  });

  test("rejects what cannot be a deep-link payload", () => {
    expect(normaliseInviteCode("")).toBeNull();
    expect(normaliseInviteCode(null)).toBeNull();
    expect(normaliseInviteCode("has space")).toBeNull();
    expect(normaliseInviteCode("x".repeat(65))).toBeNull();
  });
});
