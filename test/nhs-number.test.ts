import { describe, expect, it } from "vitest";
import { isValidNhsNumber, nhsCheckDigit } from "../src/fhir/nhs-number.ts";

describe("Modulus-11 NHS numbers", () => {
  it("accepts the documented test numbers (SOURCE-NOTES §1.9 triggers all pass Modulus 11)", () => {
    for (const n of ["9876543210", "9464250321", "9464250054", "9464249935", "9462205973", "9462207119", "2686033207"]) {
      expect(isValidNhsNumber(n), n).toBe(true);
    }
  });
  it("rejects a wrong check digit, nine digits, letters, spaces and eleven digits", () => {
    for (const n of ["9876543211", "987654321", "98765432AB", "987 654 3210", "98765432100", ""]) expect(isValidNhsNumber(n), n).toBe(false);
  });
  it("treats a remainder giving 10 as having no valid check digit", () => {
    // 123456789: sum = 1*10+2*9+...+9*2 = 210, 210 % 11 = 1, 11 - 1 = 10
    expect(nhsCheckDigit("123456789")).toBeUndefined();
    for (let d = 0; d <= 9; d++) expect(isValidNhsNumber(`123456789${d}`)).toBe(false);
  });
  it("maps a check of 11 to 0", () => {
    // Find nine digits whose sum is divisible by 11 and check the 0.
    expect(nhsCheckDigit("000000000")).toBe(0);
    expect(isValidNhsNumber("0000000000")).toBe(true);
  });
});
