/**
 * Dates a sentence states, as partial dates (YYYY, YYYY-MM or YYYY-MM-DD: the form is the precision), with what
 * they bound: "en 2019", "le 11 novembre 2021" are when it happened (`at`); "depuis mai 2021", "à partir de 2020"
 * start a period, "jusqu'en 2022" ends one, "de 2013 à 2022" / "entre 2013 et 2022" give both. Only dates with a
 * year: "début juin" or "mardi" stay unknown (a date the text does not give stays null).
 */

export interface StatedDate {
  role: "at" | "start" | "end";
  value: string;
  /** Code-point offsets in the text of the whole expression. */
  start: number;
  end: number;
}

const months = [
  "janvier",
  "f[ée]vrier",
  "mars",
  "avril",
  "mai",
  "juin",
  "juillet",
  "ao[ûu]t",
  "septembre",
  "octobre",
  "novembre",
  "d[ée]cembre",
];
const month = `(?:${months.join("|")})`;
/** A date with a year: "11 novembre 2021", "1er mai 2021", "mai 2021", "2021". */
const date = `(?:(?:(1er|\\d{1,2})\\s+)?(${month})\\s+)?((?:19|20)\\d{2})\\b`;

/** A word boundary that knows accented letters (`\\b` does not, even with the u flag). */
const edge = "(?<![\\p{L}\\p{N}])";

const patterns: { regex: RegExp; roles: ("at" | "start" | "end")[] }[] = [
  {
    regex: new RegExp(
      `${edge}(?:du|de|d['’])\\s*(?:le\\s+)?${date}\\s+(?:au|à|jusqu['’]au|jusqu['’]en)\\s+(?:le\\s+)?${date}`,
      "giu",
    ),
    roles: ["start", "end"],
  },
  {
    regex: new RegExp(`${edge}entre\\s+(?:le\\s+)?${date}\\s+et\\s+(?:le\\s+)?${date}`, "giu"),
    roles: ["start", "end"],
  },
  {
    regex: new RegExp(
      `${edge}(?:depuis|dès|à partir d[e'’])\\s*(?:le\\s+|l['’]|la fin\\s+|le début\\s+|d[ée]but\\s+|fin\\s+)?${date}`,
      "giu",
    ),
    roles: ["start"],
  },
  { regex: new RegExp(`${edge}jusqu['’]\\s*(?:en|au|à|a)\\s+(?:le\\s+)?${date}`, "giu"), roles: ["end"] },
  { regex: new RegExp(`${edge}${date}`, "giu"), roles: ["at"] },
];

const monthNumber = (name: string) =>
  months.findIndex((pattern) => new RegExp(`^${pattern}$`, "iu").test(name)) + 1;

/** The partial date of one match of `date`'s three groups (day, month, year). */
function partial(day: string | undefined, monthName: string | undefined, year: string): string {
  if (!monthName) return year;
  const mm = String(monthNumber(monthName)).padStart(2, "0");
  if (!day) return `${year}-${mm}`;
  const dd = String(day === "1er" ? 1 : Number(day)).padStart(2, "0");
  return `${year}-${mm}-${dd}`;
}

/**
 * Every dated expression of `text` between code points [from, to), each once (a range's dates are not also
 * read as bare dates), in text order.
 */
export function statedDates(points: readonly string[], from: number, to: number): StatedDate[] {
  const slice = points.slice(from, to).join("");
  /** UTF-16 index in `slice` → code-point offset in the text. */
  const toPoint = (unit: number) => from + Array.from(slice.slice(0, unit)).length;
  const taken: [number, number][] = [];
  const found: StatedDate[] = [];
  for (const { regex, roles } of patterns) {
    for (const match of slice.matchAll(regex)) {
      const begin = match.index ?? 0;
      const finish = begin + match[0].length;
      if (taken.some(([a, b]) => begin < b && a < finish)) continue;
      taken.push([begin, finish]);
      roles.forEach((role, k) => {
        const [day, monthName, year] = [match[1 + 3 * k], match[2 + 3 * k], match[3 + 3 * k] as string];
        found.push({
          role,
          value: partial(day, monthName, year),
          start: toPoint(begin),
          end: toPoint(finish),
        });
      });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** The at/start/end of a relation from the dates stated in its clause: the first of each role. */
export function datesOf(dates: readonly StatedDate[]): {
  at: string | null;
  start: string | null;
  end: string | null;
} {
  const first = (role: StatedDate["role"]) => dates.find((d) => d.role === role)?.value ?? null;
  return { at: first("at"), start: first("start"), end: first("end") };
}
