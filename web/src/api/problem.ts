/** RFC 9457 problem+json answers of the API, as an Error the screens can show. */

export interface FieldError {
  field: string;
  message: string;
  code?: string;
}

export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** An API answer that was not a success, or no answer at all (`status` 0: the network). */
export class ProblemError extends Error {
  readonly status: number;
  readonly body: ProblemBody;

  constructor(status: number, body: ProblemBody) {
    super(body.detail ?? body.title ?? `HTTP ${status}`);
    this.name = "ProblemError";
    this.status = status;
    this.body = body;
  }

  /** The last segment of the problem type: `urn:clinic:problem:slot-taken` -> `slot-taken`. */
  get slug(): string {
    const type = this.body.type ?? "";
    return type.slice(type.lastIndexOf(":") + 1);
  }

  get isNetwork(): boolean {
    return this.status === 0;
  }

  /** Validation errors by form field: `body.date_of_birth` -> `date_of_birth`. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const error of this.body.errors ?? []) {
      const parts = error.field.split(".").filter((p) => p !== "body" && p !== "query");
      const name = parts.join(".");
      if (name && !(name in out)) {
        out[name] = error.message;
      }
    }
    return out;
  }
}

export const NETWORK_PROBLEM: ProblemBody = { type: "urn:clinic:problem:network", title: "Network" };

/** Read a failed response into a ProblemError, whatever its body. */
export async function problemFrom(response: Response): Promise<ProblemError> {
  let body: ProblemBody = { status: response.status, title: response.statusText };
  try {
    const parsed: unknown = await response.clone().json();
    if (parsed && typeof parsed === "object") {
      body = parsed as ProblemBody;
    }
  } catch {
    // not JSON (a proxy's HTML error page): the status alone tells the story
  }
  return new ProblemError(response.status, body);
}

export function isProblem(error: unknown): error is ProblemError {
  return error instanceof ProblemError;
}
