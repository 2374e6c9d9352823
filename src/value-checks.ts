// How a configuration value is checked, one function per kind of value, shared by the engine's variables and each API
// module's test data. Each returns a problem to show beside the variable's name, or undefined when the value is fine.
import { isValidNhsNumber } from "./fhir/nhs-number.ts";

export type ValueCheck = (value: string) => string | undefined;

export const pattern = (re: RegExp, what: string): ValueCheck => (v) => (re.test(v) ? undefined : `must be ${what}`);
export const asid = pattern(/^\d{1,12}$/, "an ASID (up to 12 digits)");
export const odsCode = pattern(/^[A-Z0-9]{3,10}$/, "an ODS code (3 to 10 capital letters or digits)");
export const nhsNumber: ValueCheck = (v) => (isValidNhsNumber(v) ? undefined : "must be a ten-digit NHS number with a valid Modulus-11 check digit");

export const url: ValueCheck = (v) => {
  try {
    const u = new URL(v);
    // Credentials in the URL would be written wherever the URL is shown: the console, the summary, the report.
    if (u.username || u.password) return "must not carry credentials (user:password@): the URL is shown in every output";
    return u.protocol === "https:" || u.protocol === "http:" ? undefined : "must be an http(s) URL";
  } catch {
    return "must be an absolute URL such as https://host/path";
  }
};

export const positiveInt = (max: number): ValueCheck => (v) =>
  /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= max ? undefined : `must be a whole number from 1 to ${max}`;
