/**
 * The one error class of LiveViewDB. Every failure a user can cause carries a PostgreSQL SQLSTATE
 * `code` and, where PostgreSQL has one, its message word for word. Adapters (wire protocol, HTTP)
 * map it to their protocol; nothing else is thrown across the public API.
 *
 * @example
 * try { await db.query('SELECT 1/0'); } catch (e) { if (e instanceof DatabaseError) console.log(e.code); } // '22012'
 */
export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';
  readonly code: string;
  detail?: string;
  hint?: string;
  /** 1-based character position in the statement text, as PostgreSQL reports it. */
  position?: number;
  /** Where the error happened (CONTEXT), e.g. `COPY t, line 3, column a: "x"`. */
  where?: string;

  constructor(code: string, message: string, extra?: { detail?: string; hint?: string; position?: number }) {
    super(message);
    this.code = code;
    if (extra?.detail !== undefined) this.detail = extra.detail;
    if (extra?.hint !== undefined) this.hint = extra.hint;
    if (extra?.position !== undefined) this.position = extra.position;
  }
}

/**
 * SQLSTATE codes used by the engine. Each must be listed in docs/errors.md (a test checks it).
 *
 * @example
 * try { await db.query('INSERT INTO t (id) VALUES (NULL)'); }
 * catch (e) { if (e instanceof DatabaseError && e.code === SqlState.notNullViolation) { ... } }
 */
export const SqlState = {
  successfulCompletion: '00000',
  featureNotSupported: '0A000',
  protocolViolation: '08P01',
  cardinalityViolation: '21000',
  dataException: '22000',
  stringDataRightTruncation: '22001',
  numericValueOutOfRange: '22003',
  nullValueNotAllowed: '22004',
  invalidDatetimeFormat: '22007',
  datetimeFieldOverflow: '22008',
  invalidTimeZoneDisplacementValue: '22009',
  invalidParameterValue: '22023',
  invalidEscapeSequence: '22025',
  invalidArgumentForLog: '2201E',
  invalidArgumentForPower: '2201F',
  invalidRowCountInLimit: '2201W',
  invalidRowCountInResultOffset: '2201X',
  invalidRegularExpression: '2201B',
  divisionByZero: '22012',
  invalidPrecedingOrFollowingSize: '22013',
  invalidArgumentForNtile: '22014',
  invalidArgumentForNthValue: '22016',
  substringError: '22011',
  invalidArgumentForWidthBucket: '2201G',
  invalidUseOfEscapeCharacter: '2200C',
  untranslatableCharacter: '22P05',
  intervalFieldOverflow: '22015',
  invalidTextRepresentation: '22P02',
  invalidBinaryRepresentation: '22P03',
  characterNotInRepertoire: '22021',
  arraySubscriptError: '2202E',
  invalidJsonText: '22P02',
  notNullViolation: '23502',
  uniqueViolation: '23505',
  checkViolation: '23514',
  invalidTransactionState: '25000',
  activeSqlTransaction: '25001',
  noActiveSqlTransaction: '25P01',
  inFailedSqlTransaction: '25P02',
  invalidSqlStatementName: '26000',
  invalidCursorName: '34000',
  duplicateCursor: '42P03',
  badCopyFileFormat: '22P04',
  undefinedFile: '58P01',
  ioError: '58030',
  dataCorrupted: 'XX001',
  invalidSavepointSpecification: '3B001',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
  syntaxError: '42601',
  insufficientPrivilege: '42501',
  groupingError: '42803',
  windowingError: '42P20',
  invalidRecursion: '42P19',
  datatypeMismatch: '42804',
  cannotCoerce: '42846',
  undefinedColumn: '42703',
  undefinedTable: '42P01',
  undefinedFunction: '42883',
  undefinedObject: '42704',
  undefinedParameter: '42P02',
  undefinedSchema: '3F000',
  duplicateColumn: '42701',
  duplicateTable: '42P07',
  duplicateSchema: '42P06',
  duplicateObject: '42710',
  duplicateAlias: '42712',
  duplicatePreparedStatement: '42P05',
  ambiguousColumn: '42702',
  ambiguousFunction: '42725',
  wrongObjectType: '42809',
  invalidColumnReference: '42P10',
  invalidTableDefinition: '42P16',
  dependentObjectsStillExist: '2BP01',
  indeterminateDatatype: '42P18',
  programLimitExceeded: '54000',
  tooManyColumns: '54011',
  outOfMemory: '53200',
  tooManyConnections: '53300',
  queryCanceled: '57014',
  invalidAuthorizationSpecification: '28000',
  invalidPassword: '28P01',
  invalidCatalogName: '3D000',
  objectNotInPrerequisiteState: '55000',
  objectInUse: '55006',
  cantChangeRuntimeParam: '55P02',
  lockNotAvailable: '55P03',
  internalError: 'XX000',
} as const;

export type SqlStateCode = (typeof SqlState)[keyof typeof SqlState];

/** Wraps anything thrown into a DatabaseError; engine bugs become XX000 with the original message. */
export function toDatabaseError(e: unknown): DatabaseError {
  if (e instanceof DatabaseError) return e;
  if (
    e instanceof RangeError &&
    /Invalid array length|allocation failed|Array buffer allocation/i.test(e.message)
  ) {
    return new DatabaseError(SqlState.outOfMemory, 'out of memory', { detail: e.message });
  }
  if (e instanceof RangeError && /Maximum call stack/i.test(e.message)) {
    return new DatabaseError(SqlState.programLimitExceeded, 'stack depth limit exceeded');
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new DatabaseError(SqlState.internalError, `internal error: ${msg}`);
}
