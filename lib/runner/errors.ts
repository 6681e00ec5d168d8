/** A problem with how leakfix was called (flags, config, paths): exit code 3, one line, no stack. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = 3;
}

export function isUsageError(error: unknown): error is UsageError {
  return error instanceof UsageError;
}
