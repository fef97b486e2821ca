/**
 * ZStack's ErrorCode (zstack.md §6): `code`, `description` from the code table, `details` for this case.
 * Descriptions are copied from ZStack's conf/errorCodes/sys.xml and identity.xml.
 */
export interface ZStackErrorCode {
  code: string;
  description: string;
  details: string;
}

const DESCRIPTIONS: Record<string, string> = {
  'SYS.1000': 'An internal error happened in system',
  'SYS.1001': 'A message or a operation timeout',
  'SYS.1002': 'Unable to create a resource',
  'SYS.1003': 'A resource can not be found',
  'SYS.1004': 'Unable to delete a resource',
  'SYS.1005': 'Unable to change resource state',
  'SYS.1006': 'An operation failed',
  'SYS.1007': 'One or more API argument is invalid',
  'ID.1000': 'Unable to authenticate a user',
  'ID.1001': 'The session is invalid, either wrong session id or the session has been expired',
  'ID.1002': "The user doesn't have permission to perform the operation",
  'ID.1006': 'Max number of active sessions exceeded',
};

export function errorCode(code: string, details: string, description?: string): ZStackErrorCode {
  return { code, description: description ?? DESCRIPTIONS[code] ?? code, details };
}

/** A business failure: answered as 503 `{"error": ...}` (sync) or as the job's 503 result (async). */
export class ZStackApiError extends Error {
  constructor(readonly error: ZStackErrorCode) {
    super(`${error.code}: ${error.details}`);
  }
}

/** A request-shape problem the REST layer rejects with a plain-text 4xx/5xx before any API runs. */
export class RestShapeError extends Error {
  constructor(
    readonly status: number,
    readonly text: string,
  ) {
    super(text);
  }
}

/** `Platform.argerr`: SYS.1007. */
export const argError = (details: string) => new ZStackApiError(errorCode('SYS.1007', details));
/** `Platform.operr`: SYS.1006. */
export const operationError = (details: string) => new ZStackApiError(errorCode('SYS.1006', details));
/** PortApiValidator's answer for an `@APIParam(resourceType=...)` uuid that is not in the database. */
export const resourceNotFound = (field: string, uuid: string, voType: string) =>
  new ZStackApiError(errorCode('SYS.1003', `invalid field[${field}], resource[uuid:${uuid}, type:${voType}] not found`));
export const sessionExpired = () => new ZStackApiError(errorCode('ID.1001', 'Session expired'));
