// NHS numbers: ten digits, the last a Modulus-11 check digit over the first nine (weights 10..2).
// Source: SOURCE-NOTES §1.8 (the reference implementation's ValidationHelper.ValidNhsNumber).

/** The check digit for nine leading digits, or undefined when Modulus 11 gives 10 (no valid number exists). */
export function nhsCheckDigit(nine: string): number | undefined {
  if (!/^\d{9}$/.test(nine)) throw new Error(`nhsCheckDigit needs nine digits, got "${nine}"`);
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(nine[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  return check === 10 ? undefined : check;
}

/** True when `value` is exactly ten digits whose last is the Modulus-11 check digit. No spaces or dashes are stripped. */
export function isValidNhsNumber(value: string): boolean {
  if (!/^\d{10}$/.test(value)) return false;
  return nhsCheckDigit(value.slice(0, 9)) === Number(value[9]);
}
