/** Phone numbers as identity wants them: E.164, "+" and up to 15 digits, no spaces. */

/** "+254 712-345 678", "(+254) 712 345678" or "00254712345678" -> "+254712345678". */
export function normalisePhone(raw: string): string {
  let value = raw.trim().replace(/[\s\-().\u00a0]/g, "");
  if (value.startsWith("00")) {
    value = `+${value.slice(2)}`;
  }
  return value;
}

/** Whether a normalised number looks like E.164; identity checks that it really exists. */
export function isE164(value: string): boolean {
  return /^\+[1-9]\d{6,14}$/.test(value);
}
