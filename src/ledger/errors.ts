// The ledger's refusals. None is worth retrying: the activities turn each into a non-retryable failure.

export class AccountNotFoundError extends Error {
  override name = 'AccountNotFoundError';
}

/** The ledger already has this bot with another symbol: reusing it would trade on a position it cannot see. */
export class AccountMismatchError extends Error {
  override name = 'AccountMismatchError';
}

/** A client order id already names a different order: never hand one order's fill to another. */
export class ClientOrderIdConflictError extends Error {
  override name = 'ClientOrderIdConflictError';
}
