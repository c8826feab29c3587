/**
 * PostgreSQL's text input and output functions for every runtime type (see values.ts), with the
 * exact PostgreSQL error messages. Both directions run once per value in bulk loads and result
 * encoding, so they scan characters by hand and keep regexes at module level.
 *
 * The implementation lives in text-io/, one module per family of types; this module re-exports
 * the public functions.
 */

export type { TextIoContext } from './text-io/context.js';
export { parseBool, parseInt32, parseInt64, parseFloatInput, parseNumeric } from './text-io/numeric.js';
export { applyCharLength } from './text-io/character.js';
export { parseUuid, parseBytea, formatBytea } from './text-io/uuid-bytea.js';
export { quoteJsonString } from './text-io/json-text.js';
export { parseJson, parseJsonb } from './text-io/json.js';
export { parseDate, parseTimestamp, parseTime } from './text-io/datetime-input.js';
export { parseInterval } from './text-io/interval-input.js';
export { parseArray, parseValue } from './text-io/parse-value.js';
export { formatFloat, toExponentialEven, toFixedEven } from './text-io/float-output.js';
export { formatDate, formatTimestamp, formatTime, formatInterval } from './text-io/datetime-output.js';
export { formatArray, formatValue } from './text-io/format-value.js';
