/**
 * A rough strength hint while a password is typed. Identity judges for real (zxcvbn, the
 * breached list, the person's own details); this only nudges towards long passphrases
 * without shipping a 400 KB dictionary to the phone.
 */

const WEAK_PARTS = [
  "password", "passwort", "motdepasse", "nenosiri", "qwerty", "azerty", "123456", "abcdef",
  "letmein", "welcome", "iloveyou", "admin", "karibu", "kenya", "nairobi",
];

/** 0 (too short) to 4 (strong). */
export function strengthLevel(password: string, minLength: number): 0 | 1 | 2 | 3 | 4 {
  if (password.length < minLength) {
    return 0;
  }
  const folded = password.toLowerCase();
  const unique = new Set(folded).size;
  if (unique <= 3 || WEAK_PARTS.some((part) => folded.includes(part)) || /(\d)\1{3,}|0123|1234|2345|3456|4567|5678|6789/.test(folded)) {
    return 1;
  }
  const words = password.trim().split(/\s+/).filter((w) => w.length >= 3).length;
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z\d\s]/, /\s/].filter((re) => re.test(password)).length;
  if ((words >= 4 && password.length >= 20) || password.length >= 24) {
    return 4;
  }
  if (words >= 3 || (password.length >= 16 && classes >= 3) || password.length >= 20) {
    return 3;
  }
  return 2;
}
