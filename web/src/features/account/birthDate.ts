/** A birth date typed as day, month and year: "Y-M-D" pieces while typing, ISO once whole. */

export function splitDate(value: string): [string, string, string] {
  const [year = "", month = "", day = ""] = value.split("-");
  return [year, month, day];
}

export function joinDate(year: string, month: string, day: string): string {
  return year || month || day ? `${year}-${month}-${day}` : "";
}

/** The ISO date of complete pieces, "" when all are empty, null when incomplete or unreal. */
export function isoDate(value: string): string | null {
  if (!value) {
    return "";
  }
  const [year, month, day] = splitDate(value);
  if (!/^\d{4}$/.test(year) || !/^\d{1,2}$/.test(month) || !/^\d{1,2}$/.test(day)) {
    return null;
  }
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return null;
  }
  return date.toISOString().slice(0, 10);
}

/** An ISO date from the API as the pieces the fields show ("1990-03-07" -> "1990-3-7"). */
export function fromIso(iso: string | null | undefined): string {
  if (!iso) {
    return "";
  }
  const [year = "", month = "", day = ""] = iso.split("-");
  return joinDate(year, String(Number(month)), String(Number(day)));
}
